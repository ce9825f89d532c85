"""The attendance code: six digits on the hall's screen that change every five minutes.

It proves that whoever signs on their own phone can see the projector. The code is derived, never stored:
HMAC-SHA256 keyed with the event's secret over the number of the five-minute window, reduced to six digits.
Any web worker computes the same code without sharing state, and the secret never leaves the server. The
current and the previous window are accepted, so a code read just before it changes still works.
"""

import hashlib
import hmac
import time

from events.models import Event

WINDOW_SECONDS = 5 * 60
DIGITS = 6
ACCEPTED_WINDOWS = 2  # the current one and the one before it


def _window(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // WINDOW_SECONDS)


def _code_for_window(event: Event, window: int) -> str:
    digest = hmac.new(event.attendance_secret.encode(), str(window).encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**DIGITS).zfill(DIGITS)


def attendance_code(event: Event, *, at: float | None = None) -> str:
    """The code to show in the hall now (or at the given Unix time)."""
    return _code_for_window(event, _window(at))


def attendance_code_seconds_left(*, at: float | None = None) -> int:
    """Seconds until the code on the screen changes."""
    now = time.time() if at is None else at
    return int(WINDOW_SECONDS - now % WINDOW_SECONDS)


def attendance_code_is_valid(event: Event, code: str, *, at: float | None = None) -> bool:
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isdigit():
        return False
    window = _window(at)
    # Compare against every accepted window without stopping early: timing tells nothing.
    matches = [
        hmac.compare_digest(code, _code_for_window(event, window - i)) for i in range(ACCEPTED_WINDOWS)
    ]
    return any(matches)
