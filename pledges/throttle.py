"""Fixed-window attempt counters in Django's cache, to make guessing codes pointless.

With several workers the cache must be shared (set ``REDIS_URL``); the local-memory default counts per process.
Callers key them by ``neutrality.clients.client_ip`` where the client's address is what counts.
"""

import time

from django.core.cache import cache


def _clock() -> float:
    return time.time()


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
