"""Render time, peak memory and the cost of sealing of the PDF documents, for events of 100, 1,000 and 2,000
signers (prints figures).

Every attendee signed on screen and has a distinct grayscale JPEG print rendition, as signing makes them, and
every pact is in a transparency log (the tests' stand-in over a real Merkle tree), so that sealed documents
embed each pact's leaf and inclusion proof. Documents are sealed with a development certificate (PAdES B-B);
the rows marked B-LT are timestamped by the tests' in-process timestamp authority, with revocation data from
its OCSP responder (tests/pki.py, on a loopback port). Runs against a throw-away SQLite database and media
folder unless DATABASE_URL is set: `SECRET_KEY=bench .venv/bin/python bench/pdf_render.py [sizes...]`.

Each render runs in a fresh child process so that its peak memory is its own: the figure is the largest
resident set of that process and of its rendering workers. *seal s* is what sealing adds after rendering
(embedding the log entries, signing, and for B-LT the timestamp and revocation data), *seal CPU s* its CPU
time, and *seal %* that CPU time over the render's longest path (both wall times on an idle machine, and
unlike them steady on a busy one); *log s* is looking the entries up, here in the stand-in, in production in
the transparency log.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchsetup import django_setup

BENCH_MEDIA = Path("/tmp/netralitas-bench-pdf-media")
os.environ.setdefault("MEDIA_ROOT", str(BENCH_MEDIA))
django_setup("pdf")

from django.conf import settings  # noqa: E402

# Static files straight from the source folders, as in tests: no collectstatic manifest needed.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SIZES = (100, 1000, 2000)
DEV_SEAL = Path("/tmp/netralitas-bench-seal.p12")
SEAL_PASSWORD = "bench-only"


def signature_jpeg(seed: int) -> bytes:
    """The grayscale JPEG print rendition of a distinct scribble, made by the signing code itself."""
    from pledges.signatures import signature_from_data_url
    from tests.factories import signature_data_url

    return signature_from_data_url(signature_data_url(seed)).print_jpeg


def build_event(size: int):
    """An event of `size` attendees spread over ten agencies, every one of them signed on screen."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from events.models import Attendee, random_code
    from pledges.models import Pact
    from tests.factories import AgencyFactory, EventFactory, WitnessFactory, nip

    event = EventFactory(title=f"Apel Ikrar Netralitas ASN ({size} peserta)")
    agencies = [AgencyFactory(name=f"Dinas Bench {size}-{n}", regency=event.regency) for n in range(10)]
    attendees = Attendee.objects.bulk_create(
        Attendee(
            event=event,
            full_name=f"Dr. Pegawai Nomor {n}, S.Sos., M.Si.",
            identity_number=nip(n),
            position="Kepala Seksi Pelayanan",
            rank="Penata (III/c)",
            agency=agencies[n % 10],
            personal_code=random_code(8),
        )
        for n in range(size)
    )
    now = timezone.now()
    pacts = []
    for n, attendee in enumerate(attendees):
        name = default_storage.save(
            f"signatures/print/bench/{event.code}-{n}.jpg", ContentFile(signature_jpeg(n))
        )
        pacts.append(
            Pact(
                event=event,
                attendee=attendee,
                declaration=event.declaration,
                agency=attendee.agency,
                method=Pact.Method.DRAWN,
                signed_at=now,
                signer_name=attendee.full_name,
                signer_identity_kind=attendee.identity_kind,
                signer_identity_number=attendee.identity_number,
                signer_position=attendee.position,
                signer_rank=attendee.rank,
                signer_agency=attendee.agency.name,
                signature_print=name,
                content_hash="0" * 64,
            )
        )
    Pact.objects.bulk_create(pacts, batch_size=500)
    WitnessFactory(event=event)
    WitnessFactory(event=event, name="Drs. Saksi Kedua", role="menyaksikan", identity_number=nip(99999))
    return event


def stand_in_log(event):
    """Every pact of the event in a stand-in transparency log, its proofs computed before anything is timed."""
    from pledges.models import Pact
    from tests.stand_in_log import StandInLog

    log = StandInLog()
    pacts = list(Pact.objects.filter(event=event))
    for pact in pacts:
        log.append(pact)
    for pact in pacts:
        log.pact_log_bundle(pact)
    sys.modules.update(log.modules())


def render_in_this_process(document: str, event_pk: int, workers: int | None) -> dict:
    from events.models import Event
    from pledges.models import Pact
    from pledges.pdf import documents, seal

    event = Event.objects.get(pk=event_pk)
    stand_in_log(event)
    seal.prepare()  # once per worker process, measured on its own by main()
    build = {
        "sheet": lambda out: documents.sheet_pdf(event, out=out, signed=True, workers=workers),
        "pacts": lambda out: documents.pacts_pdf(event, out=out, workers=workers),
        "declaration": lambda out: documents.declaration_pdf(
            Pact.objects.filter(event=event).first(), out=out
        ),
    }[document]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.pdf"
        started = time.perf_counter()
        report = build(out)
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    return {
        "seconds": seconds,
        "cpu": report.cpu_seconds,
        "path": report.longest_path_cpu_seconds,
        "pages": report.pages,
        "chunks": report.chunks,
        "bytes": size,
        "rss": report.peak_rss_kib,
        "seal": report.seal.seal_seconds,
        "seal_cpu": report.seal.seal_cpu_seconds,
        "log": report.seal.log_seconds,
    }


def measure(document: str, event_pk: int, workers: int | None = None, *, seal: dict) -> dict:
    command = [sys.executable, __file__, "--render", document, str(event_pk), str(workers or 0)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, **seal})
    return json.loads(done.stdout.strip().splitlines()[-1])


def seals() -> tuple[dict, dict, callable]:
    """The settings of a B-B seal (a development certificate) and of a B-LT one (the tests' CA and timestamp
    authority, served from this process); and what stops that server."""
    import tempfile as temp

    from django.core.management import call_command

    from tests import pki

    DEV_SEAL.unlink(missing_ok=True)
    os.environ["SEAL_PKCS12_PASSWORD"] = SEAL_PASSWORD
    call_command("seal_keygen", out=DEV_SEAL, name="Segel benchmark", stdout=open(os.devnull, "w"))  # noqa: SIM115
    basic = {"SEAL_PKCS12_FILE": str(DEV_SEAL), "SEAL_PKCS12_PASSWORD": SEAL_PASSWORD}
    authority, stop = pki.start(Path(temp.mkdtemp(prefix="netralitas-bench-pki-")))
    long_term = {
        "SEAL_PKCS12_FILE": str(authority.pkcs12("office")),
        "SEAL_PKCS12_PASSWORD": pki.PASSWORD.decode(),
        "SEAL_TSA_URL": authority.tsa_url,
        "SEAL_TRUST_ROOTS": str(authority.root_pem),
    }
    return basic, long_term, stop


def prepare_seconds(seal: dict) -> float:
    command = [sys.executable, __file__, "--prepare"]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, **seal})
    return float(done.stdout.strip().splitlines()[-1])


def main(sizes):
    from django.core.management import call_command

    from pledges.pdf import engine

    if os.environ["MEDIA_ROOT"] == str(BENCH_MEDIA):
        shutil.rmtree(BENCH_MEDIA, ignore_errors=True)
    call_command("migrate", verbosity=0)
    basic, long_term, stop = seals()
    print(f"cores available: {engine.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    print(f"seal set-up, once per process (certificate, stamp font): {prepare_seconds(basic):.2f} s")
    print(
        f"{'signers':>8} {'document':<19} {'chunks':>6} {'wall s':>7} {'CPU s':>6} {'longest path s':>14}"
        f" {'pages':>6} {'MB':>5} {'peak RSS MB':>11} {'log s':>6} {'seal s':>6} {'seal CPU s':>10} {'seal %':>6}"
    )
    try:
        for size in sizes:
            event = build_event(size)
            runs = [("signed sheet", "sheet", None, basic), ("all pacts", "pacts", None, basic)]
            if size == sizes[0]:
                runs[:0] = [
                    ("declaration", "declaration", None, basic),
                    ("declaration, B-LT", "declaration", None, long_term),
                ]
            if size == 1000:
                runs[1:1] = [
                    ("signed sheet, B-LT", "sheet", None, long_term),
                    ("sheet, 1 core", "sheet", 1, basic),
                ]
            for label, document, workers, seal in runs:
                figures = measure(document, event.pk, workers, seal=seal)
                share = 100 * figures["seal_cpu"] / figures["path"]
                print(
                    f"{size:>8} {label:<19} {figures['chunks']:>6} {figures['seconds']:>7.2f}"
                    f" {figures['cpu']:>6.2f} {figures['path']:>14.2f} {figures['pages']:>6} {figures['bytes'] / 1e6:>5.1f}"
                    f" {figures['rss'] / 1024:>11.0f} {figures['log']:>6.2f} {figures['seal']:>6.2f}"
                    f" {figures['seal_cpu']:>10.2f} {share:>5.1f}%",
                    flush=True,
                )
    finally:
        stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        from pledges.pdf import seal

        started = time.perf_counter()
        seal.prepare()
        print(time.perf_counter() - started)
    elif sys.argv[1:2] == ["--render"]:
        document, event_pk, workers = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) or None
        print(json.dumps(render_in_this_process(document, event_pk, workers)))
    else:
        main([int(size) for size in sys.argv[1:]] or SIZES)
