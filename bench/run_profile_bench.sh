#!/usr/bin/env bash
# ProfileService against the hello-world floor, same machine, same run:
#   RegisterWorker (synced WAL, real RocksDB, real Redis) and GetWorker (cache hit)
#   vs the same RPCs on bench/hello_server (no work at all).
# Usage: bench/run_profile_bench.sh [duration, default 15s]
# Prints the grpc_load summaries and one JSON line per phase into
# $OUT (default bench/results/profile-<date>.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DURATION="${1:-15s}"
BUILD="${LABOR_BENCH_BUILD_DIR:-build-bench}"
scripts/install-deps.sh >/dev/null
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLABOR_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target profile_server hello_server grpc_load laborctl labor-demo

WORK=$(mktemp -d /tmp/labor-bench.XXXXXX)
mkdir -p bench/results
OUT="${OUT:-bench/results/profile-$(date -u +%Y%m%dT%H%M%S).jsonl}"
REDIS_PORT="${LABOR_BENCH_REDIS_PORT:-6398}"
cleanup() {
  [ -n "${PROFILE_PID:-}" ] && kill "$PROFILE_PID" 2>/dev/null || true
  [ -n "${HELLO_PID:-}" ] && kill "$HELLO_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB; build $BUILD (Release)" | tee "$OUT.txt"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log"
LABOR_DEV_DIR="$WORK/dev" scripts/dev-init.sh >/dev/null

"$BUILD/services/profile/profile_server" --listen=127.0.0.1:0 --port_file="$WORK/profile.port" \
  --metrics_listen= --db_path="$WORK/db" --data_dir="$ROOT/data" --redis_port="$REDIS_PORT" \
  --auth_tokens_file="$WORK/dev/tokens.conf" --pii_key_file="$WORK/dev/pii.key" \
  --sync_writes=true 2>"$WORK/profile.log" &
PROFILE_PID=$!
"$BUILD/bench/hello_server" --listen=127.0.0.1:0 --port_file="$WORK/hello.port" \
  2>"$WORK/hello.log" >/dev/null &
HELLO_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/profile.port" ] && [ -s "$WORK/hello.port" ] && break; sleep 0.1; done
PROFILE="127.0.0.1:$(cat "$WORK/profile.port")"
HELLO="127.0.0.1:$(cat "$WORK/hello.port")"
TOKEN="$WORK/dev/tokens/admin.token"

run() {  # label, grpc_load args...
  local label="$1"; shift
  echo "== $label"
  "$BUILD/bench/grpc_load" --duration="$DURATION" --half_peak --json "$@" | tee "$WORK/out.txt"
  grep '^{' "$WORK/out.txt" | sed "s/^{/{\"label\":\"$label\",/" >> "$OUT"
}

run hello.register --target="$HELLO" --mode=register
run profile.register --target="$PROFILE" --token_file="$TOKEN" --mode=register

# Worker ids for GetWorker: everything registered so far.
"$BUILD/tools/laborctl" --target="$PROFILE" --token_file="$TOKEN" --json worker list --all \
  --page_size=500 | grep -o '"worker_id":"w_[^"]*"' | cut -d'"' -f4 \
  > "$WORK/ids.txt"
echo "GetWorker over $(wc -l < "$WORK/ids.txt") worker ids (cache warmed by the warm-up phase)"
run hello.get --target="$HELLO" --mode=get
run profile.get --target="$PROFILE" --token_file="$TOKEN" --mode=get --ids_file="$WORK/ids.txt"
echo "results: $OUT"
