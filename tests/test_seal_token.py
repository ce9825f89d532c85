"""Sealing with a key on a PKCS#11 token (an HSM, or a certificate authority's token), with SoftHSM."""

import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from pledges.management.commands.seal_keygen import development_certificate
from pledges.pdf import documents, seal
from tests import pdfs
from tests.factories import PactFactory

pytestmark = pytest.mark.django_db

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, LABEL, PIN = "netralitas-uji", "segel-kantor", "246810"


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A SoftHSM token holding the office's key and certificate under one label."""
    import os

    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(config)
    key, certificate = development_certificate("Bawaslu Kabupaten Token", 30)
    key_file = folder / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run = {"check": True, "capture_output": True, "env": {**os.environ}}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "13579"],
        **run,
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            TOKEN,
            "--label",
            LABEL,
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        **run,
    )
    key_file.unlink()
    der = certificate.public_bytes(serialization.Encoding.DER)
    with pkcs11.lib(MODULE).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: LABEL,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: asn1_x509.Certificate.load(der).subject.dump(),
                Attribute.VALUE: der,
            }
        )
    yield asn1_x509.Certificate.load(der)
    del os.environ["SOFTHSM2_CONF"]


def test_a_key_on_a_token_seals_documents(settings, token, tmp_path):
    settings.SEAL_PKCS11_MODULE = MODULE
    settings.SEAL_PKCS11_TOKEN = TOKEN
    settings.SEAL_PKCS11_KEY_LABEL = LABEL
    settings.SEAL_PKCS11_PIN = PIN
    assert seal.office_seal().holder == "Bawaslu Kabupaten Token"
    out = tmp_path / "pakta.pdf"
    documents.declaration_pdf(PactFactory(), out=out)
    (status,) = pdfs.seal_statuses(out, [token])
    assert status.bottom_line and status.trusted
    assert pdfs.pdfa_problems(out) == []


def test_a_wrong_pin_is_reported_not_crashed(settings, token):
    settings.SEAL_PKCS11_MODULE = MODULE
    settings.SEAL_PKCS11_TOKEN = TOKEN
    settings.SEAL_PKCS11_KEY_LABEL = LABEL
    settings.SEAL_PKCS11_PIN = "000000"
    office, error = seal.seal_status()
    assert office is None and MODULE in error
