#!/usr/bin/env bash
# make prod-check: build what production builds and run it on loopback, then request every kind of page.
#
# DEBUG off, collectstatic into a temporary folder, compilemessages, `check --deploy` with warnings as errors,
# migrate and the demo data into a fresh database, then gunicorn, a Redis of its own for the cache and a task
# worker; deploy/prod_check.py requests the public pages, the staff dashboard after a real login, a PDF and
# /healthz. Everything it starts is stopped on the way out, however it ends.
#
# Environment: PROD_CHECK_DATABASE_URL (an EMPTY database; default a SQLite file in the temporary folder),
# PROD_CHECK_WEB_PORT (8110) and PROD_CHECK_REDIS_PORT (8111), VENV (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY=$VENV/bin/python
WEB_PORT=${PROD_CHECK_WEB_PORT:-8110}
REDIS_PORT=${PROD_CHECK_REDIS_PORT:-8111}
work=$(mktemp -d -t netralitas-prod-check.XXXXXX)
pids=()

stop_all() { # the last started first: the web server and the worker before the Redis they use
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

step() { echo "== prod-check: $*"; }

# shellcheck source=deploy/wait_for.sh
. deploy/wait_for.sh

command -v redis-server >/dev/null || { echo "prod-check: redis-server is missing (make system-deps)" >&2; exit 1; }

# What a production server's environment holds (README, "Production"), on loopback, behind a pretend TLS proxy.
export DEBUG=0
export SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
export DATABASE_URL=${PROD_CHECK_DATABASE_URL:-sqlite:///$work/db.sqlite3}
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL=https://127.0.0.1:$WEB_PORT
export STATIC_ROOT=$work/static
export MEDIA_ROOT=$work/media
export DATA_DIR=$work/data
export TRUSTED_PROXIES=127.0.0.1
export GUNICORN_BIND=127.0.0.1:$WEB_PORT WEB_CONCURRENCY=2 GUNICORN_ACCESS_LOG=$work/access.log
if [[ $DATABASE_URL == postgres* ]]; then export DATABASE_POOL=1; fi
echo "prod-check: database ${DATABASE_URL%%:*}, web on 127.0.0.1:$WEB_PORT, Redis on 127.0.0.1:$REDIS_PORT"

step "collectstatic (manifest storage, DEBUG off)"
"$PY" manage.py collectstatic --noinput -v0
step "compilemessages"
"$PY" manage.py compilemessages -v0 --ignore="$VENV"

step "Redis for the cache"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --logfile "$work/redis.log" &
pids+=($!)
wait_for 10 redis-cli -p "$REDIS_PORT" ping

step "check --deploy (warnings fail)"
"$PY" manage.py check --deploy --fail-level WARNING

step "migrate and load the demo data"
"$PY" manage.py migrate -v0
"$PY" manage.py load_demo >"$work/demo.txt"
password=$(sed -n "s/^Created account 'staf.oku' with password: //p" "$work/demo.txt")
[[ -n $password ]] || { echo "prod-check: the database was not empty (no demo password printed)" >&2; exit 1; }

step "gunicorn"
"$VENV/bin/gunicorn" -c gunicorn.conf.py &
pids+=($!)

step "Celery worker"
"$VENV/bin/celery" -A neutrality worker --concurrency 1 --loglevel WARNING --logfile "$work/worker.log" &
pids+=($!)

wait_for 30 "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$WEB_PORT/healthz', timeout=2)"

step "requests"
if ! "$PY" deploy/prod_check.py "http://127.0.0.1:$WEB_PORT" staf.oku "$password"; then
  echo "-- last lines of the logs:" >&2
  tail -n 20 "$work"/*.log >&2 || true
  exit 1
fi
