#!/usr/bin/env bash
# VacancyService at city scale, same machine, same run:
#   1. partner import throughput: --items vacancies (default 200,000) through
#      the ImportVacancies stream into a fresh store, WAL synced on every
#      commit (--sync_writes=true), real Redis for the outbox relay;
#   2. the same file replayed (idempotency path: every item UNCHANGED);
#   2b. 50,000 new items into that full store (the steady state);
#   3. search latency over gRPC at that size, one call at a time, per filter kind.
# Usage: bench/run_vacancy_bench.sh [items, default 200000]
# CHUNK=N sends the imports through ImportVacancyChunks, N items per message
# (default 0: ImportVacancies, one item per message).
# Prints the summaries and one JSON line per phase into
# $OUT (default bench/results/vacancy-<date>.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ITEMS="${1:-200000}"
BUILD="${LABOR_BENCH_BUILD_DIR:-build-bench}"
scripts/install-deps.sh >/dev/null
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLABOR_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target vacancy_server vacancy_load

WORK=$(mktemp -d /tmp/labor-vbench.XXXXXX)
mkdir -p bench/results
OUT="${OUT:-bench/results/vacancy-$(date -u +%Y%m%dT%H%M%S).jsonl}"
REDIS_PORT="${LABOR_BENCH_REDIS_PORT:-6397}"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB; build $BUILD (Release); $ITEMS items" | tee "$OUT.txt"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log"
LABOR_DEV_DIR="$WORK/dev" scripts/dev-init.sh >/dev/null

"$BUILD/services/vacancy/vacancy_server" --listen=127.0.0.1:0 --port_file="$WORK/vacancy.port" \
  --metrics_listen= --db_path="$WORK/db" --data_dir="$ROOT/data" --redis_port="$REDIS_PORT" \
  --auth_tokens_file="$WORK/dev/tokens.conf" --sync_writes=true 2>"$WORK/vacancy.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/vacancy.port" ] && break; sleep 0.1; done
TARGET="127.0.0.1:$(cat "$WORK/vacancy.port")"

CHUNK="${CHUNK:-0}"
echo "import messages: $([ "$CHUNK" = 0 ] && echo 'ImportVacancies, one item each' ||
  echo "ImportVacancyChunks, $CHUNK items each")" | tee -a "$OUT.txt"

run() {  # label, vacancy_load args...
  local label="$1"; shift
  echo "== $label"
  "$BUILD/bench/vacancy_load" --target="$TARGET" --json "$@" | tee "$WORK/out.txt"
  grep '^{' "$WORK/out.txt" | sed "s/^{/{\"label\":\"$label\",/" >> "$OUT"
}

run import --mode=import --chunk="$CHUNK" --items="$ITEMS" --token_file="$WORK/dev/tokens/partner.token"
run import.replay --mode=import --chunk="$CHUNK" --items="$ITEMS" --token_file="$WORK/dev/tokens/partner.token"
# Steady state: new items into a store that already holds the city's vacancies.
run import.more --mode=import --chunk="$CHUNK" --items=50000 --first_item="$ITEMS" --seed=8 \
  --token_file="$WORK/dev/tokens/partner.token"
run search --mode=search --queries=2000 --token_file="$WORK/dev/tokens/kiosk.token"
echo "server RSS: $(ps -o rss= -p "$SERVER_PID" | awk '{printf "%.0f MiB", $1/1024}')" | tee -a "$OUT.txt"
echo "results: $OUT"
