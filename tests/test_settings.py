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
