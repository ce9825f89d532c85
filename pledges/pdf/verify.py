"""The verdict on an uploaded PDF: is the seal intact and whose, is its timestamp valid, are the pacts it carries
in the transparency log and still valid, and does the visible text match the record.

The file is read in a sandboxed child (`sandbox`); the database and the log are consulted here. A verdict
lists every problem found with a stable code (for the JSON API) and a message in the reader's language.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from pledges.models import Pact
from pledges.pdf import archive, sandbox, seal
from pledges.pdf.documents import format_identity

GENUINE, WITHDRAWN, TAMPERED, UNTRUSTED, UNSEALED, FOREIGN = (
    "genuine",
    "withdrawn",
    "tampered",
    "untrusted",
    "unsealed",
    "foreign",
)
SUMMARIES = {
    GENUINE: _("Asli: segel utuh, dan isi berkas sesuai catatan registri."),
    WITHDRAWN: _("Asli, tetapi memuat pakta yang telah ditarik dan tidak berlaku lagi."),
    TAMPERED: _("Tidak asli: berkas telah diubah, atau isinya tidak sesuai catatan registri."),
    UNTRUSTED: _("Tidak dapat dipercaya: segelnya bukan dari sertifikat yang dipercaya registri ini."),
    UNSEALED: _(
        "Tanpa segel: isinya sesuai catatan registri, tetapi berkas tanpa segel tidak membuktikan keaslian."
    ),
    FOREIGN: _("Bukan dokumen yang diterbitkan registri ini."),
}
# Seal modifications that are part of keeping a seal checkable (revocation data added after signing).
MAINTENANCE = ("NONE", "LTA_UPDATES")
COVERED = ("ENTIRE_FILE", "ENTIRE_REVISION")

NOT_PDF = _("Berkas yang diunggah bukan PDF yang dapat dibaca.")
ENCRYPTED = _("PDF yang terenkripsi atau berkata sandi tidak dapat diperiksa.")
TOO_COMPLEX = _("PDF ini terlalu rumit untuk diperiksa dalam batas waktu dan memori.")
UNREADABLE = {"not_pdf": NOT_PDF, "encrypted": ENCRYPTED, "too_complex": TOO_COMPLEX}

PROBLEMS = {
    "no_seal": _("Berkas ini tidak bersegel elektronik."),
    "seal_broken": _("Segel elektronik rusak: isi berkas telah diubah setelah disegel."),
    "seal_modified": _("Berkas diubah setelah disegel (ada revisi tambahan yang bukan pemeliharaan segel)."),
    "seal_untrusted": _("Segel dibuat dengan sertifikat yang tidak dipercaya registri ini: %(signer)s."),
    "seal_revoked": _("Sertifikat penyegel telah dicabut: %(signer)s."),
    "timestamp_invalid": _("Cap waktu pada segel tidak sah atau tidak dipercaya."),
    "no_manifest": _("Berkas tidak memuat daftar isi dokumen registri ini (netralitas.json)."),
    "pact_unknown": _("Pakta %(code)s tidak terdaftar di registri."),
    "pact_withdrawn": _("Pakta %(code)s telah ditarik pada %(date)s dan tidak berlaku lagi."),
    "proof_invalid": _(
        "Bukti inklusi pakta %(code)s tidak cocok dengan checkpoint yang dimuat dalam berkas."
    ),
    "leaf_not_in_log": _(
        "Entri log yang dimuat untuk pakta %(code)s tidak ada di log transparansi registri."
    ),
    "text_mismatch": _("Teks yang terlihat tidak sesuai catatan pakta %(code)s: %(what)s."),
}
TEXT_PARTS = {
    "name": _("nama"),
    "identity": _("nomor identitas"),
    "code": _("kode verifikasi"),
    "declaration": _("naskah pakta"),
}
DOCUMENT_LABELS = {
    archive.SIGNER_COPY: _("Pakta integritas, salinan penanda tangan"),
    archive.PUBLIC_COPY: _("Pakta integritas, salinan verifikasi publik"),
    archive.SHEET: _("Lembar tanda tangan"),
    archive.PACTS: _("Kumpulan pakta integritas kegiatan"),
}
# The page lists this many pacts of a big document (all are checked; the JSON lists all).
MAX_PACTS_LISTED = 50


@dataclass
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return PROBLEMS[self.code] % self.params if self.params else str(PROBLEMS[self.code])


@dataclass
class PactCheck:
    code: str
    pact: Pact | None
    logged: bool = False  # the document carries its log entry
    in_log: bool | None = None
    proof_ok: bool | None = None
    text_ok: bool | None = None

    @property
    def status(self) -> str:
        return "unknown" if self.pact is None else self.pact.status


@dataclass
class Verdict:
    outcome: str
    seal: dict | None = None
    office_certificate: bool = False
    document: str = ""
    pacts: list[PactCheck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return str(SUMMARIES[self.outcome])

    @property
    def document_label(self) -> str:
        return str(DOCUMENT_LABELS.get(self.document, ""))

    @property
    def pacts_listed(self) -> list[PactCheck]:
        return self.pacts[:MAX_PACTS_LISTED]

    @property
    def signed_at(self) -> datetime.datetime | None:
        return _moment(self.seal and self.seal.get("signed_at"))

    @property
    def timestamp_time(self) -> datetime.datetime | None:
        return _moment(self.seal and self.seal.get("timestamp") and self.seal["timestamp"]["time"])

    @property
    def level(self) -> str:
        """The PAdES level the seal reaches: B-B, B-T (timestamped) or B-LT (with revocation data)."""
        if not self.seal or self.seal.get("broken"):
            return ""
        if not self.seal["timestamp"]:
            return "B-B"
        return "B-LT" if self.seal["has_dss"] else "B-T"

    def as_json(self) -> dict:
        """The same verdict for machines, with each message in Indonesian and in English."""
        return {
            "outcome": self.outcome,
            "summary": in_both_languages(lambda: self.summary),
            "seal": _seal_json(self.seal, self.level, self.office_certificate),
            "document": self.document or None,
            "pacts": [
                {
                    "code": check.code,
                    "status": check.status,
                    "logged": check.logged,
                    "in_log": check.in_log,
                    "proof_valid": check.proof_ok,
                    "text_matches": check.text_ok,
                    "withdrawn_at": check.pact.withdrawn_at.isoformat()
                    if check.pact and check.pact.withdrawn_at
                    else None,
                }
                for check in self.pacts
            ],
            "problems": [
                {"code": problem.code, **in_both_languages(lambda p=problem: p.message)}
                for problem in self.problems
            ],
        }


def _moment(text) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def in_both_languages(message) -> dict:
    with override("id"):
        indonesian = str(message())
    with override("en"):
        english = str(message())
    return {"id": indonesian, "en": english}


def _seal_json(found: dict | None, level: str, office: bool) -> dict | None:
    if not found:
        return None
    if found.get("broken"):
        return {"intact": False, "error": found["broken"]}
    keys = ("intact", "valid", "trusted", "revoked", "coverage", "modification", "signer", "signer_subject")
    return {
        **{key: found[key] for key in keys},
        "certificate_sha256": found["certificate_sha256"],
        "office_certificate": office,
        "signed_at": found["signed_at"] or None,
        "level": level,
        "timestamp": found["timestamp"],
    }


def trust_roots() -> list[bytes]:
    """The anchors a seal must chain to: the office's certificate (or its CA) and any configured roots."""
    office = seal.office_seal()
    roots = list(office.trust_roots) if office else []
    roots += seal.trust_roots_setting()
    return list({cert.dump(): None for cert in roots})


def verify_pdf(data: bytes) -> Verdict:
    """The verdict on one uploaded file; raises sandbox.Unreadable for what is not a readable PDF."""
    found = sandbox.inspect_in_sandbox(data, trust_roots())
    verdict = Verdict(outcome=GENUINE)
    _check_seal(verdict, found["signatures"])
    files = found["files"]
    try:
        manifest = archive.read_manifest(files.get(archive.MANIFEST_NAME))
    except archive.ArchiveError:
        verdict.problems.append(Problem("no_manifest"))
        verdict.outcome = FOREIGN if verdict.seal is None or verdict.outcome == GENUINE else verdict.outcome
        return verdict
    verdict.document = manifest["document"]
    _check_pacts(verdict, manifest, files, _normalised("".join(found["text"])))
    verdict.outcome = _outcome(verdict)
    return verdict


def _check_seal(verdict: Verdict, signatures: list[dict]) -> None:
    if not signatures:
        verdict.problems.append(Problem("no_seal"))
        return
    ours = [found for found in signatures if found["field"] == seal.SEAL_FIELD]
    found = verdict.seal = (ours or signatures)[0]
    if found["broken"] or not found["intact"] or not found["valid"] or found["coverage"] not in COVERED:
        verdict.problems.append(Problem("seal_broken"))
        verdict.outcome = TAMPERED
        return
    if found["modification"] not in MAINTENANCE:
        verdict.problems.append(Problem("seal_modified"))
        verdict.outcome = TAMPERED
    office = seal.office_seal()
    verdict.office_certificate = office is not None and office.fingerprint == found["certificate_sha256"]
    if found["revoked"]:
        verdict.problems.append(Problem("seal_revoked", {"signer": found["signer_subject"]}))
    elif not found["trusted"]:
        verdict.problems.append(Problem("seal_untrusted", {"signer": found["signer_subject"]}))
    stamp = found["timestamp"]
    if stamp is not None and not (stamp["intact"] and stamp["trusted"]):
        verdict.problems.append(Problem("timestamp_invalid"))


def _check_pacts(verdict: Verdict, manifest: dict, files: dict, text: str) -> None:
    pacts = Pact.objects.select_related("declaration").in_bulk(manifest["pacts"], field_name="code")
    checks = {code: PactCheck(code=code, pact=pacts.get(code)) for code in manifest["pacts"]}
    verdict.pacts = list(checks.values())
    for check in verdict.pacts:
        if check.pact is None:
            verdict.problems.append(Problem("pact_unknown", {"code": check.code}))
            continue
        if not check.pact.is_valid:
            date = date_format(check.pact.withdrawn_at, "j F Y")
            verdict.problems.append(Problem("pact_withdrawn", {"code": check.code, "date": date}))
        missing = [
            part for part, value in _expected(verdict.document, check.pact) if _normalised(value) not in text
        ]
        check.text_ok = not missing
        if missing:
            what = ", ".join(str(TEXT_PARTS[part]) for part in missing)
            verdict.problems.append(Problem("text_mismatch", {"code": check.code, "what": what}))
    embedded = archive.read_entries(files)
    for logged in manifest.get("log_entries") or []:
        check = checks.get(logged.get("code")) if isinstance(logged, dict) else None
        if check is not None and check.pact is not None:
            entry = str(logged.get("entry"))
            _check_entry(verdict, check, entry, embedded.get((check.code, entry)))


def _check_entry(verdict: Verdict, check: PactCheck, entry: str, proof: archive.EntryProof | None) -> None:
    """The embedded leaf leads to the embedded checkpoint's root, and is the very leaf the log holds."""
    check.logged = True
    try:
        if proof is None:
            raise archive.ArchiveError("the entry the manifest names is missing")
        _, size, root = archive.checkpoint_root(proof.checkpoint)
        computed = archive.inclusion_root(
            leaf=proof.leaf, index=proof.leaf_index, size=proof.tree_size, proof=proof.proof
        )
        proof_ok = size == proof.tree_size and computed == root
    except archive.ArchiveError:
        proof_ok = False
    check.proof_ok = bool(check.proof_ok is not False and proof_ok)
    if not proof_ok:
        verdict.problems.append(Problem("proof_invalid", {"code": check.code}))
    live = archive.log_bundle(check.pact, entry)
    in_log = proof is not None and live is not None and live["leaf"] == proof.leaf
    check.in_log = bool(check.in_log is not False and in_log)
    if not in_log:
        verdict.problems.append(Problem("leaf_not_in_log", {"code": check.code}))


def _expected(document: str, pact: Pact) -> list[tuple[str, str]]:
    """What the document prints for a pact, as the record has it."""
    if document == archive.PUBLIC_COPY:
        identity = pact.masked_identity_number if pact.signer_identity_number else ""
    else:
        identity = format_identity(pact.signer_identity_kind, pact.signer_identity_number)
    expected = [("name", pact.signer_name), ("identity", identity)]
    if document != archive.SHEET:
        declaration = pact.declaration
        expected += [("code", pact.code), ("declaration", declaration.title)]
        expected += [("declaration", point) for point in declaration.points]
    return [(part, value) for part, value in expected if value]


def _normalised(text: str) -> str:
    """Text compared without case or white space: lines wrap and justify differently in every viewer."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _outcome(verdict: Verdict) -> str:
    codes = {problem.code for problem in verdict.problems}
    if codes & {
        "seal_broken",
        "seal_modified",
        "pact_unknown",
        "proof_invalid",
        "leaf_not_in_log",
        "text_mismatch",
    }:
        return TAMPERED
    if codes & {"seal_untrusted", "seal_revoked", "timestamp_invalid"}:
        return UNTRUSTED
    if "no_seal" in codes:
        return UNSEALED
    if "pact_withdrawn" in codes:
        return WITHDRAWN
    return GENUINE


def unreadable_message(reason: str) -> str:
    return str(UNREADABLE.get(reason, NOT_PDF))


def max_upload_megabytes() -> int:
    return settings.VERIFY_PDF_MAX_BYTES // 1_048_576
