"""An in-process public key infrastructure for the sealing tests, with certomancer (pyHanko's test tooling).

A root CA, an intermediate CA with an OCSP responder and a CRL, the office's sealing certificate (and a revoked
one), and a timestamp authority, served over real HTTP on a loopback port of this session's range, so that the
production code fetches timestamps and revocation data exactly as it would from a real CA. Nothing reaches
the internet; the keys are made at the start of the session.
"""

import asyncio
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from certomancer.integrations.aiohttp_illusionist import AsyncIllusionist
from certomancer.registry import CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PORTS = range(8140, 8150)
ARCH = "netralitas-uji"
PASSWORD = b"uji-segel"
KEYS = ("root", "interm", "interm-ocsp", "tsa", "office", "office-revoked")

VALID = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2090-01-01T00:00:00+0000"}


def _key_usage(*usages):
    return {
        "id": "key_usage",
        "critical": True,
        "smart-value": {"schema": "key-usage", "params": list(usages)},
    }


def _office_cert(entity: str) -> dict:
    return {
        "subject": entity,
        "subject-key": entity,
        "issuer": "interm",
        "validity": VALID,
        "extensions": [
            _key_usage("digital_signature", "non_repudiation"),
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["interm"]}},
            },
            {
                "id": "authority_information_access",
                "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}},
            },
        ],
    }


def architecture_config(prefix: str, key_dir: Path) -> dict:
    revoked = _office_cert("office-revoked")
    revoked["revocation"] = {"revoked-since": "2021-01-01T00:00:00+0000", "reason": "key_compromise"}
    return {
        "external-url-prefix": prefix,
        "keysets": {
            ARCH: {"path-prefix": str(key_dir), "keys": {name: {"path": f"{name}.pem"} for name in KEYS}}
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "ID", "organization-name": "Uji Netralitas"},
                "entities": {
                    "root": {"common-name": "Root CA Uji"},
                    "interm": {"common-name": "CA Antara Uji"},
                    "interm-ocsp": {"common-name": "Penjawab OCSP Uji"},
                    "tsa": {"common-name": "Otoritas Cap Waktu Uji"},
                    "office": {"common-name": "Bawaslu Kabupaten Uji"},
                    "office-revoked": {"common-name": "Bawaslu Kabupaten Dicabut"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "subject-key": "root",
                        "issuer": "root",
                        "authority-key": "root",
                        "validity": VALID,
                        "extensions": [
                            {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                            _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                        ],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": VALID,
                        "extensions": [
                            {
                                "id": "basic_constraints",
                                "critical": True,
                                "value": {"ca": True, "path-len-constraint": 0},
                            },
                            _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {
                                    "schema": "crl-dist-url",
                                    "params": {"crl-repo-names": ["root"]},
                                },
                            },
                        ],
                    },
                    "interm-ocsp": {
                        "issuer": "interm",
                        "validity": VALID,
                        "extensions": [
                            _key_usage("digital_signature"),
                            {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": VALID,
                        "extensions": [
                            _key_usage("digital_signature"),
                            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {
                                    "schema": "crl-dist-url",
                                    "params": {"crl-repo-names": ["root"]},
                                },
                            },
                        ],
                    },
                    "office": _office_cert("office"),
                    "office-revoked": revoked,
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port in {PORTS}")


@dataclass
class TestPKI:
    """The running CA: its architecture, where it listens, and files the settings point at."""

    arch: PKIArchitecture
    prefix: str
    root_pem: Path
    folder: Path

    @property
    def tsa_url(self) -> str:
        return self.arch.service_registry.get_tsa_info("tsa").url

    def pkcs12(self, label: str) -> Path:
        """The certificate `label` with its key and chain as a PKCS#12 file (password PASSWORD)."""
        path = self.folder / f"{label}.p12"
        if not path.exists():
            path.write_bytes(self.arch.package_pkcs12(label, password=PASSWORD))
        return path


def start(folder: Path) -> tuple[TestPKI, callable]:
    """Make the keys and the architecture, serve it; returns the PKI and a function that stops the server."""
    key_dir = folder / "keys"
    key_dir.mkdir(parents=True)
    for name in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (key_dir / f"{name}.pem").write_bytes(pem)
    port = _free_port()
    prefix = f"http://127.0.0.1:{port}"
    config = CertomancerConfig(architecture_config(prefix, key_dir), key_search_dir=str(folder))
    arch = config.get_pki_arch(ARCH)
    root_pem = folder / "root.pem"
    root_pem.write_bytes(_pem(arch.get_cert("root").dump()))

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(AsyncIllusionist(arch).build_app(), access_log=None)
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="test-pki", daemon=True)
    thread.start()
    ready.wait(10)

    def stop():
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return TestPKI(arch=arch, prefix=prefix, root_pem=root_pem, folder=folder), stop


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
