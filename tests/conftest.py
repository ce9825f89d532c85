import os

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _celery_tasks_run_at_once():
    """Tasks run inside the test that starts them, whatever broker the environment names; the one test with a
    real worker sends its messages through an app of its own."""
    from neutrality.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file rather than memory, so that a real Celery worker (another process) can read the
    same test database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploads, scans and pending imports go to a throw-away folder; static files need no collectstatic."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.ATTENDEE_IMPORT_DIR = settings.DATA_DIR / "imports"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _plain_http_and_one_factor():
    """The test client and the live server speak plain HTTP, and most tests sign in with force_login.

    Session-wide, before the live server builds its middleware (SecurityMiddleware reads its settings once).
    Production defaults (HTTPS redirect, secure cookies, the TOTP step) have their own tests, which change
    these back: tests/test_headers.py, tests/test_two_factor.py.
    """
    from django.test.utils import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        OTP_REQUIRED=False,
        # Hashing a password the production way takes a fifth of a second; tests sign in hundreds of times.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures and rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _regions_after_flush(request):
    """Transactional tests flush every table, the data migration's regions too: put them back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    if marker is None or not (transactional or marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from events.models import Province
    from events.services import regions_load

    if not Province.objects.exists():
        regions_load()


@pytest.fixture
def staff_user(db):
    from tests.factories import BawasluStaffFactory

    return BawasluStaffFactory()


@pytest.fixture
def staff(client, staff_user):
    """A Bawaslu staff member, logged in on the test client."""
    client.force_login(staff_user)
    return staff_user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_user(db):
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def world(db):
    """Two offices' data for the hostile suites (tests/hostile.py): ours and theirs."""
    from tests.hostile import make_world

    return make_world()
