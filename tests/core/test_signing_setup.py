"""The signer's set-up (issue 18): the demo CA is made once per body and kept; the start-up
check fails loudly in production when a certificate is missing, unreadable or expired and
warns before it expires; signing never goes out unsigned in production; a timestamp makes
the signature PAdES B-T; `verify_document` reports in Chinese with its exit status."""

import datetime as dt
import hashlib

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.checks import signing_certificates
from accounts.models import Jurisdiction
from core import signing
from core.signing_checks import certificate_problems
from tests.conftest import SIGNING_PASSWORD
from tests.core.test_signing import _long_document

pytestmark = pytest.mark.django_db


def _ids(messages):
    return [m.id for m in messages]


def _digests(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def test_the_demo_ca_has_one_certificate_and_seal_per_body_and_keeps_them(tmp_path, settings):
    settings.PORTAL_SIGNING_PASSWORD = "demo-pw"
    call_command("make_demo_signing_ca", dir=str(tmp_path))
    codes = ["municipal", *Jurisdiction.objects.values_list("code", flat=True)]
    assert len(codes) == 27
    assert {p.name for p in tmp_path.glob("*.p12")} == {f"{c}.p12" for c in codes}
    assert {p.name for p in tmp_path.glob("*.png")} == {f"{c}.png" for c in codes}
    before = _digests(tmp_path)

    call_command("make_demo_signing_ca", dir=str(tmp_path))
    assert _digests(tmp_path) == before  # idempotent: nothing remade

    (tmp_path / "130602.p12").unlink()
    call_command("make_demo_signing_ca", dir=str(tmp_path))
    after = _digests(tmp_path)
    # Only that key is new (its seal is drawn again, the same picture).
    assert [n for n in after if after[n] != before[n]] == ["130602.p12"]


def test_a_county_certificate_names_its_bureau(tmp_path, settings):
    settings.PORTAL_SIGNING_DIR = signing_dir = tmp_path
    settings.PORTAL_SIGNING_PASSWORD = "demo-pw"
    call_command("make_demo_signing_ca")
    assert signing.credential("130602").name == "竞秀区科学技术局"
    assert signing.credential("municipal").name == settings.PORTAL_BUREAU_NAME
    assert (signing_dir / "root.pem").exists()


def test_the_check_is_silent_when_every_issuing_body_has_its_certificate():
    assert signing_certificates(None) == []


@pytest.mark.parametrize(("required", "expected"), [(True, "core.E010"), (False, "core.W010")])
def test_a_missing_certificate_is_an_error_in_production(settings, required, expected):
    settings.PORTAL_SIGNING_REQUIRED = required
    Jurisdiction.objects.create(
        code="139999", name="新区", kind="zone", bureau_name="新区科技局", letter_prefix="新"
    )
    messages = signing_certificates(None)
    assert _ids(messages) == [expected]
    assert "139999" in messages[0].msg and "municipal" not in messages[0].msg


def test_a_disabled_jurisdiction_needs_no_certificate(settings):
    settings.PORTAL_SIGNING_REQUIRED = True
    Jurisdiction.objects.create(
        code="139998",
        name="停用区",
        kind="zone",
        bureau_name="停用区科技局",
        letter_prefix="停",
        enabled=False,
    )
    assert signing_certificates(None) == []


def test_an_expired_certificate_is_an_error_and_one_expiring_soon_a_warning(settings):
    settings.PORTAL_SIGNING_REQUIRED = True
    expiry = signing.certificate_expiry(signing.credential("municipal").certificate)
    assert _ids(certificate_problems(["municipal"], now=expiry + dt.timedelta(days=1))) == [
        "core.E012"
    ]
    assert _ids(certificate_problems(["municipal"], now=expiry - dt.timedelta(days=10))) == [
        "core.W013"
    ]
    assert certificate_problems(["municipal"], now=expiry - dt.timedelta(days=31)) == []


def test_a_wrong_password_is_an_error(settings):
    settings.PORTAL_SIGNING_REQUIRED = True
    settings.PORTAL_SIGNING_PASSWORD = "not-the-password"
    assert _ids(certificate_problems(["municipal"])) == ["core.E011"]
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(b"%PDF-1.7 not signed")


def test_production_never_issues_a_document_unsigned(settings, tmp_path):
    pdf = b"%PDF-1.7 anything"
    settings.PORTAL_SIGNING_DIR = tmp_path  # no certificates at all
    settings.PORTAL_SIGNING_REQUIRED = True
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(pdf)
    settings.PORTAL_SIGNING_REQUIRED = False  # development: unsigned, with a warning logged
    assert signing.sign_pdf(pdf) == pdf


def test_an_expired_certificate_does_not_sign():
    expiry = signing.certificate_expiry(signing.credential("municipal").certificate)
    with time_machine.travel(expiry + dt.timedelta(days=1)), pytest.raises(signing.SigningError):
        signing.sign_pdf(b"%PDF-1.7 anything")


def _tsa(ca_dir):
    """A time-stamping authority's certificate under the session's root, and pyHanko's
    in-process TSA that signs with it (no network in tests)."""
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign.timestamps import DummyTimeStamper

    root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
    root_key = serialization.load_pem_private_key(
        (ca_dir / "root-key.pem").read_bytes(), SIGNING_PASSWORD.encode()
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳服务")]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    (ca_dir / "tsa-test.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(ca_dir / "tsa-test.pem")),
        tsa_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
    )


@pytest.mark.usefixtures("cjk_font")
def test_with_a_tsa_the_signature_carries_a_trusted_timestamp(signing_ca, monkeypatch):
    monkeypatch.setattr(signing, "_timestamper", lambda: _tsa(signing_ca))
    signed = signing.sign_pdf(_long_document(paragraphs=3))

    result = signing.validate_pdf(signed)

    assert result.ok and result.timestamped


@pytest.mark.usefixtures("cjk_font")
def test_verify_document_reports_in_chinese_and_fails_on_a_tampered_copy(tmp_path, capsys):
    signed = signing.sign_pdf(_long_document(paragraphs=3))
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(signed)
    at = signed.index(b"stream", 100) + 40
    bad.write_bytes(signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :])

    call_command("verify_document", str(good))
    out = capsys.readouterr().out
    assert "签名后未被修改：是" in out and "证书受信任：是" in out
    assert f"签章单位：{settings.PORTAL_BUREAU_NAME}" in out
    assert "结论：签名有效，文件可信。" in out

    with pytest.raises(CommandError) as failed:
        call_command("verify_document", str(bad))
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "签名后未被修改：否" in out and "问题：签名后文件内容被修改" in out
