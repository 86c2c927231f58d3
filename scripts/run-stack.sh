#!/usr/bin/env bash
# The whole stack on loopback with embedded defaults and demo data:
# installs packages (as root), builds, creates dev credentials, starts
# redis-server and the services (profile, vacancy, then matching and
# notify, with a local fake SMS gateway), loads the demo data, shows a sample
# recommendation and a sample notification, and stays in the foreground until
# Ctrl-C (then stops everything). With --detach it returns
# and leaves the stack running; scripts/stop-stack.sh stops it.
#
# Environment: LABOR_REDIS_PORT (6391), LABOR_SMS_PORT (18080), LABOR_DEMO_WORKERS (2000),
# LABOR_DEMO_VACANCIES (300), LABOR_DEMO_SEED (7).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DETACH=0
[ "${1:-}" = "--detach" ] && DETACH=1

scripts/install-deps.sh
echo "run-stack: building (first build takes several minutes)…"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target profile_server vacancy_server matching_server \
  notify_server fake_sms_gateway laborctl labor-demo
scripts/dev-init.sh

mkdir -p var/run var/log var/redis var/data
REDIS_PORT="${LABOR_REDIS_PORT:-6391}"
export LABOR_REDIS_PORT="$REDIS_PORT"
export LABOR_DATA_DIR="$ROOT/data"
export LABOR_AUTH_TOKENS_FILE="$ROOT/var/dev/tokens.conf"
export LABOR_PII_KEY_FILE="$ROOT/var/dev/pii.key"

SERVICES="profile vacancy matching notify"
SMS_PORT="${LABOR_SMS_PORT:-18080}"

stop_all() {
  # Readers first: notify and matching read from the others.
  for name in notify matching vacancy profile sms_gateway; do
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

# start_service <name> <metrics port> [flags…]: starts
# build/services/<name>/<name>_server with the flags in the background and
# waits for its port file.
start_service() {
  local name="$1" metrics="$2"
  shift 2
  rm -f "var/run/$name.port"
  "build/services/$name/${name}_server" "$@" \
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

# grpc_serving <port> <service>: true when grpc.health.v1.Health/Check on
# 127.0.0.1:<port> answers SERVING for <service> (a name under 126 bytes).
# No gRPC tool is installed, so curl speaks it over HTTP/2: the request is the
# gRPC frame of HealthCheckRequest{service}, and SERVING is the frame
# 00 00000002 0801 (field 1 = 1).
grpc_serving() {
  local port="$1" service="$2"
  { printf '\0\0\0\0'; printf "\\$(printf '%03o' $((${#service} + 2)))"
    printf '\n'; printf "\\$(printf '%03o' ${#service})"; printf '%s' "$service"; } |
    curl -s --max-time 2 --http2-prior-knowledge -H 'content-type: application/grpc' \
      -H 'te: trailers' --data-binary @- "http://127.0.0.1:$port/grpc.health.v1.Health/Check" |
    od -An -tx1 | tr -d ' \n' | grep -qx '00000000020801'
}

start_service profile 9151 --db_path="$ROOT/var/data/profile"
start_service vacancy 9152 --db_path="$ROOT/var/data/vacancy"

echo "run-stack: loading demo workers, employers, vacancies, blacklist and fairs…"
build/tools/labor-demo --target="127.0.0.1:$(cat var/run/profile.port)" \
  --vacancy_target="127.0.0.1:$(cat var/run/vacancy.port)" \
  --token_file=var/dev/tokens/admin.token \
  --workers="${LABOR_DEMO_WORKERS:-2000}" --vacancies="${LABOR_DEMO_VACANCIES:-300}" \
  --seed="${LABOR_DEMO_SEED:-7}"

# Matching starts after the demo load, so its bootstrap reads the demo data
# in a few paged List calls (instead of replaying thousands of single events)
# and SERVING means "ready, with the demo data": the sample below has answers.
# It keeps no store; it follows the event streams from here on (consumer
# group matching-run-stack, kept in Redis across restarts).
start_service matching 9153 \
  --profile_target="127.0.0.1:$(cat var/run/profile.port)" \
  --vacancy_target="127.0.0.1:$(cat var/run/vacancy.port)" \
  --upstream_token_file="$ROOT/var/dev/tokens/service.token" \
  --consumer_name=run-stack
for _ in $(seq 1 600); do
  grpc_serving "$(cat var/run/matching.port)" labor.v1.MatchingService && break
  sleep 0.2
done
if ! grpc_serving "$(cat var/run/matching.port)" labor.v1.MatchingService; then
  echo "run-stack: matching_server did not become SERVING; see var/log/matching.log" >&2
  tail -20 var/log/matching.log >&2
  stop_all
  exit 1
fi
echo "run-stack: matching index loaded (health SERVING)"

# The SMS gateway cannot be reached from here: a local fake with the real
# one's wire format and per-number frequency limits stands in (DEV ONLY).
rm -f var/run/sms_gateway.port
build/tools/fake_sms_gateway/fake_sms_gateway --port="$SMS_PORT" \
  --port_file="$ROOT/var/run/sms_gateway.port" --access_key_id=dev-labor \
  --access_key_secret="$(cat var/dev/sms.secret)" >>var/log/sms_gateway.log 2>&1 &
echo $! > var/run/sms_gateway.pid
for _ in $(seq 1 100); do [ -s var/run/sms_gateway.port ] && break; sleep 0.1; done
echo "run-stack: fake SMS gateway on http://127.0.0.1:$SMS_PORT (sent: /sms/sent)"

# Notify follows labor.events.matching from here on: each vacancy posted
# from now becomes job alerts for its best-fitting consenting workers.
start_service notify 9154 --db_path="$ROOT/var/data/notify" \
  --profile_target="127.0.0.1:$(cat var/run/profile.port)" \
  --upstream_token_file="$ROOT/var/dev/tokens/service.token" \
  --sms_gateway_url="http://127.0.0.1:$SMS_PORT" --sms_secret_file="$ROOT/var/dev/sms.secret" \
  --consumer_name=run-stack

# A sample for one demo worker: the first unemployed welder, or else the
# first worker on file.
CTL=(build/tools/laborctl --target="127.0.0.1:$(cat var/run/profile.port)"
     --vacancy_target="127.0.0.1:$(cat var/run/vacancy.port)"
     --matching_target="127.0.0.1:$(cat var/run/matching.port)"
     --notify_target="127.0.0.1:$(cat var/run/notify.port)"
     --token_file=var/dev/tokens/admin.token)
first_worker() {
  "${CTL[@]}" worker list --page_size=1 --json "$@" 2>/dev/null |
    grep -o '"workerId":"[^"]*"\|"worker_id":"[^"]*"' | head -1 | cut -d'"' -f4
}
SAMPLE_WORKER="$(first_worker --occupation=6-18-02 --status=unemployed)"
[ -n "$SAMPLE_WORKER" ] || SAMPLE_WORKER="$(first_worker)"
if [ -n "$SAMPLE_WORKER" ]; then
  echo
  echo "run-stack: sample: laborctl match vacancies --worker=$SAMPLE_WORKER --k=5"
  "${CTL[@]}" match vacancies --worker="$SAMPLE_WORKER" --k=5 || true
fi

if [ -n "$SAMPLE_WORKER" ]; then
  echo
  echo "run-stack: sample: a policy notice to the same worker, then its status history"
  if SENT="$("${CTL[@]}" notify send --kind=policy --worker="$SAMPLE_WORKER" \
        --field=title=返乡创业补贴 --field=summary=符合条件的返乡人员可申请一次性创业补贴 --json)"; then
    SAMPLE_MESSAGE="$(printf '%s' "$SENT" | grep -o '"messageId":"[^"]*"\|"message_id":"[^"]*"' |
      head -1 | cut -d'"' -f4)"
    sleep 1
    [ -n "$SAMPLE_MESSAGE" ] && "${CTL[@]}" notify message "$SAMPLE_MESSAGE" || true
  fi
fi

cat <<MSG

The stack is up. Try (as bureau staff, admin token):
  build/tools/laborctl worker list --township=511702102 --page_size=10
  build/tools/laborctl report transfer
  build/tools/laborctl report zero-employment
  build/tools/laborctl vacancy list --region=511702 --page_size=10
  build/tools/laborctl blacklist list
  build/tools/laborctl fair list
  build/tools/laborctl match vacancies --worker=${SAMPLE_WORKER:-w_...} --occupation=6-29
  build/tools/laborctl match workers --vacancy=v_... --township=罗江镇
  build/tools/laborctl match explain --worker=${SAMPLE_WORKER:-w_...} --vacancy=v_...
  build/tools/laborctl notify list --worker=${SAMPLE_WORKER:-w_...}
  build/tools/laborctl notify stats
(No WeChat backend runs here, so WeChat messages wait as 待发送 "no_subscriber";
 a kiosk or WeChat backend receives them through NotificationService.Subscribe.)
  build/tools/laborctl help
Logs: var/log/  Data: var/data/  Dev credentials: var/dev/
MSG

if [ "$DETACH" = 1 ]; then
  echo "run-stack: detached; stop with scripts/stop-stack.sh"
  exit 0
fi
trap 'echo; echo "run-stack: stopping…"; stop_all; exit 0' INT TERM
echo "run-stack: press Ctrl-C to stop."
all_running() {
  local name pid
  for name in $SERVICES; do
    pid="$(cat "var/run/$name.pid" 2>/dev/null)" && [ -n "$pid" ] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
  done
}
while all_running; do sleep 1; done
echo "run-stack: a service exited; see var/log/" >&2
stop_all
exit 1
