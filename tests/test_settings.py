import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import neutrality.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_allow_a_development_key_when_debug_is_on():
    result = import_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_settings_read_the_database_url():
    result = import_settings(SECRET_KEY="x", DATABASE_URL="postgres://postgres@127.0.0.1:5432/example")
    assert result.stdout.strip() == "django.db.backends.postgresql"
    result = import_settings(SECRET_KEY="x", DATABASE_URL="")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_manage_py_runs_in_development_mode_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "development mode" in result.stderr


def _database_with(**env) -> dict:
    """The database settings a fresh process reads from ``env`` (the module reads the environment once)."""
    script = (
        "import json, neutrality.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps({'CONN_MAX_AGE': d['CONN_MAX_AGE'], 'pool': d.get('OPTIONS', {}).get('pool')}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CONN_MAX_AGE"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_replace_persistent_connections_with_the_pool_on_postgresql():
    url = "postgres://netralitas@127.0.0.1:5432/netralitas"
    assert _database_with(DATABASE_URL=url) == {"CONN_MAX_AGE": 60, "pool": None}
    assert _database_with(DATABASE_URL=url, DATABASE_POOL="1", DATABASE_POOL_MAX_SIZE="8") == {
        "CONN_MAX_AGE": 0,
        "pool": {"min_size": 1, "max_size": 8, "timeout": 10},
    }


def test_settings_refuse_the_pool_on_sqlite():
    result = import_settings(
        SECRET_KEY="x", DATABASE_URL="sqlite:////tmp/netralitas.sqlite3", DATABASE_POOL="1"
    )
    assert result.returncode != 0
    assert "DATABASE_POOL needs a PostgreSQL DATABASE_URL" in result.stderr
