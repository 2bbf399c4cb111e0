"""A local certificate authority for the demo and the tests (make_demo_signing_ca): a root,
and for each issuing body a key, a certificate and a seal image in the layout core.signing
reads (``root.pem``, ``<body>.p12``, ``<body>.png``). Nothing is downloaded.

EC P-256 keys: a whole CA for the 27 bodies takes about a second. Run it again and it
keeps what is still good (same root, a certificate valid for another 30 days at least)
and makes what is missing: a county added in the admin gets its certificate, nothing else
changes. Never for production: a body's real certificate comes from its CA or the
province's seal platform."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .seal import draw_demo_seal

ORGANISATION = "保定市产业创新战略联盟备案管理平台（演示）"
ROOT_NAME = "演示签章根证书（非正式）"
ROOT_DAYS = 3650
BODY_DAYS = 825
KEEP_IF_VALID_DAYS = 30


@dataclass(frozen=True)
class Body:
    code: str  # "municipal" or a jurisdiction code: the file names
    name: str  # the certificate's common name, the signer's name on the document


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,  # non-repudiation: the body stands by the document
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def _root(directory: Path, password: bytes, now: dt.datetime):
    key_path, cert_path = directory / "root-key.pem", directory / "root.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc > now + dt.timedelta(days=KEEP_IF_VALID_DAYS):
            return key, cert, False
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(ROOT_NAME))
        .issuer_name(_name(ROOT_NAME))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=ROOT_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, True


def _still_good(path: Path, password: bytes, root, now: dt.datetime, name: str) -> bool:
    try:
        _key, cert, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    except (OSError, ValueError):
        return False
    return (
        cert is not None
        and cert.issuer == root.subject
        and cert.subject == _name(name)
        and cert.not_valid_after_utc > now + dt.timedelta(days=KEEP_IF_VALID_DAYS)
        and path.with_suffix(".png").exists()
    )


def make_demo_ca(directory: Path, bodies: list[Body], password: str) -> list[str]:
    """Makes (or completes) the CA in ``directory``; returns the codes of the bodies whose
    certificate it made now."""
    if not password:
        raise ValueError("The demo CA needs a password (PORTAL_SIGNING_PASSWORD)")
    directory.mkdir(parents=True, exist_ok=True)
    secret = password.encode()
    now = dt.datetime.now(dt.UTC)
    root_key, root, new_root = _root(directory, secret, now)
    made = []
    for body in bodies:
        path = directory / f"{body.code}.p12"
        if not new_root and _still_good(path, secret, root, now, body.name):
            continue
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(body.name))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=BODY_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(signer=True), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                body.code.encode(),
                key,
                cert,
                [root],
                serialization.BestAvailableEncryption(secret),
            )
        )
        path.chmod(0o600)
        path.with_suffix(".png").write_bytes(draw_demo_seal(body.name, "电子签章演示"))
        made.append(body.code)
    return made
