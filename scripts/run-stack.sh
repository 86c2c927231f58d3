#!/usr/bin/env bash
# The whole stack on loopback with embedded defaults and demo data:
# installs packages (as root), builds, creates dev credentials, starts
# redis-server and the services, loads the demo workers, and stays in the
# foreground until Ctrl-C (then stops everything). With --detach it returns
# and leaves the stack running; scripts/stop-stack.sh stops it.
#
# Environment: LABOR_REDIS_PORT (6391), LABOR_DEMO_WORKERS (2000),
# LABOR_DEMO_VACANCIES (300), LABOR_DEMO_SEED (7).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DETACH=0
[ "${1:-}" = "--detach" ] && DETACH=1

scripts/install-deps.sh
echo "run-stack: building (first build takes several minutes)…"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target profile_server vacancy_server laborctl labor-demo
scripts/dev-init.sh

mkdir -p var/run var/log var/redis var/data
REDIS_PORT="${LABOR_REDIS_PORT:-6391}"
export LABOR_REDIS_PORT="$REDIS_PORT"
export LABOR_DATA_DIR="$ROOT/data"
export LABOR_AUTH_TOKENS_FILE="$ROOT/var/dev/tokens.conf"
export LABOR_PII_KEY_FILE="$ROOT/var/dev/pii.key"

SERVICES="profile vacancy"

stop_all() {
  for name in $SERVICES; do
    if [ -f "var/run/$name.pid" ]; then
      kill -TERM "$(cat "var/run/$name.pid")" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$(cat "var/run/$name.pid")" 2>/dev/null || break; sleep 0.1; done
      rm -f "var/run/$name.pid"
    fi
  done
  if [ -f var/run/redis.pid ]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat var/run/redis.pid)" 2>/dev/null || true
    rm -f var/run/redis.pid
  fi
}

# start_service <name> <metrics port>: starts build/services/<name>/<name>_server
# in the background and waits for its port file.
start_service() {
  local name="$1" metrics="$2"
  rm -f "var/run/$name.port"
  "build/services/$name/${name}_server" --db_path="$ROOT/var/data/$name" \
    --port_file="$ROOT/var/run/$name.port" >>"var/log/$name.log" 2>&1 &
  echo $! > "var/run/$name.pid"
  for _ in $(seq 1 300); do [ -s "var/run/$name.port" ] && break; sleep 0.1; done
  if [ ! -s "var/run/$name.port" ]; then
    echo "run-stack: ${name}_server did not start; see var/log/$name.log" >&2
    tail -20 "var/log/$name.log" >&2
    stop_all
    exit 1
  fi
  echo "run-stack: ${name} service on 127.0.0.1:$(cat "var/run/$name.port") (metrics http://127.0.0.1:$metrics/metrics)"
}

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --dir "$ROOT/var/redis" --appendonly yes --save '' \
    --pidfile "$ROOT/var/run/redis.pid" --logfile "$ROOT/var/log/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "run-stack: redis-server on 127.0.0.1:$REDIS_PORT"

start_service profile 9151
start_service vacancy 9152

echo "run-stack: loading demo workers, employers, vacancies, blacklist and fairs…"
build/tools/labor-demo --target="127.0.0.1:$(cat var/run/profile.port)" \
  --vacancy_target="127.0.0.1:$(cat var/run/vacancy.port)" \
  --token_file=var/dev/tokens/admin.token \
  --workers="${LABOR_DEMO_WORKERS:-2000}" --vacancies="${LABOR_DEMO_VACANCIES:-300}" \
  --seed="${LABOR_DEMO_SEED:-7}"

cat <<MSG

The stack is up. Try (as bureau staff, admin token):
  build/tools/laborctl worker list --township=511702102 --page_size=10
  build/tools/laborctl report transfer
  build/tools/laborctl report zero-employment
  build/tools/laborctl vacancy list --region=511702 --page_size=10
  build/tools/laborctl blacklist list
  build/tools/laborctl fair list
  build/tools/laborctl help
Logs: var/log/  Data: var/data/  Dev credentials: var/dev/
MSG

if [ "$DETACH" = 1 ]; then
  echo "run-stack: detached; stop with scripts/stop-stack.sh"
  exit 0
fi
trap 'echo; echo "run-stack: stopping…"; stop_all; exit 0' INT TERM
echo "run-stack: press Ctrl-C to stop."
while kill -0 "$(cat var/run/profile.pid 2>/dev/null || echo 0)" 2>/dev/null &&
      kill -0 "$(cat var/run/vacancy.pid 2>/dev/null || echo 0)" 2>/dev/null; do sleep 1; done
echo "run-stack: a service exited; see var/log/" >&2
stop_all
exit 1
