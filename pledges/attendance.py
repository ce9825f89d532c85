"""Proof of presence in the hall: the attendance code on the screen, and the screen's own QR code.

Both are derived, never stored: HMAC-SHA256 keyed with the event's secret over the number of the five-minute
window. Any web worker computes the same values without sharing state, and the secret never leaves the server.
The current and the previous window are accepted, so a code read just before it changes still works.

- The **attendance code** is eight digits, typed by hand: 10^8 values, two accepted at a time, so one guess
  succeeds with probability 2 x 10^-8. The guesses an event allows are few (pledges.services), which keeps the
  odds of guessing it within a day below one in ten thousand (README, "Guessing the hall's proof").
- The **presence token** is 128 bits in the QR code on the hall's screen: a phone that scans the screen is
  present with nothing to type, and nobody guesses 2^128. The poster's QR code carries no token: it needs the
  attendance code.
"""

import base64
import hashlib
import hmac
import time

from events.models import Event

WINDOW_SECONDS = 5 * 60
DIGITS = 8
ACCEPTED_WINDOWS = 2  # the current one and the one before it
TOKEN_BYTES = 16


def _window(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // WINDOW_SECONDS)


def _digest(event: Event, label: str, window: int) -> bytes:
    return hmac.new(event.attendance_secret.encode(), f"{label}{window}".encode(), hashlib.sha256).digest()


def _code_for_window(event: Event, window: int) -> str:
    return str(int.from_bytes(_digest(event, "code:", window)[:8], "big") % 10**DIGITS).zfill(DIGITS)


def _token_for_window(event: Event, window: int) -> str:
    raw = _digest(event, "presence:", window)[:TOKEN_BYTES]
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def _accepted(event: Event, value: str, derive, at: float | None) -> bool:
    window = _window(at)
    # Compare against every accepted window without stopping early: timing tells nothing.
    matches = [hmac.compare_digest(value, derive(event, window - i)) for i in range(ACCEPTED_WINDOWS)]
    return any(matches)


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
    return _accepted(event, code, _code_for_window, at)


def presence_token(event: Event, *, at: float | None = None) -> str:
    """What the hall screen's QR code carries now, beside the event's signing address."""
    return _token_for_window(event, _window(at))


def presence_window(*, at: float | None = None) -> int:
    """The current window's number: the screen reloads its QR code when it changes."""
    return _window(at)


def presence_token_is_valid(event: Event, token: str, *, at: float | None = None) -> bool:
    token = (token or "").strip().lower()
    if len(token) != len(presence_token(event, at=at)) or not token.isalnum():
        return False
    return _accepted(event, token, _token_for_window, at)
