"""The office's electronic seal on every issued PDF (PAdES, with pyHanko), and the files a document carries.

A seal is a signature by the office's certificate over the whole file: PAdES B-B with the certificate alone;
with a timestamp authority (`SEAL_TSA_URL`) the signature is timestamped and the certificates' revocation data
is embedded (B-LT), so that the seal can still be checked after the certificate expires. The associated files
(the pacts' log leaves and proofs, PDF/A-3) are written in the same revision as the seal, which covers them.

Without a certificate (`SEAL_PKCS12_FILE` or `SEAL_PKCS11_MODULE`) documents go out unsealed, with their
associated files: the staff's documents panel and the verify page say so.
"""

import dataclasses
import functools
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from pledges.qr import absolute_url

logger = logging.getLogger(__name__)
# fontTools reports every table it leaves out of the seal's font subset; nothing to act on.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

SEAL_FIELD = "SegelKantor"
MM = 72 / 25.4
# The visible seal sits in the bottom margin of the first page, below the sheet's page footer and clear of
# the text: the same place on A4 and F4, since PDF measures from the bottom-left corner.
SEAL_BOX = (20 * MM, 2.5 * MM, 125 * MM, 11.5 * MM)
STAMP_FONT_SIZE = 7
STAMP_LEADING = 9
TSA_TIMEOUT_SECONDS = 10

SEAL_UNAVAILABLE = gettext_lazy(
    "Dokumen tidak dapat disegel saat ini (layanan cap waktu atau sertifikat kantor tidak dapat dihubungi). "
    "Coba lagi beberapa saat lagi."
)


class SealingError(Exception):
    """The configured seal could not be applied; the document is not issued rather than issued unsealed."""


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF as a PDF/A-3 associated file of the whole document.

    `relationship` is the AFRelationship: Data (what the document shows was derived from it), Supplement
    (what helps to check it), Source or Unspecified.
    """

    name: str
    data: bytes
    description: str
    mime_type: str = "application/json"
    relationship: str = "Data"


@dataclass(frozen=True)
class OfficeSeal:
    """The office's signing key and certificate, as configured for this deployment."""

    signer: signers.Signer
    certificate: asn1_x509.Certificate
    trust_roots: tuple[asn1_x509.Certificate, ...]
    tsa_url: str

    @property
    def holder(self) -> str:
        """Who seals, as the certificate names them (its common name, else its organisation)."""
        subject = self.certificate.subject.native
        return (
            subject.get("common_name")
            or subject.get("organization_name")
            or self.certificate.subject.human_friendly
        )

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.certificate.dump()).hexdigest()

    @property
    def level(self) -> str:
        return "B-LT" if self.tsa_url else "B-B"

    @property
    def expires(self):
        return self.certificate.not_valid_after


def load_certificates(path: str) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM bundle or a single DER file."""
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots_setting() -> list[asn1_x509.Certificate]:
    """Extra trust anchors (the CA of the office's certificate, the timestamp authority's) from settings."""
    return [cert for path in settings.SEAL_TRUST_ROOTS for cert in load_certificates(path)]


def office_seal() -> OfficeSeal | None:
    """The configured seal, loaded once per process and settings; None when none is configured."""
    return _load_seal(
        settings.SEAL_PKCS12_FILE,
        settings.SEAL_PKCS12_PASSWORD,
        settings.SEAL_PKCS11_MODULE,
        settings.SEAL_PKCS11_TOKEN,
        settings.SEAL_PKCS11_KEY_LABEL,
        settings.SEAL_PKCS11_PIN,
        settings.SEAL_TSA_URL,
        tuple(settings.SEAL_TRUST_ROOTS),
    )


def prepare() -> None:
    """Load the certificate, the stamp's font and the signing code now rather than at the first seal (about a
    second, mostly imports): for a worker process about to seal documents, and for the benchmark. The
    warm-up seal asks no timestamp authority (some charge per stamp)."""
    office = office_seal()
    if office is None:
        return
    blank = IncrementalPdfFileWriter(io.BytesIO(HTML(string="<p></p>").write_pdf(pdf_variant="pdf/a-3b")))
    _sign(blank, dataclasses.replace(office, tsa_url=""), "warm-up")


def seal_status() -> tuple[OfficeSeal | None, str]:
    """The configured seal, and why it cannot be used when it is configured but unusable (for the staff)."""
    try:
        return office_seal(), ""
    except SealingError as error:
        return None, str(error)


@functools.lru_cache(maxsize=4)
def _load_seal(
    p12_file, p12_password, p11_module, p11_token, p11_key, p11_pin, tsa_url, roots
) -> OfficeSeal | None:
    try:
        if p12_file:
            signer = _KeptKeySigner.from_pkcs12(Path(p12_file).read_bytes(), p12_password)
        elif p11_module:
            signer = _pkcs11_signer(p11_module, p11_token, p11_key, p11_pin)
        else:
            return None
    except Exception as error:  # a missing file, a wrong password, an absent token: say which
        raise SealingError(f"{p12_file or p11_module}: {error}") from error
    certificate = signer.signing_cert
    chain = list(signer.cert_registry)
    # A self-signed certificate (the development one) is its own anchor; otherwise the chain's root, plus any
    # anchors configured for the timestamp authority.
    anchors = [cert for cert in [certificate, *chain] if cert.self_signed != "no"]
    anchors += trust_roots_setting()
    return OfficeSeal(signer=signer, certificate=certificate, trust_roots=tuple(anchors), tsa_url=tsa_url)


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with its private key parsed once: the original parses it again for every
    signature, RSA key checks included (a quarter of a second for a 3,072-bit key, twice per seal)."""

    def __init__(self, private_key, **kwargs):
        super().__init__(**kwargs)
        self.private_key = private_key

    @classmethod
    def from_pkcs12(cls, data: bytes, password: str) -> "_KeptKeySigner":
        passphrase = password.encode() if password else None
        loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
        private_key, _, _ = pkcs12.load_key_and_certificates(data, passphrase)
        return cls(
            private_key,
            signing_key=loaded.signing_key,
            signing_cert=loaded.signing_cert,
            cert_registry=loaded.cert_registry,
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.private_key, RSAPrivateKey):
            return self.private_key.sign(data, PKCS1v15(), getattr(hashes, digest_algorithm.upper())())
        return super().sign_raw(data, digest_algorithm)


def _pkcs11_signer(module: str, token: str, key_label: str, pin: str) -> signers.Signer:
    """A signer on a PKCS#11 token (an HSM, or the BSrE token a national CA issues on a card)."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        module, token_criteria=TokenCriteria(label=token or None), user_pin=pin or None
    )
    return pkcs11.PKCS11Signer(session, cert_label=key_label, key_label=key_label, other_certs_to_pull=None)


def seal_pdf(pdf_bytes: bytes, *, attachments: list[Attachment] = (), reason: str) -> bytes:
    """The document with its associated files added and, when a seal is configured, sealed.

    Called at the end of rendering whatever process renders: one function, so that every issued document
    passes through it. Raises SealingError when a configured seal cannot be applied (e.g. the timestamp
    authority does not answer).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _embed(writer, attachments)
    _align_producer(writer)
    seal = office_seal()
    if seal is None:
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()
    try:
        return _sign(writer, seal, reason).getvalue()
    except (SigningError, OSError) as error:
        logger.exception("Sealing failed")
        raise SealingError(str(error)) from error


def seal_file(path: Path, *, attachments: list[Attachment] = (), reason: str) -> None:
    """`seal_pdf` over a rendered file, in place."""
    path.write_bytes(seal_pdf(path.read_bytes(), attachments=attachments, reason=reason))


def _sign(writer: IncrementalPdfFileWriter, seal: OfficeSeal, reason: str) -> io.BytesIO:
    timestamper = HTTPTimeStamper(seal.tsa_url, timeout=TSA_TIMEOUT_SECONDS) if seal.tsa_url else None
    long_term = timestamper is not None
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=settings.SITE_URL,
        contact_info=absolute_url(reverse("pledges:verify")),
        embed_validation_info=long_term,
        validation_context=ValidationContext(trust_roots=list(seal.trust_roots), allow_fetching=True)
        if long_term
        else None,
        signer_key_usage={"digital_signature"},
    )
    pdf_signer = signers.PdfSigner(
        meta,
        seal.signer,
        timestamper=timestamper,
        stamp_style=_stamp_style(settings.SEAL_STAMP_FONT),
        new_field_spec=fields.SigFieldSpec(SEAL_FIELD, box=SEAL_BOX, on_page=0),
    )
    return pdf_signer.sign_pdf(writer, appearance_text_params=_stamp_text(seal))


class _StampFont(FontEngineFactory):
    """The stamp's font, embedded (PDF/A), with its em scaled to 1,000 units.

    pyHanko writes glyph widths in the font's own units where PDF expects thousandths of an em: with the
    2,048-unit Liberation and DejaVu fonts the letters would spread to twice their width.
    """

    def __init__(self, path: str):
        self.data = _font_with_1000_units(path)

    def create_font_engine(self, writer, obj_stream=None):
        return GlyphAccumulator(writer, io.BytesIO(self.data), STAMP_FONT_SIZE, obj_stream=obj_stream)


# Latin with its extensions (names, titles, diacritics) and general punctuation: what a stamp says.
STAMP_CHARACTERS = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]


@functools.cache
def _font_with_1000_units(path: str) -> bytes:
    font = TTFont(path)
    # Narrowed first: scaling only the glyphs a stamp can use takes a third of the time.
    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()


@functools.cache
def _stamp_style(font_path: str) -> TextStampStyle:
    def flush_left(margins):
        return layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=margins,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        )

    return TextStampStyle(
        stamp_text="%(line1)s\n%(line2)s",
        text_box_style=TextBoxStyle(
            font=_StampFont(font_path),
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_LEADING,
            box_layout_rule=flush_left(layout.Margins(0, 0, 0, 0)),
        ),
        inner_content_layout=flush_left(layout.Margins(left=5, right=5, top=3, bottom=3)),
        border_width=1,
        background=None,
    )


def _stamp_text(seal: OfficeSeal) -> dict:
    # The document's own language: official documents are Indonesian whatever the reader's choice.
    with translation.override(settings.LANGUAGE_CODE):
        when = date_format(timezone.localtime(), "j F Y H:i T")
        return {
            "line1": _("Disegel secara elektronik oleh %(holder)s, %(when)s")
            % {"holder": seal.holder, "when": when},
            "line2": _("Periksa keaslian berkas ini di %(url)s")
            % {"url": absolute_url(reverse("pledges:verify"))},
        }


def _align_producer(writer: IncrementalPdfFileWriter) -> None:
    """pyHanko writes its own name as the XMP producer; PDF/A wants the information dictionary to agree."""
    try:
        info = writer.trailer["/Info"]
    except KeyError:
        return
    updated = generic.DictionaryObject({key: value for key, value in info.items()})
    updated[generic.pdf_name("/Producer")] = generic.pdf_string(VENDOR)
    writer.set_info(writer.add_object(updated))


def _embed(writer: IncrementalPdfFileWriter, attachments) -> None:
    """Associated files of the whole document (PDF/A-3): in the EmbeddedFiles name tree and in the catalogue's
    /AF array, each with its MIME type, dates, checksum and relationship.

    pyHanko's own `embed_file` marks every associated file as PDF 2.0, which a PDF/A-3 file must not claim.
    """
    if not attachments:
        return
    root = writer.root
    if "/Names" in root and "/EmbeddedFiles" in root["/Names"]:
        raise ValueError("The rendered document already embeds files")
    now = generic.pdf_date(timezone.now())
    names = generic.ArrayObject()
    associated = generic.ArrayObject()
    # A name tree's keys must be sorted.
    for attachment in sorted(attachments, key=lambda item: item.name):
        stream = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile"),
                generic.pdf_name("/Subtype"): generic.pdf_name(f"/{attachment.mime_type}"),
                generic.pdf_name("/Params"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Size"): generic.NumberObject(len(attachment.data)),
                        generic.pdf_name("/ModDate"): now,
                        generic.pdf_name("/CheckSum"): generic.ByteStringObject(
                            hashlib.md5(attachment.data, usedforsecurity=False).digest()
                        ),
                    }
                ),
            },
            stream_data=attachment.data,
        )
        stream.compress()
        stream_ref = writer.add_object(stream)
        spec = writer.add_object(
            generic.DictionaryObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/Filespec"),
                    generic.pdf_name("/F"): generic.pdf_string(attachment.name),
                    generic.pdf_name("/UF"): generic.pdf_string(attachment.name),
                    generic.pdf_name("/Desc"): generic.pdf_string(attachment.description),
                    generic.pdf_name("/AFRelationship"): generic.pdf_name(f"/{attachment.relationship}"),
                    generic.pdf_name("/EF"): generic.DictionaryObject(
                        {generic.pdf_name("/F"): stream_ref, generic.pdf_name("/UF"): stream_ref}
                    ),
                }
            )
        )
        names += [generic.pdf_string(attachment.name), spec]
        associated.append(spec)
    tree = writer.add_object(generic.DictionaryObject({generic.pdf_name("/Names"): names}))
    if "/Names" in root:
        root["/Names"][generic.pdf_name("/EmbeddedFiles")] = tree
        writer.update_container(root["/Names"])
    else:
        root[generic.pdf_name("/Names")] = generic.DictionaryObject(
            {generic.pdf_name("/EmbeddedFiles"): tree}
        )
    root[generic.pdf_name("/AF")] = writer.add_object(associated)
    writer.update_root()
