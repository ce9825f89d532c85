"""System checks for a production deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from neutrality.clients import trusted_networks

LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
}
LOCAL_SESSIONS = {"django.contrib.sessions.backends.file"}
CACHED_SESSIONS = {"django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"}


def _cache_is_local() -> bool:
    return settings.CACHES["default"]["BACKEND"] in LOCAL_CACHES


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Rate limits and cached figures kept per process multiply the limits by the number of workers."""
    if settings.DEBUG or not _cache_is_local():
        return []
    return [
        Warning(
            "The cache is local to each process: rate limits count per worker and machine.",
            hint="Set REDIS_URL so that every worker shares one cache.",
            id="neutrality.W001",
        )
    ]


@register(Tags.security, deploy=True)
def shared_sessions_check(app_configs, **kwargs):
    """A session must be found by whichever web server the next request reaches."""
    engine = settings.SESSION_ENGINE
    if settings.DEBUG or not (engine in LOCAL_SESSIONS or (engine in CACHED_SESSIONS and _cache_is_local())):
        return []
    return [
        Warning(
            f"Sessions ({engine}) are kept on this machine only.",
            hint="Keep sessions in the database (the default) or in a shared cache (REDIS_URL).",
            id="neutrality.W002",
        )
    ]


@register(Tags.security)
def trusted_proxies_check(app_configs, **kwargs):
    try:
        trusted_networks(tuple(settings.TRUSTED_PROXIES))
    except ImproperlyConfigured as error:
        return [
            Error(str(error), hint="Addresses or networks, e.g. 10.0.0.5,10.1.0.0/24.", id="neutrality.E001")
        ]
    return []
