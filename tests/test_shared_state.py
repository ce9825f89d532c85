"""State that every worker on every machine must share lives in Redis when REDIS_URL is set.

These tests need a Redis server: TEST_REDIS_URL (default redis://127.0.0.1:6379/15, a database of its own that
they flush). `.ci/run` and `make test` start one on 127.0.0.1:6379 when none answers.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
import redis
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.urls import reverse

from pledges import throttle

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOW = 1_800_000_030.0


@pytest.fixture
def redis_cache(settings):
    """Django's cache on the tests' own Redis database, emptied first."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        pytest.fail(f"No Redis at {TEST_REDIS_URL}: start one (`make redis`) or set TEST_REDIS_URL.")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_REDIS_URL}
    }
    from django.core.cache import cache

    cache.clear()
    return cache


def _hits_in_another_process(count: int, limit: int) -> list[bool]:
    """The same throttle, counted by a separate Python process configured only through REDIS_URL."""
    code = textwrap.dedent(
        f"""
        import json, django
        django.setup()
        from pledges import throttle
        throttle._clock = lambda: {NOW}
        print(json.dumps([throttle.throttle_hit(scope="verify", key="198.51.100.1", limit={limit})
                          for _ in range({count})]))
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "neutrality.settings",
        "SECRET_KEY": "test-only",
        "REDIS_URL": TEST_REDIS_URL,
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_rate_limit_counts_across_processes(redis_cache, monkeypatch):
    monkeypatch.setattr(throttle, "_clock", lambda: NOW)
    here = [throttle.throttle_hit(scope="verify", key="198.51.100.1", limit=10) for _ in range(6)]
    there = _hits_in_another_process(count=6, limit=10)
    assert here == [True] * 6
    assert there == [True, True, True, True, False, False]
    assert throttle.throttle_hit(scope="verify", key="198.51.100.1", limit=10) is False


@pytest.mark.django_db
def test_cached_figures_are_in_redis_for_every_worker(redis_cache, client):
    assert client.get(reverse("home")).status_code == 200
    other_client = redis.Redis.from_url(TEST_REDIS_URL)
    assert other_client.exists(redis_cache.make_key("home:figures")) == 1


def test_the_settings_keep_sessions_in_the_database():
    assert django_settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }


def _neutrality_checks() -> list[str]:
    # Django keeps its checks in a set: the order of their messages varies from run to run.
    found = run_checks(include_deployment_checks=True)
    return sorted(message.id for message in found if "neutrality" in message.id)


def test_the_deploy_check_warns_about_a_local_cache_in_production(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _neutrality_checks() == ["neutrality.W001"]
    settings.DEBUG = True
    assert _neutrality_checks() == []


def test_the_deploy_check_is_quiet_with_redis(settings, redis_cache):
    settings.DEBUG = False
    assert _neutrality_checks() == []


def test_the_deploy_check_warns_about_sessions_on_local_disk(settings, redis_cache):
    settings.DEBUG = False
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.file"
    assert _neutrality_checks() == ["neutrality.W002"]


def test_the_deploy_check_warns_about_sessions_in_a_local_cache(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    assert _neutrality_checks() == ["neutrality.W001", "neutrality.W002"]
