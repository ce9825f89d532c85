"""Fixed-window attempt counters in Django's cache, to make guessing codes pointless.

With several workers the cache must be shared (set ``REDIS_URL``); the local-memory default counts per process.
Callers key them by ``neutrality.clients.client_ip`` where the client's address is what counts.
"""

import contextlib
import time
from dataclasses import dataclass

from django.core.cache import cache


def _clock() -> float:
    return time.time()


def _count(cache_key: str, window: int) -> int:
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 1)
        return 1


def throttle_hit(*, scope: str, key: str, limit: int, window: int = 60) -> bool:
    """Count one attempt; False once ``limit`` attempts were made in the current window."""
    bucket = int(_clock() // window)
    return _count(f"throttle:{scope}:{key}:{bucket}", window) <= limit


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` counted attempts per ``window`` seconds for one key of one scope."""

    scope: str
    key: str
    limit: int
    window: int

    def cache_key(self, at: float) -> str:
        return f"throttle:{self.scope}:{self.key}:{int(at // self.window)}"


class Attempt:
    """One attempt counted against several limits at once, and given back when it turns out not to be a guess.

    The count goes up before the attempt is judged, so a burst of parallel guesses cannot slip past a limit
    while none of them has failed yet; a success (or any outcome that is not a wrong guess) is refunded, so
    the people who get it right never use up anybody's allowance.
    """

    def __init__(self, **limits: Limit):
        self.limits = limits
        self._taken: dict[str, tuple[str, Limit]] = {}

    def start(self) -> bool:
        """Count the attempt under every limit; False (and nothing counted) if any limit is used up."""
        now = _clock()
        for name, limit in self.limits.items():
            cache_key = limit.cache_key(now)
            self._taken[name] = (cache_key, limit)
            if _count(cache_key, limit.window) > limit.limit:
                self.refund()
                return False
        return True

    def refund(self, *names: str) -> None:
        """Give the attempt back under the named limits (all of them when none is named)."""
        for name in names or list(self._taken):
            taken = self._taken.pop(name, None)
            if taken is None:
                continue
            # ValueError: the window ended meanwhile, and there is nothing left to give back.
            with contextlib.suppress(ValueError):
                cache.decr(taken[0])
