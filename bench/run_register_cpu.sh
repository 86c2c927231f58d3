#!/usr/bin/env bash
# Where the CPU of a RegisterWorker goes on this machine: CPU time per call of
# each process (server, load tool, redis-server) at a fixed offered rate
# (open loop), for bench/hello_server (the gRPC floor) and profile_server
# (synced WAL, real Redis). Answers "can 2 shared cores carry R calls/s?":
# the cores a rate needs = rate x (sum of the per-call costs).
# Usage: bench/run_register_cpu.sh [hello rate, default 5000] [profile rate, default 3000] [seconds, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
HELLO_RATE="${1:-5000}"
PROFILE_RATE="${2:-3000}"
SECONDS_PER_RUN="${3:-15}"
BUILD="${LABOR_BENCH_BUILD_DIR:-build-bench}"
scripts/install-deps.sh >/dev/null
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLABOR_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target profile_server hello_server grpc_load >/dev/null

WORK=$(mktemp -d /tmp/labor-cpu.XXXXXX)
REDIS_PORT="${LABOR_BENCH_REDIS_PORT:-6395}"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB; build $BUILD (Release)"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
HZ=$(getconf CLK_TCK)

# measure label rate server_pid target [grpc_load args...]: runs the load for
# SECONDS_PER_RUN, samples CPU over the middle of the run.
measure() {
  local label="$1" rate="$2" server="$3" target="$4"; shift 4
  "$BUILD/bench/grpc_load" --target="$target" --mode=register --rate="$rate" \
    --duration="${SECONDS_PER_RUN}s" "$@" >"$WORK/load.txt" 2>&1 &
  local load=$!
  local redis_pid
  redis_pid=$(pgrep -f "redis-server 127.0.0.1:$REDIS_PORT" || true)
  sleep 2
  local s0 l0 r0=0 s1 l1 r1=0 window=$((SECONDS_PER_RUN - 4))
  s0=$(ticks "$server"); l0=$(ticks "$load"); [ -n "$redis_pid" ] && r0=$(ticks "$redis_pid")
  sleep "$window"
  s1=$(ticks "$server"); l1=$(ticks "$load"); [ -n "$redis_pid" ] && r1=$(ticks "$redis_pid")
  wait "$load"
  local done_rate
  done_rate=$(awk '/throughput/{print $2}' "$WORK/load.txt" | tail -1)
  awk -v label="$label" -v rate="$done_rate" -v w="$window" -v hz="$HZ" \
      -v s="$((s1 - s0))" -v l="$((l1 - l0))" -v r="$((r1 - r0))" 'BEGIN {
    us = 1e6 / hz / w / rate
    printf "%-8s %6.0f calls/s  CPU per call: server %4.0f us, load tool %4.0f us, redis %3.0f us" \
           "  (cores used: %.2f)\n", label, rate, s * us, l * us, r * us, (s + l + r) / hz / w
  }'
  grep -E "errors|p99" "$WORK/load.txt" | grep -v '^{' | sed 's/^/         /' || true
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log"
LABOR_DEV_DIR="$WORK/dev" scripts/dev-init.sh >/dev/null

"$BUILD/bench/hello_server" --listen=127.0.0.1:0 --port_file="$WORK/hello.port" >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/hello.port" ] && break; sleep 0.1; done
measure hello "$HELLO_RATE" "$SERVER_PID" "127.0.0.1:$(cat "$WORK/hello.port")"
measure hello "$PROFILE_RATE" "$SERVER_PID" "127.0.0.1:$(cat "$WORK/hello.port")"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

"$BUILD/services/profile/profile_server" --listen=127.0.0.1:0 --port_file="$WORK/profile.port" \
  --metrics_listen= --db_path="$WORK/db" --data_dir="$ROOT/data" --redis_port="$REDIS_PORT" \
  --auth_tokens_file="$WORK/dev/tokens.conf" --pii_key_file="$WORK/dev/pii.key" \
  --sync_writes=true 2>"$WORK/profile.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/profile.port" ] && break; sleep 0.1; done
measure profile "$PROFILE_RATE" "$SERVER_PID" "127.0.0.1:$(cat "$WORK/profile.port")" \
  --token_file="$WORK/dev/tokens/admin.token"
