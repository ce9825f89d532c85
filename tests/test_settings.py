"""Settings read from the environment: the database connection pool."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps({'CONN_MAX_AGE': d['CONN_MAX_AGE'], 'pool': d['OPTIONS'].get('pool')}))"
)


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    """Settings as a fresh process reads them from ``env`` (the module reads the environment once)."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_DATABASE}"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "neutrality.settings", "SECRET_KEY": "test-only", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_pool_replaces_persistent_connections_on_postgresql():
    done = _settings_with(
        DATABASE_URL="postgres://netralitas@127.0.0.1:5432/netralitas",
        DATABASE_POOL="1",
        DATABASE_POOL_MAX_SIZE="8",
    )
    database = json.loads(done.stdout)
    assert database == {"CONN_MAX_AGE": 0, "pool": {"min_size": 1, "max_size": 8, "timeout": 10}}


def test_without_the_pool_connections_persist():
    done = _settings_with(DATABASE_URL="postgres://netralitas@127.0.0.1:5432/netralitas", DATABASE_POOL="")
    assert json.loads(done.stdout) == {"CONN_MAX_AGE": 60, "pool": None}


def test_the_pool_is_refused_on_sqlite():
    done = _settings_with(DATABASE_URL="sqlite:////tmp/netralitas.sqlite3", DATABASE_POOL="1")
    assert done.returncode != 0
    assert "DATABASE_POOL needs a PostgreSQL DATABASE_URL" in done.stderr
