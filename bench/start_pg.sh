#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the matching benchmark's SQL baseline:
# initdb in a fresh temp dir, listening on 127.0.0.1 only (a free port, trust
# auth: nothing but this machine can reach it), removed again on stop.
# When run as root the server runs as the unprivileged `postgres` user
# (initdb and postgres refuse to run as root).
#
# Three ways to use it:
#   bench/start_pg.sh run -- CMD ARGS...   start, run CMD with PG_CONNINFO in
#                                          its environment, stop (also on ^C)
#   bench/start_pg.sh start                start, print "conninfo" then the
#                                          data dir on stdout, leave it running
#   bench/start_pg.sh stop DIR             stop the cluster in DIR, delete DIR
#   source bench/start_pg.sh               defines pg_start (sets PG_CONNINFO
#                                          and PG_DIR) and pg_stop; the caller
#                                          sets its own trap, e.g.
#                                          trap pg_stop EXIT
#
# Settings trade durability for load speed (fsync off: the data is
# regenerated every run); planner settings stay at their defaults.
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin),
# PG_SHARED_BUFFERS (default 2GB), PG_EXTRA_CONF (appended to the config).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

_pg_as_owner() {  # runs "$@" as the cluster owner
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_start: starts a cluster; sets PG_DIR, PG_PORT and PG_CONNINFO.
pg_start() {
  local dir port _
  dir="$(mktemp -d /tmp/labor-pg.XXXXXX)" || return 1
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  if ! _pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U bench --auth=trust -E UTF8 \
      --locale=C >"$dir/initdb.log" 2>&1; then
    echo "start_pg: initdb failed, see $dir/initdb.log" >&2
    return 1
  fi
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "shared_buffers = ${PG_SHARED_BUFFERS:-2GB}"
    echo "work_mem = 64MB"
    echo "maintenance_work_mem = 1GB"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_wal_size = 8GB"
    echo "autovacuum = off"
    echo "${PG_EXTRA_CONF:-}"
  } >>"$dir/data/postgresql.conf"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    _pg_port_free "$port" || continue
    if _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port" start >/dev/null 2>&1; then
      PG_DIR="$dir"
      PG_PORT="$port"
      PG_CONNINFO="host=127.0.0.1 port=$port user=bench dbname=postgres"
      export PG_DIR PG_PORT PG_CONNINFO
      return 0
    fi
  done
  echo "start_pg: could not start postgres, see $dir/server.log" >&2
  return 1
}

# pg_stop [DIR]: stops the cluster (default $PG_DIR) and deletes its dir.
pg_stop() {
  local dir="${1:-${PG_DIR:-}}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  case "$dir" in /tmp/labor-pg.*) rm -rf "$dir" ;; esac
  [ "$dir" = "${PG_DIR:-}" ] && unset PG_DIR PG_PORT PG_CONNINFO
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      pg_start
      echo "$PG_CONNINFO"
      echo "$PG_DIR"
      ;;
    stop)
      pg_stop "${2:?usage: start_pg.sh stop DIR}"
      ;;
    run)
      shift
      [ "${1:-}" = "--" ] && shift
      [ $# -gt 0 ] || { echo "usage: start_pg.sh run -- CMD ARGS..." >&2; exit 2; }
      pg_start
      trap pg_stop EXIT
      trap 'exit 130' INT TERM
      echo "start_pg: $PG_CONNINFO (dir $PG_DIR)" >&2
      "$@"
      ;;
    *)
      echo "usage: start_pg.sh start | stop DIR | run -- CMD ARGS... (or source it)" >&2
      exit 2
      ;;
  esac
fi
