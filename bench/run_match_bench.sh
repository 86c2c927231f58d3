#!/usr/bin/env bash
# MatchingService at city scale, side by side in one run on the same data,
# filters and score (issue 4): the engine (in-process and over gRPC), the
# brute-force scan and PostgreSQL 15 with the score in SQL, plus RSS per
# worker and vacancy. See bench/match_bench.cc.
# Usage: bench/run_match_bench.sh [workers, default 1500000] [vacancies, default 200000]
# Environment: QUERIES (default 1000 per kind), BRUTE_QUERIES (100),
# PG_QUERIES (30; 0 skips PostgreSQL), OUT (JSON lines, default
# bench/results/match-<date>.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-1500000}"
VACANCIES="${2:-200000}"
BUILD="${LABOR_BENCH_BUILD_DIR:-build-bench}"
scripts/install-deps.sh >/dev/null
if [ "${PG_QUERIES:-30}" != 0 ] && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq --no-install-recommends postgresql-15
  else
    sudo apt-get install -y -qq --no-install-recommends postgresql-15
  fi
fi
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLABOR_BUILD_TESTS=OFF \
  -DLABOR_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD" --target match_bench
mkdir -p bench/results
OUT="${OUT:-bench/results/match-$(date -u +%Y%m%dT%H%M%S).jsonl}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB; build $BUILD (Release);" \
     "$WORKERS workers, $VACANCIES vacancies" | tee "$OUT.txt"
run() {
  "$BUILD/bench/match_bench" --workers="$WORKERS" --vacancies="$VACANCIES" \
    --queries="${QUERIES:-1000}" --brute_queries="${BRUTE_QUERIES:-100}" \
    --pg_queries="${PG_QUERIES:-30}" --json_out="$OUT" --show_slowest=3 "$@" 2>&1 |
    grep -v '^[IW] ' | tee -a "$OUT.txt"
}
if [ "${PG_QUERIES:-30}" = 0 ]; then
  run
else
  # shellcheck source=bench/start_pg.sh
  source bench/start_pg.sh
  pg_start
  trap pg_stop EXIT
  run --pg_conninfo="$PG_CONNINFO"
fi
echo "results: $OUT and $OUT.txt"
