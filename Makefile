# Netralitas: `make run` for a demo site on SQLite, `make test` for the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# System packages: WeasyPrint's Pango and fonts, poppler for PDF checks in tests, gettext for translations,
# Chromium for browser tests, pg_dump/pg_restore for backups, Redis for the shared cache, the task queue and
# their tests, SoftHSM for the test of sealing with a key on a PKCS#11 token.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
	fonts-liberation2 poppler-utils gettext chromium postgresql-client redis-server softhsm2

# The demo's development seal: a self-signed certificate in the git-ignored data/ folder (never for real use).
DEV_SEAL := data/seal-development.p12
DEV_SEAL_PASSWORD := development-only

.PHONY: help run test lint format system-deps venv messages bench bench-cluster clean worker beat prod-check redis

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

system-deps: ## Install the Debian packages WeasyPrint, the tests and translations need (when missing)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,prod,s3]'
	@touch $@

venv: $(VENV)/.installed ## Create the virtual environment and install the dependencies

messages: venv ## Compile the translations
	SECRET_KEY=build $(PY) manage.py compilemessages -v0 --ignore=.venv

run: system-deps venv messages ## Migrate, load regions, make a log key and demo data, serve on http://127.0.0.1:8000 (SQLite), documents sealed with a development certificate
	DEBUG=1 $(PY) manage.py migrate -v0
	DEBUG=1 $(PY) manage.py load_regions
	DEBUG=1 $(PY) manage.py log_keygen --if-missing
	DEBUG=1 $(PY) manage.py load_demo
	@test -f $(DEV_SEAL) || DEBUG=1 SEAL_PKCS12_PASSWORD=$(DEV_SEAL_PASSWORD) $(PY) manage.py seal_keygen --out $(DEV_SEAL)
	DEBUG=1 SEAL_PKCS12_FILE=$(DEV_SEAL) SEAL_PKCS12_PASSWORD=$(DEV_SEAL_PASSWORD) $(PY) manage.py runserver $(HOST)

worker: venv ## Start a Celery worker for background documents (needs REDIS_URL, as the web servers)
	$(VENV)/bin/celery -A neutrality worker --loglevel=INFO

beat: venv ## Start Celery beat, which sends the periodic sweeps (one per deployment; needs REDIS_URL)
	$(VENV)/bin/celery -A neutrality beat --loglevel=INFO --schedule=$${CELERY_BEAT_FILE:-/tmp/netralitas-celerybeat}

test: system-deps venv messages redis ## Run the whole suite (on $$DATABASE_URL when set, else SQLite)
	SECRET_KEY=test-only $(PY) -m pytest $(PYTEST_ARGS)

redis: ## Start a local Redis on 127.0.0.1:6379 (no persistence) unless one answers there
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
		for _ in $$(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done; \
	fi

prod-check: system-deps venv ## Build and run production on loopback (gunicorn, Redis, worker) and request every page
	VENV=$(VENV) deploy/prod-check.sh

lint: venv ## ruff lint and format check, and the migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run -v0

format: venv ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv ## Run the benchmarks under bench/ (they print figures); the hall under load is bench-cluster
	@for script in bench/*.py; do [ -e "$$script" ] || continue; [ "$$script" = bench/load.py ] && continue; \
		echo "== $$script"; SECRET_KEY=bench $(PY) $$script; done

bench-cluster: system-deps venv ## The production layout on loopback (bench/cluster.sh) under a hall's load (bench/load.py)
	$(PY) -m pip install -q -e '.[test,prod,s3,bench]'
	$(PY) bench/load.py $(LOAD_ARGS)

clean: ## Remove the virtual environment, the local SQLite database and the development seal
	rm -rf $(VENV) db.sqlite3 $(DEV_SEAL)
