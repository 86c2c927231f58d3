#!/usr/bin/env bash
# ProfileService against the hello-world floor, same machine, same run:
#   RegisterWorker (synced WAL, real RocksDB, real Redis) and GetWorker (cache hit)
#   vs the same RPCs on bench/hello_server (no work at all).
# Each pair runs with both load-tool transports (TRANSPORTS, default "h2 grpcpp"):
# h2 (our lean libnghttp2 client, ~11 us of load-tool CPU per call) leaves the
# two shared cores to the server; grpcpp (the gRPC C++ client, 70-150 us per
# call) is the cross-check. Compare servers under the same transport only.
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

TRANSPORTS="${TRANSPORTS:-h2 grpcpp}"
run() {  # label, grpc_load args... (TRANSPORT set by the caller)
  local label="$TRANSPORT.$1"; shift
  echo "== $label"
  "$BUILD/bench/grpc_load" --transport="$TRANSPORT" --duration="$DURATION" --half_peak --json \
    "$@" | tee "$WORK/out.txt"
  grep '^{' "$WORK/out.txt" | sed "s/^{/{\"label\":\"$label\",/" >> "$OUT"
}

for TRANSPORT in $TRANSPORTS; do
  run hello.register --target="$HELLO" --mode=register
  run profile.register --target="$PROFILE" --token_file="$TOKEN" --mode=register
done

# GetWorker (cache hit): 20,000 of the workers registered above (worker-id
# order is random). Each is read at least once during the 3 s warm-up (calls go
# round robin over the ids), so every measured call is served from the cache.
"$BUILD/tools/laborctl" --target="$PROFILE" --token_file="$TOKEN" --json worker list --all \
  --page_size=500 | grep -o '"worker_id":"w_[^"]*"' | cut -d'"' -f4 > "$WORK/all_ids.txt"
head -n 20000 "$WORK/all_ids.txt" > "$WORK/ids.txt"
echo "GetWorker over $(wc -l < "$WORK/ids.txt") worker ids (each read in the warm-up first)"
for TRANSPORT in $TRANSPORTS; do
  run hello.get --target="$HELLO" --mode=get --warmup=3s
  run profile.get --target="$PROFILE" --token_file="$TOKEN" --mode=get --ids_file="$WORK/ids.txt" \
    --warmup=3s
done
echo "results: $OUT"
