"""Reading a PDF that anyone uploaded, which may be anything: in a child process, with limits.

A crafted PDF can make a parser recurse, loop or decompress without end. The child that reads it has a CPU-time
and a memory limit and a deadline, and is killed past them; it never fetches anything over the network (the
seal is checked against the revocation data embedded in the file), and hands back plain values only: what the
seal says, the registry's embedded files (known names, bounded sizes) and the visible text.

Nothing here imports Django: the child starts from the same fork server as the rendering workers.
"""

import io
import multiprocessing
import re
import resource
from contextlib import suppress

CPU_SECONDS = 60
MEMORY_BYTES = 2 * 1024**3
WALL_SECONDS = 90
# The registry's own files: a manifest, and per pact a leaf and a proof. Anything else embedded is ignored.
EMBEDDED_NAME = re.compile(r"^(netralitas(-log)?\.json|pakta-[A-Z0-9]{10}(-penarikan)?-(daun|bukti)\.json)$")
MAX_EMBEDDED_FILES = 5_000
MAX_EMBEDDED_FILE_BYTES = 256 * 1024
# The log file of a sheet or a file of pacts holds every pact's entry: some 1.5 KB each.
MAX_LOG_FILE_BYTES = 32 * 1024 * 1024
MAX_TEXT_PAGES = 2_500


class Unreadable(Exception):
    """Not a PDF this check can read; `reason` says why (not_pdf, encrypted, too_complex)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def inspect_pdf(data: bytes, trust_roots: list[bytes]) -> dict:
    """What a PDF says about itself: its signatures, the registry's embedded files and the visible text."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise Unreadable("not_pdf")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Unreadable("encrypted")
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise Unreadable("not_pdf") from None
    return {
        "signatures": _signatures(data, trust_roots),
        "files": _embedded_files(reader),
        "pages": pages,
        "text": _text(reader),
    }


def _signatures(data: bytes, trust_roots: list[bytes]) -> list[dict]:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:  # pyHanko cannot read the structure: whatever signature there was is not checkable
        return []
    roots = [x509.Certificate.load(der) for der in trust_roots]
    found = []
    for signature in signatures:
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except Exception:
            dss = None
        found.append(_signature(signature, roots, dss, validate_pdf_signature, ValidationContext))
    return found


def _signature(signature, roots, dss, validate, context_class) -> dict:
    """One signature's status; validated at its timestamp's time when the certificate has expired since."""

    def context(moment=None):
        # No fetching: an uploaded file must not make the server call addresses it names.
        options = {
            "trust_roots": roots,
            "allow_fetching": False,
            "revocation_mode": "soft-fail",
            "moment": moment,
        }
        return dss.as_validation_context(options) if dss is not None else context_class(**options)

    try:
        status = validate(signature, context())
        stamp = status.timestamp_validity
        if not status.trusted and stamp is not None and stamp.trusted:
            at_timestamp = validate(signature, context(stamp.timestamp))
            if at_timestamp.trusted:
                status = at_timestamp
    except Exception as error:  # a malformed signature container: report it broken, never crash
        return {"field": signature.field_name, "broken": type(error).__name__}
    cert = status.signing_cert
    stamp = status.timestamp_validity
    return {
        "field": signature.field_name,
        "broken": "",
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": bool(status.trusted),
        "revoked": bool(status.revoked),
        "coverage": status.coverage.name if status.coverage else "UNCLEAR",
        "modification": status.modification_level.name if status.modification_level else "OTHER",
        "docmdp_ok": bool(status.docmdp_ok),
        "signer": cert.subject.native.get("common_name") or cert.subject.human_friendly,
        "signer_subject": cert.subject.human_friendly,
        "certificate_sha256": cert.sha256.hex(),
        "signed_at": status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
        "has_dss": dss is not None,
        "timestamp": {
            "intact": bool(stamp.intact),
            "trusted": bool(stamp.trusted),
            "time": stamp.timestamp.isoformat(),
            "authority": stamp.signing_cert.subject.native.get("common_name")
            or stamp.signing_cert.subject.human_friendly,
        }
        if stamp is not None
        else None,
    }


def _embedded_files(reader) -> dict[str, bytes]:
    """The registry's files embedded in the latest revision; other names and oversized files are skipped."""
    files = {}
    with suppress(Exception):
        attachments = reader.attachments
        for count, name in enumerate(attachments):
            if count >= MAX_EMBEDDED_FILES:
                break
            if not EMBEDDED_NAME.match(name):
                continue
            contents = attachments[name]
            limit = MAX_LOG_FILE_BYTES if name == "netralitas-log.json" else MAX_EMBEDDED_FILE_BYTES
            if len(contents) == 1 and len(contents[0]) <= limit:
                files[name] = contents[0]
    return files


def _text(reader) -> list[str]:
    pages = []
    for page in reader.pages[:MAX_TEXT_PAGES]:
        try:
            pages.append(page.extract_text())
        except Exception:
            pages.append("")
    return pages


# --- The child process ---------------------------------------------------------------------------------------


def _child(data: bytes, trust_roots: list[bytes], sender) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    try:
        result = {"ok": inspect_pdf(data, trust_roots)}
    except Unreadable as error:
        result = {"unreadable": error.reason}
    except (MemoryError, RecursionError):
        result = {"unreadable": "too_complex"}
    sender.send(result)
    sender.close()


def inspect_in_sandbox(data: bytes, trust_roots: list[bytes], *, timeout: float = WALL_SECONDS) -> dict:
    """`inspect_pdf` in a child process; raises Unreadable when the child fails, runs out of time or memory."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(data, trust_roots, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise Unreadable("too_complex")
        result = receiver.recv()
    except EOFError:  # killed by its limits before answering
        raise Unreadable("too_complex") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if "unreadable" in result:
        raise Unreadable(result["unreadable"])
    return result["ok"]
