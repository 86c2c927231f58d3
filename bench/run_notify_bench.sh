#!/usr/bin/env bash
# NotificationService end to end, same machine, same run: Enqueue -> acked
# delivery at local WeChat subscribers (bench/notify_bench), with dedup
# (idempotency keys), daily job-alert caps and status tracking on, against a
# fresh notify_server + profile_server (RocksDB stores, WAL synced on every
# commit: --sync_writes=true) and a real redis-server.
#   warm-up: one message per worker (cold contact cache: each first message
#            costs the server a ProfileService lookup), reported apart;
#   peak:    closed loop (at most --window messages undelivered) for DURATION;
#   half:    open loop at half that peak for DURATION: p50/p90/p99.
# notify_server runs with --quiet_hours=none (the bench may run at night;
# quiet hours would hold every non-urgent message until 08:00).
# Usage: bench/run_notify_bench.sh [duration, default 20s] [notify_bench flags...]
#        (LABOR_NOTIFY_FLAGS adds notify_server flags)
# Writes the output to $OUT (default bench/results/notify-<date>.txt) and
# the JSON lines to $OUT.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DURATION="${1:-20s}"
[ $# -gt 0 ] && shift
BUILD="${LABOR_BENCH_BUILD_DIR:-build-bench}"
scripts/install-deps.sh >/dev/null
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLABOR_BUILD_TESTS=OFF \
    -DLABOR_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$BUILD" --target profile_server notify_server notify_bench

WORK=$(mktemp -d /tmp/labor-nbench.XXXXXX)
mkdir -p bench/results
OUT="${OUT:-bench/results/notify-$(date -u +%Y%m%dT%H%M%S).txt}"

# A loopback port nobody answers on.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "run_notify_bench: no free port found" >&2
  exit 1
}
REDIS_PORT="${LABOR_BENCH_REDIS_PORT:-$(free_port)}"

cleanup() {
  [ -n "${NOTIFY_PID:-}" ] && kill "$NOTIFY_PID" 2>/dev/null || true
  [ -n "${PROFILE_PID:-}" ] && kill "$PROFILE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
       "$(free -g | awk '/Mem:/{print $2}') GiB; build $BUILD (Release); $(date -u +%FT%TZ)"
  echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other work competes)"
} | tee "$OUT"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log" --pidfile "$WORK/redis.pid"
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
LABOR_DEV_DIR="$WORK/dev" scripts/dev-init.sh >/dev/null
TOKENS="$WORK/dev/tokens"

wait_port() {  # port file, name, log
  for _ in $(seq 1 300); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "run_notify_bench: $2 did not start; see below" >&2
  tail -20 "$3" >&2
  exit 1
}

"$BUILD/services/profile/profile_server" --listen=127.0.0.1:0 --port_file="$WORK/profile.port" \
  --metrics_listen= --db_path="$WORK/profile-db" --data_dir="$ROOT/data" \
  --redis_port="$REDIS_PORT" --auth_tokens_file="$WORK/dev/tokens.conf" \
  --pii_key_file="$WORK/dev/pii.key" --sync_writes=true 2>"$WORK/profile.log" &
PROFILE_PID=$!
wait_port "$WORK/profile.port" profile_server "$WORK/profile.log"
PROFILE="127.0.0.1:$(cat "$WORK/profile.port")"

NOTIFY_FLAGS=(--quiet_hours=none --daily_job_alert_cap=3 --sync_writes=true)
# More server flags for an experiment, e.g. LABOR_NOTIFY_FLAGS="--max_in_flight_per_subscriber=8000"
read -r -a EXTRA_NOTIFY_FLAGS <<<"${LABOR_NOTIFY_FLAGS:-}"
NOTIFY_FLAGS+=("${EXTRA_NOTIFY_FLAGS[@]}")
start_notify() {
  rm -f "$WORK/notify.port"
  "$BUILD/services/notify/notify_server" --listen=127.0.0.1:0 --port_file="$WORK/notify.port" \
    --metrics_listen= --db_path="$WORK/notify-db" --data_dir="$ROOT/data" \
    --redis_port="$REDIS_PORT" --auth_tokens_file="$WORK/dev/tokens.conf" \
    --pii_key_file="$WORK/dev/pii.key" --profile_target="$PROFILE" \
    --upstream_token_file="$TOKENS/service.token" --consumer_name=bench \
    "${NOTIFY_FLAGS[@]}" 2>"$WORK/notify.log" &
  NOTIFY_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$WORK/notify.port" ] && return 0
    kill -0 "$NOTIFY_PID" 2>/dev/null || break
    sleep 0.1
  done
  NOTIFY_PID=""
  return 1
}
if ! start_notify; then
  echo "run_notify_bench: notify_server did not start:" >&2
  tail -20 "$WORK/notify.log" >&2
  exit 1
fi
NOTIFY="127.0.0.1:$(cat "$WORK/notify.port")"
echo "notify_server ${NOTIFY_FLAGS[*]} (other flags default: dedup window 24h, ack timeout 30s," \
     "4 worker threads); profile_server on $PROFILE; redis-server on $REDIS_PORT" | tee -a "$OUT"

cpu() {  # pid -> CPU seconds so far (user + system)
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo "?"
}
REDIS_PID="$(cat "$WORK/redis.pid")"

set +e
"$BUILD/bench/notify_bench" --target="$NOTIFY" --profile_target="$PROFILE" \
  --token_file="$TOKENS/admin.token" --subscriber_token_file="$TOKENS/service.token" \
  --server_pids="notify_server=$NOTIFY_PID,profile_server=$PROFILE_PID,redis-server=$REDIS_PID" \
  --duration="$DURATION" --find_peak --json "$@" 2>&1 | tee "$WORK/out.txt"
STATUS=${PIPESTATUS[0]}
set -e
grep -v '^{' "$WORK/out.txt" >> "$OUT"
grep '^{' "$WORK/out.txt" > "$OUT.jsonl" || true
{
  echo "CPU seconds over the whole run: notify_server $(cpu "$NOTIFY_PID")," \
       "profile_server $(cpu "$PROFILE_PID"), redis-server $(cpu "$REDIS_PID")"
  echo "RSS: notify_server $(ps -o rss= -p "$NOTIFY_PID" | awk '{printf "%.0f MiB", $1/1024}')," \
       "profile_server $(ps -o rss= -p "$PROFILE_PID" | awk '{printf "%.0f MiB", $1/1024}')"
  echo "notify_bench exit status: $STATUS"
} | tee -a "$OUT"
if grep -q 'ERROR\|WARNING' "$WORK/notify.log"; then
  echo "notify_server log (errors/warnings):" | tee -a "$OUT"
  grep 'ERROR\|WARNING' "$WORK/notify.log" | sort | uniq -c | sort -rn | head -10 | tee -a "$OUT"
fi
echo "results: $OUT"
exit "$STATUS"
