"""Server time per signature: validating and re-encoding the drawn PNG, and the whole pact_sign (prints figures).

A hall of a few hundred people signing in a quarter of an hour is one signature every few seconds; this shows
how far below that one worker is. Runs against a throw-away SQLite database unless DATABASE_URL is set:
`SECRET_KEY=bench .venv/bin/python bench/signing.py`.
"""

import os
import statistics
import tempfile
import time

from benchsetup import django_setup

os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="netralitas-bench-media-")
django_setup("signing")

from django.core.management import call_command  # noqa: E402

SIGNATURES = 200
# What phones and tablets post: the pad's canvas at 1x, 2x and 3x pixel ratios.
SIZES = [(600, 200), (1100, 440), (1800, 660)]


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def main():
    call_command("migrate", verbosity=0)
    from pledges.services import pact_sign
    from pledges.signatures import png_data_url, scribble_png, signature_from_data_url
    from tests.factories import AttendeeFactory, EventFactory

    for size in SIZES:
        data_url = png_data_url(scribble_png(1, size=size))
        timings = []
        for _ in range(30):
            started = time.perf_counter()
            signature_from_data_url(data_url)
            timings.append(time.perf_counter() - started)
        print(f"validate + re-encode {size[0]}x{size[1]} ({len(data_url) // 1024} KB posted)  {_ms(timings)}")

    event = EventFactory()
    attendees = AttendeeFactory.create_batch(SIGNATURES, event=event)
    data_urls = [png_data_url(scribble_png(n, size=SIZES[1])) for n in range(10)]
    timings = []
    started_all = time.perf_counter()
    for n, attendee in enumerate(attendees):
        started = time.perf_counter()
        pact_sign(attendee=attendee, signature_data_url=data_urls[n % 10], ip="10.0.0.1", user_agent="bench")
        timings.append(time.perf_counter() - started)
    total = time.perf_counter() - started_all
    print(f"pact_sign x {SIGNATURES} ({SIZES[1][0]}x{SIZES[1][1]})           {_ms(timings)}")
    print(f"signatures per second, one worker        {SIGNATURES / total:6.1f}")


if __name__ == "__main__":
    main()
