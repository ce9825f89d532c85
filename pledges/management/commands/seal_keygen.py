"""A self-signed certificate for sealing documents in development and demos (never for real documents)."""

import datetime
import hashlib
import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def default_path() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "netralitas" / "seal-development.p12"


def development_certificate(name: str, days: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """An RSA key and a self-signed certificate fit for PAdES seals.

    RSA rather than ECDSA: pyHanko declares a PDF sealed with a P-256 key as PDF 2.0 (ISO 32002), which a
    PDF/A-3 file must not be.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{settings.SITE_NAME} (development only)"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


class Command(BaseCommand):
    help = (
        "Write a self-signed development certificate for sealing PDFs as a PKCS#12 file (mode 0600), outside "
        "the repository by default. The password is SEAL_PKCS12_PASSWORD, or a new one that is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, default=None, help=f"Where to write it (default {default_path()})."
        )
        parser.add_argument(
            "--name", default="Segel pengembangan Netralitas", help="The certificate's common name."
        )
        parser.add_argument("--days", type=int, default=730, help="Validity in days.")
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, out, name, days, force, **options):
        out = (out or default_path()).expanduser().resolve()
        # Inside the project only the git-ignored private data folder may hold a key: elsewhere `git add -A`
        # would commit it.
        data_dir = Path(settings.DATA_DIR).resolve()
        if out.is_relative_to(settings.BASE_DIR.resolve()) and not out.is_relative_to(data_dir):
            raise CommandError(
                f"Refusing to write a private key inside the repository; use {data_dir}/ or a path outside it."
            )
        if out.exists() and not force:
            raise CommandError(f"{out} exists; pass --force to replace it.")
        password = os.environ.get("SEAL_PKCS12_PASSWORD") or secrets.token_urlsafe(18)
        key, certificate = development_certificate(name, days)
        data = pkcs12.serialize_key_and_certificates(
            name.encode(), key, certificate, None, serialization.BestAvailableEncryption(password.encode())
        )
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if force:
            out.unlink(missing_ok=True)
        # Created with mode 0600 from the start: no moment when another user could read the key.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            target.write(data)
        fingerprint = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
        self.stdout.write(self.style.SUCCESS(f"Development seal written to {out} (mode 0600)."))
        self.stdout.write(
            f"Certificate SHA-256: {fingerprint}; valid until {certificate.not_valid_after_utc:%Y-%m-%d}."
        )
        self.stdout.write(f"Use it with: SEAL_PKCS12_FILE={out}")
        if "SEAL_PKCS12_PASSWORD" not in os.environ:
            self.stdout.write(f"and SEAL_PKCS12_PASSWORD={password}")
