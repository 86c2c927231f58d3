#!/usr/bin/env bash
# Stops what scripts/run-stack.sh --detach left running.
set -uo pipefail
cd "$(dirname "$0")/.."
REDIS_PORT="${LABOR_REDIS_PORT:-6391}"
# Readers first: notify and matching read from the others.
for name in notify matching vacancy profile sms_gateway; do
  if [ -f "var/run/$name.pid" ]; then
    kill -TERM "$(cat "var/run/$name.pid")" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$(cat "var/run/$name.pid")" 2>/dev/null || break; sleep 0.1; done
    rm -f "var/run/$name.pid"
    echo "stop-stack: ${name} stopped"
  fi
done
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1
  rm -f var/run/redis.pid
  echo "stop-stack: redis-server stopped"
fi
