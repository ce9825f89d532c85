import io
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


@pytest.fixture(scope="session", autouse=True)
def _memory_cache():
    """Tests run with DEBUG off, whose default cache is a database table: each test gets a clean memory one."""
    from django.test.utils import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
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


@pytest.fixture(autouse=True)
def _no_seal(settings):
    """Documents go out unsealed unless a test asks for a seal, whatever the developer's environment says."""
    settings.SEAL_PKCS12_FILE = ""
    settings.SEAL_PKCS11_MODULE = ""
    settings.SEAL_TSA_URL = ""
    settings.SEAL_TRUST_ROOTS = []


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """The in-process CA, OCSP responder and timestamp authority (tests/pki.py), for the whole session."""
    from tests import pki

    authority, stop = pki.start(tmp_path_factory.mktemp("pki"))
    yield authority
    stop()


@pytest.fixture
def office_seal(settings, test_pki):
    """Documents sealed with the test CA's office certificate and timestamped: PAdES B-LT."""
    from tests import pki

    settings.SEAL_PKCS12_FILE = str(test_pki.pkcs12("office"))
    settings.SEAL_PKCS12_PASSWORD = pki.PASSWORD.decode()
    settings.SEAL_TSA_URL = test_pki.tsa_url
    settings.SEAL_TRUST_ROOTS = [str(test_pki.root_pem)]
    return test_pki


@pytest.fixture(scope="session")
def development_p12(tmp_path_factory):
    """A certificate made by `manage.py seal_keygen`, as `make run` makes one."""
    from django.core.management import call_command

    path = tmp_path_factory.mktemp("seal") / "seal-development.p12"
    os.environ["SEAL_PKCS12_PASSWORD"] = "uji-pengembangan"
    try:
        call_command("seal_keygen", out=path, name="Segel Uji Pengembangan", stdout=io.StringIO())
    finally:
        del os.environ["SEAL_PKCS12_PASSWORD"]
    return path


@pytest.fixture
def development_seal(settings, development_p12):
    """Documents sealed with a self-signed development certificate and no timestamp: PAdES B-B."""
    settings.SEAL_PKCS12_FILE = str(development_p12)
    settings.SEAL_PKCS12_PASSWORD = "uji-pengembangan"
    return development_p12


@pytest.fixture
def transparency_log(monkeypatch):
    """The transparency log's contract served by a stand-in over a real Merkle tree (tests/stand_in_log.py)."""
    from tests.stand_in_log import StandInLog

    log = StandInLog()
    log.install(monkeypatch)
    return log


@pytest.fixture
def world(db):
    """Two offices' data for the hostile suites (tests/hostile.py): ours and theirs."""
    from tests.hostile import make_world

    return make_world()


@pytest.fixture(autouse=True)
def _log_key(settings):
    """The transparency log signs with a key made for each test, never one from the repository."""
    from pledges.transparency.note import Signer

    settings.LOG_SIGNING_KEY = str(Signer.generate("netralitas.test"))
    settings.LOG_WITNESS_KEYS = []
