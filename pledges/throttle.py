"""Fixed-window attempt counters in Django's cache, to make guessing codes pointless.

With several workers the cache must be shared (set ``REDIS_URL``); the local-memory default counts per process.
"""

import time

from django.core.cache import cache


def _clock() -> float:
    return time.time()


def client_ip(request) -> str:
    """The address the connection came from.

    ``X-Forwarded-For`` is not read: anyone can send it. Behind a reverse proxy, have the proxy or the WSGI
    server set ``REMOTE_ADDR`` to the client's address.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def throttle_hit(*, scope: str, key: str, limit: int, window: int = 60) -> bool:
    """Count one attempt; False once ``limit`` attempts were made in the current window."""
    bucket = int(_clock() // window)
    cache_key = f"throttle:{scope}:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return count <= limit
