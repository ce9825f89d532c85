"""A full hall against the production layout: 200 phones sign at once through one address, while the public
reads the registry and downloads PDFs; then the database is checked for lost and duplicated signatures.

    .venv/bin/python bench/load.py          # starts bench/cluster.sh around itself (make bench-cluster)

Against a layout that is already up, set CLUSTER_URL (nginx), DATABASE_URL and MEDIA_ROOT as cluster.sh exports
them. Three phases, the first and the last in their own processes (Django), the load in between (locust):

1. *setup*: a public event "in the registry" with REGISTRY_PACTS drawn pacts (for the readers and the PDFs) and
   the hall's event: open for signing, public, 2,000 invitees over 40 agencies, no walk-ins.
2. *load* (locust, headless, in this process): PHONES phones, each one attendee, all from 127.0.0.1 (the hall's
   Wi-Fi: nginx puts that address in X-Forwarded-For for every one of them), walk the real phone flow: the
   signing page, identification (NIP + the attendance code from the hall's screen, or the invitation's personal
   code with --proof personal), the declaration page, the drawn signature (a distinct PNG each, as the pad
   posts it, 1100 x 440: a phone's canvas at twice its CSS size), the receipt. A phone whose signing answer is
   lost or is a 5xx posts the same form again, as a person taps again. Meanwhile READERS readers browse the
   registry, pact pages and coverage, and PDF_CLIENTS clients download public pact PDFs, each reader and
   client from its own loopback address (127.0.1.x, 127.0.2.x: the public is not in the hall), the PDF clients
   at the pace the per-address limit allows (PACT_PDF_RATE_LIMIT, 10 a minute).
3. *check*: pacts of the hall = receipts received (nothing lost, nothing extra), no attendee twice, every
   pact's content hash recomputes (Pact.compute_content_hash) and its PNG matches signature_sha256, and every
   signature file belongs to a pact (no orphans) while every pact's files exist.

Prints signatures per second, p50/p95 per route, errors, and the checks; exits 1 when a check fails.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ATTENDEES = 2_000
PHONES = 200
READERS = 50
PDF_CLIENTS = 10
REGISTRY_PACTS = 300
AGENCIES = 40
PHONE_CANVAS = (1100, 440)
SIGN_ATTEMPTS = 3  # a phone taps "sign" again after a lost answer or a server error, then gives up


# --- Phase 1 and 3: Django, in their own processes --------------------------------------------------------------


def _django():
    sys.path.insert(0, str(HERE))
    from benchsetup import django_setup

    if "DATABASE_URL" not in os.environ:
        sys.exit("load.py: DATABASE_URL is not set (run it through bench/cluster.sh)")
    django_setup("load")


def phase_setup(out: Path) -> None:
    _django()
    from django.db import transaction

    from pledges.attendance import attendance_code
    from pledges.signatures import png_data_url, scribble_png
    from tests.factories import AgencyFactory, AttendeeFactory, EventFactory, PactFactory, regency

    started = time.perf_counter()
    with transaction.atomic():  # one commit, not 2,300
        place = regency()
        agencies = AgencyFactory.create_batch(AGENCIES, regency=place)
        registry_event = EventFactory(is_public=True, title="Apel Ikrar Netralitas ASN (registri)")
        codes = [
            PactFactory(
                with_signature=True, attendee__event=registry_event, attendee__agency=agencies[n % AGENCIES]
            ).code
            for n in range(REGISTRY_PACTS)
        ]
        hall = EventFactory(
            is_public=True, allow_walk_ins=False, title="Sosialisasi Netralitas ASN (aula)", regency=place
        )
        attendees = [
            AttendeeFactory(event=hall, agency=agencies[n % AGENCIES], full_name=f"Peserta Aula {n:04d}")
            for n in range(ATTENDEES)
        ]
    signatures = [png_data_url(scribble_png(10_000 + n, size=PHONE_CANVAS)) for n in range(PHONES)]
    out.write_text(
        json.dumps(
            {
                "hall": hall.code,
                "hall_pk": hall.pk,
                "attendance_code": attendance_code(hall),
                "attendees": [[a.identity_number, a.personal_code] for a in attendees],
                "registry_codes": codes,
                "signatures": signatures,
            }
        )
    )
    print(
        f"setup: {REGISTRY_PACTS} registry pacts, an open event of {ATTENDEES} invitees, {PHONES} drawn PNGs "
        f"({sum(map(len, signatures)) // PHONES // 1024} KB posted each) in {time.perf_counter() - started:.0f} s"
    )


def phase_code(event_pk: int) -> None:
    """What the hall's screen shows now (pledges.attendance, the function the screen itself calls)."""
    _django()
    from events.models import Event
    from pledges.attendance import attendance_code

    print(attendance_code(Event.objects.get(pk=event_pk)))


def _stored_files(storage, folder: str) -> set[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return set()
    found = {f"{folder}{name}" for name in files}
    for sub in folders:
        found |= _stored_files(storage, f"{folder}{sub}/")
    return found


def phase_check(setup: Path, outcome: Path) -> bool:
    _django()
    import hashlib

    from django.core.files.storage import default_storage
    from django.db.models import Count

    from pledges.models import Pact

    event_pk = json.loads(setup.read_text())["hall_pk"]
    receipts = set(json.loads(outcome.read_text())["receipts"])
    hall_codes = set(Pact.objects.filter(event_id=event_pk).values_list("code", flat=True))
    twice = Pact.objects.values("event_id", "attendee_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    bad_hash = bad_png = missing = 0
    referenced = set()
    pacts = Pact.objects.select_related("declaration").order_by("pk")
    for pact in pacts.iterator(chunk_size=500):
        if pact.compute_content_hash() != pact.content_hash:
            bad_hash += 1
        for field in (pact.signature, pact.signature_print):
            if field:
                referenced.add(field.name)
                if not default_storage.exists(field.name):
                    missing += 1
        if pact.signature and default_storage.exists(pact.signature.name):
            with default_storage.open(pact.signature.name, "rb") as handle:
                bad_png += hashlib.sha256(handle.read()).hexdigest() != pact.signature_sha256
    orphans = _stored_files(default_storage, "signatures/") - referenced
    checks = [
        (
            f"pacts of the hall = receipts received ({len(hall_codes)} = {len(receipts)})",
            hall_codes == receipts,
        ),
        (f"lost: pacts without a receipt: {len(hall_codes - receipts)}", not hall_codes - receipts),
        (f"receipts without a pact: {len(receipts - hall_codes)}", not receipts - hall_codes),
        (f"attendees with more than one pact: {twice}", twice == 0),
        (f"content hashes that do not recompute: {bad_hash} of {pacts.count()}", bad_hash == 0),
        (f"stored PNGs whose SHA-256 differs from the pact's: {bad_png}", bad_png == 0),
        (f"pact files missing from storage: {missing}", missing == 0),
        (f"orphan signature files (no pact refers to them): {len(orphans)}", not orphans),
    ]
    print("\nDatabase and storage after the load")
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {label}")
    return all(ok for _, ok in checks)


# --- Phase 2: the load, with locust -----------------------------------------------------------------------------


def phase_load(url: str, setup: dict, *, proof: str, seconds: int, think: float) -> dict:
    import random
    import re
    from collections import Counter

    import gevent
    from locust import HttpUser, between, constant_pacing, task
    from locust.env import Environment
    from locust.exception import StopUser
    from requests.adapters import HTTPAdapter

    hidden = re.compile(r'name="(csrfmiddlewaretoken|idempotency_key)" value="([^"]+)"')
    code_path = re.compile(r"/tanda-terima/([^/]+)/")
    hall = setup["hall"]
    people = iter(enumerate(setup["attendees"][:PHONES]))
    registry_codes = setup["registry_codes"]
    state = {"code": setup["attendance_code"], "done": 0, "receipts": [], "refusals": Counter()}
    first_start, receipt_times = [], []

    class FromAddress(HTTPAdapter):
        """Connections from one loopback address: a member of the public on their own line."""

        def __init__(self, address, **kwargs):
            self.address = address
            super().__init__(**kwargs)

        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (self.address, 0)
            super().init_poolmanager(*args, **kwargs)

    def form_fields(response) -> dict:
        return dict(hidden.findall(response.text))

    class Phone(HttpUser):
        fixed_count = PHONES
        wait_time = between(0, 0)

        def on_start(self):
            self.number, (self.identity_number, self.personal_code) = next(people)

        def _pause(self, low, high):
            gevent.sleep(random.uniform(low, high) * think)

        @task
        def sign(self):
            # People take out their phones over the first seconds, read, then draw.
            self._pause(0, 20)
            first_start.append(time.time())
            try:
                receipt = self._flow()
            finally:
                state["done"] += 1
            if receipt:
                state["receipts"].append(receipt)
                receipt_times.append(time.time())
            raise StopUser

        def _flow(self) -> str | None:
            page = self.client.get(f"/tandatangan/{hall}/", name="GET /tandatangan/[event]/")
            if page.status_code != 200:
                return self._refused("signing page", page)
            identity = (
                {"personal_code": self.personal_code}
                if proof == "personal"
                else {"identity_number": self.identity_number, "attendance_code": state["code"]}
            )
            self._pause(2, 6)  # typing
            with self.client.post(
                f"/tandatangan/{hall}/",
                data={**form_fields(page), **identity},
                allow_redirects=False,
                name="POST /tandatangan/[event]/ (identify)",
                catch_response=True,
            ) as answer:
                if answer.status_code != 302:
                    answer.failure(f"identify answered {answer.status_code}")
                    return self._refused("identify", answer)
            page = self.client.get(f"/tandatangan/{hall}/pakta/", name="GET /tandatangan/[event]/pakta/")
            if page.status_code != 200 or "idempotency_key" not in page.text:
                return self._refused("declaration page", page)
            form = {**form_fields(page), "signature": setup["signatures"][self.number]}
            self._pause(5, 15)  # reading the declaration and drawing
            for _attempt in range(SIGN_ATTEMPTS):
                with self.client.post(
                    f"/tandatangan/{hall}/pakta/",
                    data=form,
                    allow_redirects=False,
                    name="POST /tandatangan/[event]/pakta/ (sign)",
                    catch_response=True,
                ) as answer:
                    location = answer.headers.get("Location", "")
                    if answer.status_code == 302 and code_path.search(location):
                        break
                    answer.failure(f"sign answered {answer.status_code}")
                    if answer.status_code and answer.status_code < 500:
                        return self._refused("sign", answer)
            else:
                return self._refused("sign (gave up)", answer)
            receipt = self.client.get(location, name="GET /tanda-terima/[code]/")
            code = code_path.search(location).group(1)
            if receipt.status_code != 200 or code not in receipt.text:
                return self._refused("receipt", receipt)
            return code

        def _refused(self, step, response):
            state["refusals"][f"{step}: {response.status_code}"] += 1
            return None

    class Reader(HttpUser):
        fixed_count = READERS
        wait_time = between(1, 3)
        _numbers = iter(range(1, 255))

        def on_start(self):
            self.client.mount("http://", FromAddress(f"127.0.1.{next(Reader._numbers)}"))

        @task(4)
        def registry(self):
            page = self.client.get("/registri/", name="GET /registri/")
            cursor = re.search(r'href="\?[^"]*after=([^"&]+)', page.text)
            if cursor and random.random() < 0.5:
                self.client.get(f"/registri/?after={cursor.group(1)}", name="GET /registri/?after=")

        @task(2)
        def search(self):
            self.client.get(f"/registri/?q=Peserta+{random.randint(0, 99)}", name="GET /registri/?q=")

        @task(3)
        def pact(self):
            self.client.get(f"/pakta/{random.choice(registry_codes)}/", name="GET /pakta/[code]/")

        @task(1)
        def coverage(self):
            self.client.get("/cakupan/", name="GET /cakupan/")

        @task(1)
        def home(self):
            self.client.get("/", name="GET /")

    class PdfClient(HttpUser):
        fixed_count = PDF_CLIENTS
        # Within the per-address limit of public PDFs (10 a minute), with room for the window's edges.
        wait_time = constant_pacing(7)
        _numbers = iter(range(1, 255))

        def on_start(self):
            self.client.mount("http://", FromAddress(f"127.0.2.{next(PdfClient._numbers)}"))

        @task
        def pdf(self):
            with self.client.get(
                f"/pakta/{random.choice(registry_codes)}/unduh.pdf",
                name="GET /pakta/[code]/unduh.pdf",
                catch_response=True,
            ) as answer:
                if answer.ok and not answer.content.startswith(b"%PDF"):
                    answer.failure("not a PDF")

    def refresh_code():
        """The hall's screen changes its code every five minutes; read it again now and then."""
        while True:
            gevent.sleep(120)
            if proof == "number":
                state["code"] = _run_phase("code", str(setup["hall_pk"])).strip() or state["code"]

    environment = Environment(user_classes=[Phone, Reader, PdfClient], host=url)
    runner = environment.create_local_runner()
    refresher = gevent.spawn(refresh_code)
    load_before = os.getloadavg()[0]
    started = time.time()
    runner.start(PHONES + READERS + PDF_CLIENTS, spawn_rate=100)
    while state["done"] < PHONES and time.time() - started < seconds:
        gevent.sleep(0.5)
    runner.quit()
    refresher.kill()
    elapsed = time.time() - started
    return {
        "stats": environment.stats,
        "receipts": state["receipts"],
        "refusals": state["refusals"],
        "unfinished": PHONES - state["done"],
        "elapsed": elapsed,
        "load_before": load_before,
        "signing_window": (max(receipt_times) - min(first_start)) if receipt_times else 0.0,
    }


def report(result: dict) -> None:
    stats = result["stats"]
    receipts = len(result["receipts"])
    window = result["signing_window"]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nLoad: {PHONES} phones through one address, {READERS} readers, {PDF_CLIENTS} PDF clients")
    print(
        f"  machine: {cores} cores; load average {result['load_before']:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine counts in it)"
    )
    print(f"  run {result['elapsed']:.0f} s; phones unfinished when it ended: {result['unfinished']}")
    print(
        f"  signatures: {receipts} receipts in {window:.0f} s from the first phone's start to the last receipt "
        f"= {receipts / window if window else 0:.1f} signatures per second"
    )
    for reason, count in sorted(result["refusals"].items()):
        print(f"  phone refused at {reason}: {count}")
    print(f"\n  {'route':<46}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"  {entry.name:<46}{entry.num_requests:>9}{entry.num_failures:>8}"
            f"{entry.get_response_time_percentile(0.5):>9.0f}{entry.get_response_time_percentile(0.95):>9.0f}"
        )
    total = stats.total
    print(
        f"  {'all':<46}{total.num_requests:>9}{total.num_failures:>8}"
        f"{total.get_response_time_percentile(0.5):>9.0f}{total.get_response_time_percentile(0.95):>9.0f}"
    )
    for error in stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}")


def _run_phase(*args) -> str:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", *args]
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--proof", choices=["number", "personal"], default="number")
    parser.add_argument("--seconds", type=int, default=300, help="the load's bound (default 300)")
    parser.add_argument("--think", type=float, default=1.0, help="scale of the phones' pauses (default 1)")
    args = parser.parse_args()
    if args.phase == "setup":
        phase_setup(Path(args.extra[0]))
        return 0
    if args.phase == "code":
        phase_code(int(args.extra[0]))
        return 0
    if args.phase == "check":
        return 0 if phase_check(Path(args.extra[0]), Path(args.extra[1])) else 1

    url = os.environ.get("CLUSTER_URL")
    if not url:  # start the layout around this script, and stop it afterwards
        os.execv(str(HERE / "cluster.sh"), [str(HERE / "cluster.sh"), sys.executable, *sys.argv])
    folder = Path(os.environ.get("CLUSTER_DIR") or "/tmp")
    setup_file, outcome_file = folder / "load-setup.json", folder / "load-outcome.json"
    print(_run_phase("setup", str(setup_file)), end="")
    setup = json.loads(setup_file.read_text())
    result = phase_load(url, setup, proof=args.proof, seconds=args.seconds, think=args.think)
    report(result)
    outcome_file.write_text(json.dumps({"receipts": result["receipts"]}))
    check = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--phase",
            "check",
            str(setup_file),
            str(outcome_file),
        ]
    )
    return check.returncode


if __name__ == "__main__":
    sys.exit(main())
