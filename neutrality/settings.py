"""Settings for Netralitas, read from the environment (one module for every deployment)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin behind the site's own sign-in and second factor (accounts/sites.py).
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "accounts",
    "events",
    "pledges",
    # The project's own pieces that know no domain: system checks, /healthz, backup and restore.
    "neutrality",
    "pledges.transparency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "neutrality.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (a refusal is a page in the user's language), before anything reads input.
    "neutrality.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check: a forged request is a 403 whatever its body.
    "neutrality.middleware.FormPostsOnlyMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "neutrality.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "neutrality.urls"
WSGI_APPLICATION = "neutrality.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A persistent connection that died with a database restart is replaced instead of failing a request.
        conn_health_checks=True,
    )
}
# A streaming replica of the primary for the public pages that only read (registry, pact pages, coverage, open
# data): neutrality/db.py routes them there, everything else to the primary. Tests use the primary itself.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["neutrality.db.ReplicaRouter"]
if env_bool("DATABASE_POOL"):
    # psycopg's pool (PostgreSQL only) shares a few connections among a worker's threads; Django refuses a pool
    # together with persistent connections, so CONN_MAX_AGE is 0 then. The replica gets a pool of its own.
    for database in DATABASES.values():
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_POOL needs a PostgreSQL DATABASE_URL.")
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "4")),
            "timeout": int(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The declaration text an event is signed on: events builds on nothing above it, so the project names the model.
EVENT_DECLARATION_MODEL = "pledges.Declaration"

# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The project's private working files (pending imports): never under MEDIA_ROOT, never served, mode 0700.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))
ATTENDEE_IMPORT_DIR = DATA_DIR / "imports"
# Signatures, scans and generated PDFs go through Django's storage API: the local MEDIA_ROOT by default, an
# S3-compatible bucket with MEDIA_STORAGE=s3 (needs the `s3` extra: pip install '.[s3]').
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem").strip().lower()
if MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Nothing in the bucket is public: signatures and documents are served through the site's views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "events:landing"
LOGOUT_REDIRECT_URL = "home"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Rate-limit counters, cached figures and the like must be shared by every worker on every machine: with
# REDIS_URL they live in Redis. The local-memory default counts per process (a system check warns about it
# in production).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # An unreachable Redis fails a request (and /healthz) in seconds instead of hanging a worker.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
    }
    if REDIS_URL
    # Without Redis a production site still shares its limits across workers and machines through the
    # database (`manage.py createcachetable` makes the table); only development keeps them in memory.
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if DEBUG
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "netralitas_cache"}
}
# Sessions are rows in the database, read through the cache when it is shared; never files on one machine.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed; see
# neutrality/clients.py. Empty: the connection's own address is the client's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Background jobs: Celery with Redis as broker and result store (chords need one). Without a broker every task
# runs at once inside the request that started it, so `make run` and the tests need no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 6 * 3600
CELERY_TIMEZONE = TIME_ZONE
# A chunk of a document is redelivered to another worker when the one rendering it dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint holds a chunk's whole layout: a fresh process now and then gives the memory back to the system.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1_500_000  # KiB
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# `celery -A neutrality beat` runs these (README: Background jobs).
CELERY_BEAT_SCHEDULE = {
    "sweep-orphan-media": {"task": "pledges.tasks.sweep_orphan_media", "schedule": 15 * 60},
    "expire-document-jobs": {"task": "pledges.tasks.expire_document_jobs", "schedule": 60 * 60},
    # The retention schedule (README: Personal data protection); `manage.py shred` does the same by hand.
    "shred-personal-data": {"task": "pledges.tasks.shred_personal_data", "schedule": 24 * 60 * 60},
    "clear-expired-sessions": {"task": "accounts.tasks.clear_expired_sessions", "schedule": 24 * 60 * 60},
    # A pact is in the transparency log within seconds even when an on-commit message was lost.
    "sequence-transparency-log": {"task": "pledges.transparency.tasks.sequence_log", "schedule": 5},
}

# Generated documents stay in storage this many hours and are handed out again while their data is unchanged.
DOCUMENT_JOB_HOURS = int(os.environ.get("DOCUMENT_JOB_HOURS", "24"))
# Signature and scan files no pact or witness refers to are removed once they are this old (seconds): a
# crash between writing the files and committing the pact leaves them behind.
ORPHAN_MEDIA_AGE = int(os.environ.get("ORPHAN_MEDIA_AGE", "3600"))

# Lookups of a pact code per client address and minute on the public verification page: plenty for people,
# useless for guessing among 31^10 codes.
VERIFY_RATE_LIMIT = int(os.environ.get("VERIFY_RATE_LIMIT", "20"))
# Public pact PDFs per client address and minute.
PACT_PDF_RATE_LIMIT = int(os.environ.get("PACT_PDF_RATE_LIMIT", "10"))

# A drawn signature arrives as a data URL inside the form body: keep the body bound small.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- HTTPS and headers: secure unless DEBUG is on or a switch turns a piece off explicitly ----------------------
# Cookies only over HTTPS. Loopback checks without TLS (`make prod-check`) set SECURE_COOKIES=0 themselves;
# nothing is switched off silently because of a host name.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain HTTP is redirected to HTTPS; SECURE_SSL_REDIRECT=0 for a check over plain HTTP on loopback.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes the web servers directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers remember to use HTTPS only (a year), subdomains too, and the header allows submitting the domain
# to the browsers' preload list (which only its owner does); SECURE_HSTS_SECONDS=0 turns HSTS off.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The TLS-terminating proxy says which scheme the client used. Only set it behind a proxy that overwrites
# the header (a client talking to the app directly could send it): SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): scripts and styles only from our own static files, never inline.
# Bootstrap's stylesheet draws its select arrows and toggler icon from data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Staff accounts ----------------------------------------------------------------------------------------
# A working day without a request ends the session (each request pushes the expiry forward).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 9 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
# Two-factor sign-in (TOTP) for every signed-in role; on unless DEBUG, OTP_REQUIRED=0 turns it off.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Netralitas")
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one account from one address, that account is
# locked at that address for AXES_COOLOFF_TIME hours, or until an administrator unlocks it. The address is
# the site's one client address rule, so a forged X-Forwarded-For cannot dodge the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_TIME", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.axes_client_ip"
AXES_HANDLER = (
    "accounts.lockout.PseudonymousDatabaseHandler"  # no address or browser in clear in axes' tables
)
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_RESET_ON_SUCCESS = True

SITE_NAME = "Netralitas"
# Absolute base for links printed in PDFs and QR codes (e.g. https://netralitas.example.go.id).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The transparency log (README, "Transparency log"). Its Ed25519 signing key, as `manage.py log_keygen` writes
# it: in LOG_SIGNING_KEY, or in the file LOG_SIGNING_KEY_FILE names; never in the repository. Development
# keeps one in a git-ignored file.
LOG_SIGNING_KEY = os.environ.get("LOG_SIGNING_KEY", "")
LOG_SIGNING_KEY_FILE = os.environ.get(
    "LOG_SIGNING_KEY_FILE", str(BASE_DIR / ".log-signing.key") if DEBUG else ""
)
# Verifier keys (<name>+<id>+<base64>) of the witnesses whose cosignatures POST /log/cosign accepts.
LOG_WITNESS_KEYS = env_list("LOG_WITNESS_KEYS")
# Requests per client address and minute to the /log/ endpoints: a verifier reading every entry asks for
# 1,000 per request.
LOG_RATE_LIMIT = int(os.environ.get("LOG_RATE_LIMIT", "300"))
# Sequence new entries right after the signing commits (a Celery task; else only beat and
# `manage.py log_sequence` do it).
LOG_SEQUENCE_ON_COMMIT = env_bool("LOG_SEQUENCE_ON_COMMIT", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The office's electronic seal on issued PDFs (README, "Sealed documents"): a PKCS#12 file, or a key on a
# PKCS#11 token; none configured means documents go out unsealed. With a timestamp authority the seal is
# PAdES B-LT (timestamped, revocation data embedded), without one B-B.
SEAL_PKCS12_FILE = os.environ.get("SEAL_PKCS12_FILE", "")
SEAL_PKCS12_PASSWORD = os.environ.get("SEAL_PKCS12_PASSWORD", "")
SEAL_PKCS11_MODULE = os.environ.get("SEAL_PKCS11_MODULE", "")
SEAL_PKCS11_TOKEN = os.environ.get("SEAL_PKCS11_TOKEN", "")
SEAL_PKCS11_KEY_LABEL = os.environ.get("SEAL_PKCS11_KEY_LABEL", "")
SEAL_PKCS11_PIN = os.environ.get("SEAL_PKCS11_PIN", "")
SEAL_TSA_URL = os.environ.get("SEAL_TSA_URL", "")
# PEM files of further trust anchors: the CA above the office's certificate, the timestamp authority's CA.
SEAL_TRUST_ROOTS = env_list("SEAL_TRUST_ROOTS")
SEAL_STAMP_FONT = os.environ.get(
    "SEAL_STAMP_FONT", "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
)
# PDFs uploaded to the public verification page: bigger files are refused before they are read, and each
# check runs in a child process with these limits.
VERIFY_PDF_MAX_BYTES = int(os.environ.get("VERIFY_PDF_MAX_BYTES", 25 * 1_048_576))
VERIFY_PDF_RATE_LIMIT = int(os.environ.get("VERIFY_PDF_RATE_LIMIT", "10"))

# --- Personal data (UU 27/2022): see README, "Personal data protection" ---------------------------------
# Key of the keyed hashes (HMAC-SHA256) that stand in for a signer's address and browser and for the client
# address of the access log. Empty: derived from SECRET_KEY (a key of its own survives a SECRET_KEY rotation;
# after a rotation of either, new hashes no longer match old ones).
CLIENT_HMAC_KEY = os.environ.get("CLIENT_HMAC_KEY", "")
# Retention: what `manage.py shred` (and its daily task) removes, and when (README, "Retention and shredding").
# Attendees' phone and e-mail, days after their event's signing closed (or it ended, if never closed).
RETENTION_CONTACT_DAYS = int(os.environ.get("RETENTION_CONTACT_DAYS", "90"))
# The keyed hashes of a signer's address and browser, days after signing.
RETENTION_CLIENT_DAYS = int(os.environ.get("RETENTION_CLIENT_DAYS", "180"))
# Personal codes nobody used, days after signing closed (an administrator may reopen a close made by mistake).
RETENTION_CLOSED_CODES_DAYS = int(os.environ.get("RETENTION_CLOSED_CODES_DAYS", "7"))
# Uploaded attendee lists nobody confirmed or cancelled.
RETENTION_PENDING_IMPORT_HOURS = int(os.environ.get("RETENTION_PENDING_IMPORT_HOURS", "24"))
# Whom the public contacts about their personal data (the privacy page shows it).
PRIVACY_CONTACT_NAME = os.environ.get("PRIVACY_CONTACT_NAME", "Pejabat Pelindungan Data Pribadi")
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "")

# Attendee lists uploaded by staff: bigger files are refused before they are read.
ATTENDEE_IMPORT_MAX_BYTES = int(os.environ.get("ATTENDEE_IMPORT_MAX_BYTES", 5 * 1_048_576))
ATTENDEE_IMPORT_MAX_ROWS = 10_000
# The import preview posts one checkbox per confirmed row.
DATA_UPLOAD_MAX_NUMBER_FIELDS = ATTENDEE_IMPORT_MAX_ROWS + 1_000
