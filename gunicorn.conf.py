"""gunicorn for Netralitas: `gunicorn -c gunicorn.conf.py` from the project folder; the environment overrides.

Sync workers (one request at a time each) behind a reverse proxy that buffers slow clients (nginx); long
documents are rendered outside the request.
"""

import os


def _cores() -> int:
    # The cores this process may use (a container's limit), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


wsgi_app = "neutrality.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# gunicorn's own rule of thumb: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The slowest answer left in a request is the open-data CSV of the whole registry, streamed row by row; a worker
# silent for longer than this is stuck and is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, which returns memory a large page or PDF left behind.
max_requests = 2000
max_requests_jitter = 200
# Heartbeats in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxy in front sets X-Forwarded-Proto; gunicorn believes it only from these addresses (the same list the
# site uses to read X-Forwarded-For).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES") or "127.0.0.1,::1"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The proxy's address, the client's as the proxy forwarded it, and the time taken in milliseconds.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# gunicorn's control socket sits at one path per user: two instances on one machine would fight over it, and
# nothing here uses it.
control_socket_disable = True
