#!/usr/bin/env bash
# bench/cluster.sh [COMMAND...]: the production layout of the README on one machine, on loopback.
#
#   nginx :8200 ─┬─ gunicorn :8202 ─┐
#                └─ gunicorn :8203 ─┼─ PostgreSQL primary :8210 ──(streaming)── replica :8211 (public reads)
#                  Celery worker ───┴─ Redis :8212 (cache, rate limits, task broker)      media: a folder
#
# A fresh PostgreSQL cluster (initdb) and its streaming replica (pg_basebackup) in a temporary folder under
# /tmp, a Redis of its own, the two web servers behind nginx (X-Forwarded-For set by nginx, static files served
# by nginx, TRUSTED_PROXIES=127.0.0.1), one Celery worker. With a COMMAND, runs it with the cluster's environment
# (CLUSTER_URL, DATABASE_URL, ...) and stops; without, waits for Ctrl-C. Everything started is stopped on the way
# out, however it ends, and the whole run is bounded by CLUSTER_MAX_SECONDS (default 1800).
#
# Environment: VENV (.venv), CLUSTER_PORT_BASE (8200: nginx +0, gunicorn +2 and +3, PostgreSQL +10 and +11,
# Redis +12), CLUSTER_REPLICA (1; 0 for no replica), CLUSTER_WEB_WORKERS (3 sync workers per gunicorn),
# CLUSTER_KEEP (0; 1 keeps the folder with the logs), CLUSTER_MAX_SECONDS (1800).
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_SECONDS=${CLUSTER_MAX_SECONDS:-1800}
# The bound: the whole run goes under timeout(1), which sends TERM to everything in its process group after
# MAX_SECONDS (the web servers, the worker, the command), and then the trap below cleans up.
if [[ -z ${CLUSTER_BOUNDED:-} ]]; then
  CLUSTER_BOUNDED=1 exec timeout --kill-after=60 "$MAX_SECONDS" "$0" "$@"
fi

VENV=${VENV:-.venv}
PY=$PWD/$VENV/bin/python
BASE=${CLUSTER_PORT_BASE:-8200}
NGINX_PORT=$BASE WEB_PORTS=($((BASE + 2)) $((BASE + 3)))
PG_PORT=$((BASE + 10)) REPLICA_PORT=$((BASE + 11)) REDIS_PORT=$((BASE + 12))
REPLICA=${CLUSTER_REPLICA:-1}
DB=nt_cluster_load
work=$(mktemp -d /tmp/netralitas-cluster.XXXXXX)
chmod 755 "$work" # nginx's workers read the static files in here
pids=()
pg_dirs=()

say() { echo "== cluster: $*"; }

as_postgres() { # PostgreSQL refuses to run as root
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_all() {
  local status=$? i
  trap - EXIT INT TERM
  say "stopping"
  [[ -f $work/nginx.pid ]] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do # the web servers and the worker before their Redis
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    timeout 40 tail --pid="${pids[i]}" -f /dev/null 2>/dev/null || kill -KILL "${pids[i]}" 2>/dev/null || true
  done
  for ((i = ${#pg_dirs[@]} - 1; i >= 0; i--)); do # the replica before its primary
    as_postgres "$PG_BIN/pg_ctl" stop -D "${pg_dirs[i]}" -m fast -w -t 30 >/dev/null 2>&1 || true
  done
  if [[ ${CLUSTER_KEEP:-0} == 1 ]]; then say "logs kept in $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'echo "cluster: stopped (time is up after ${MAX_SECONDS}s, or TERM)" >&2; exit 143' TERM

# shellcheck source=deploy/wait_for.sh
. deploy/wait_for.sh

# --- What the layout needs on the machine ----------------------------------------------------------------------
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  say "installing nginx (apt)"
  if [[ $(id -u) == 0 ]]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PG_BIN=$(pg_config --bindir 2>/dev/null || true)
[[ -x $PG_BIN/initdb ]] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x $PG_BIN/initdb ]] || { echo "cluster: PostgreSQL's server programs are missing (apt-get install postgresql)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "cluster: redis-server is missing (make system-deps)" >&2; exit 1; }
[[ -x $VENV/bin/gunicorn ]] || { echo "cluster: gunicorn is missing (pip install -e '.[prod]')" >&2; exit 1; }

# --- PostgreSQL: a fresh primary and its streaming replica -----------------------------------------------------
say "PostgreSQL primary on 127.0.0.1:$PG_PORT (initdb in $work/primary)"
# Folders the server writes into belong to the user it runs as.
mkdir -p "$work/primary" "$work/replica" "$work/pgsocket" "$work/pglog"
chmod 700 "$work/primary" "$work/replica"
[[ $(id -u) == 0 ]] && chown postgres "$work/primary" "$work/replica" "$work/pgsocket" "$work/pglog"
as_postgres "$PG_BIN/initdb" -D "$work/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log"
pg_options="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/pgsocket -c max_connections=100"
pg_options+=" -c wal_level=replica -c max_wal_senders=4 -c shared_buffers=128MB -c hot_standby=on"
as_postgres "$PG_BIN/pg_ctl" start -D "$work/primary" -l "$work/pglog/primary.log" -w -t 60 \
  -o "-p $PG_PORT $pg_options" >/dev/null
pg_dirs+=("$work/primary")
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $DB"

export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$DB
if [[ $REPLICA == 1 ]]; then
  say "streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup into $work/replica)"
  as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$work/replica" -R -X stream \
    -c fast
  as_postgres "$PG_BIN/pg_ctl" start -D "$work/replica" -l "$work/pglog/replica.log" -w -t 60 \
    -o "-p $REPLICA_PORT $pg_options" >/dev/null
  pg_dirs+=("$work/replica")
  [[ $(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc "SELECT pg_is_in_recovery()") == t ]]
  export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB
fi

# --- Redis ------------------------------------------------------------------------------------------------------
say "Redis on 127.0.0.1:$REDIS_PORT"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --logfile "$work/redis.log" &
pids+=($!)
wait_for 10 redis-cli -p "$REDIS_PORT" ping

# --- The application's environment, as on every web and worker machine (README, "Production") --------------------
export DEBUG=0
export SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL=http://127.0.0.1:$NGINX_PORT
export STATIC_ROOT=$work/static MEDIA_ROOT=$work/media
export TRUSTED_PROXIES=127.0.0.1
# Plain HTTP on loopback: nginx here has no certificate (deploy/nginx/netralitas.conf has the TLS part).
export SECURE_COOKIES=0 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export WEB_CONCURRENCY=${CLUSTER_WEB_WORKERS:-3}
export DATABASE_POOL=1
mkdir -p "$MEDIA_ROOT"

say "migrate, compilemessages, collectstatic"
"$PY" manage.py migrate -v0
"$PY" manage.py compilemessages -v0 --ignore="$VENV"
"$PY" manage.py collectstatic --noinput -v0
static_root=$("$PY" manage.py shell -v0 -c "from django.conf import settings; print(settings.STATIC_ROOT)")
chmod -R a+rX "$static_root"

# --- Two gunicorn web servers, one Celery worker ----------------------------------------------------------------
for port in "${WEB_PORTS[@]}"; do
  say "gunicorn on 127.0.0.1:$port ($WEB_CONCURRENCY workers)"
  GUNICORN_BIND=127.0.0.1:$port GUNICORN_ACCESS_LOG=$work/access-$port.log \
    "$VENV/bin/gunicorn" -c gunicorn.conf.py >"$work/gunicorn-$port.log" 2>&1 &
  pids+=($!)
done
say "Celery worker"
"$VENV/bin/celery" -A neutrality worker --concurrency 1 --loglevel WARNING --hostname "cluster@%h" \
  --logfile "$work/worker.log" >"$work/worker.out" 2>&1 &
pids+=($!)

# --- nginx in front: the proxy part of deploy/nginx/netralitas.conf, on plain HTTP -----------------------------
say "nginx on 127.0.0.1:$NGINX_PORT"
mkdir -p "$work/nginx"
upstreams=""
for port in "${WEB_PORTS[@]}"; do upstreams+="        server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n'; done
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
$([[ $(id -u) == 0 ]] && echo "user root;")
events { worker_connections 2048; }
http {
    include /etc/nginx/mime.types;
    access_log $work/nginx-access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream netralitas_web {
$upstreams        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name 127.0.0.1 localhost;
        client_max_body_size 20m;
        location /static/ {
            alias $static_root/;
            expires 1y;
            add_header Cache-Control "public, immutable";
        }
        location /media/ { internal; alias $MEDIA_ROOT/; }
        location / {
            proxy_pass http://netralitas_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 130s;
        }
    }
}
EOF
"$NGINX" -c "$work/nginx.conf" -p "$work/nginx"

health() { "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$1"; }
for port in "${WEB_PORTS[@]}"; do wait_for 60 health "http://127.0.0.1:$port/healthz"; done
wait_for 20 health "http://127.0.0.1:$NGINX_PORT/healthz"

export CLUSTER_URL=http://127.0.0.1:$NGINX_PORT CLUSTER_DIR=$work CLUSTER_WEB_PORTS="${WEB_PORTS[*]}"
say "up: $CLUSTER_URL (logs in $work)"

replica_figures() {
  [[ $REPLICA == 1 ]] || return 0
  local lag served
  lag=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc \
    "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0) FROM pg_stat_replication")
  served=$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc \
    "SELECT xact_commit, tup_returned FROM pg_stat_database WHERE datname = '$DB'")
  echo "replica: ${served%%|*} transactions and ${served##*|} rows read on the replica; replay behind by $lag bytes"
}

if (($#)); then
  status=0
  "$@" || status=$?
  replica_figures
  exit "$status"
fi
say "Ctrl-C stops everything (or after ${MAX_SECONDS}s)"
sleep "$MAX_SECONDS" &
pids+=($!)
wait $! || true
