"""The signer of issued documents (issue 18): one small interface, so a provincial seal
service can later replace the local key.

    sign_pdf(data, body=...) -> bytes
    validate_pdf(data) -> Validation

``body`` names the issuing body whose certificate signs: ``"municipal"`` for the municipal
bureau, or a county bureau's jurisdiction code (``Jurisdiction.code``, e.g. ``"130602"``).

The signature is PAdES baseline (pyHanko): B-B, or B-T with a timestamp token when
``PORTAL_SIGNING_TSA_URL`` names a time-stamping authority. It is visible where the seal
goes (core.seal). The body's key and certificate come from ``credential(body)``: today a
PKCS#12 file per body in ``PORTAL_SIGNING_DIR``; a PKCS#11 token (pyHanko's PKCS11Signer) or
a remote seal service replaces that one function, the rest does not change.

When the body has no certificate: with ``PORTAL_SIGNING_REQUIRED`` (production) signing
raises, so the issuing transaction fails rather than issue an unsigned document; without
it (development) the document goes out unsigned with a warning in the log. The start-up
check (accounts.checks) says the same before any document is issued."""

import asyncio
import concurrent.futures
import functools
import io
import logging
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MUNICIPAL = "municipal"
FIELD_NAME = "seal"
# Space kept in the PDF for the CMS signature (hex-encoded: twice this in the file).
# Enough for a B-B signature with its chain; with a timestamp pyHanko measures instead
# (that asks the TSA once more).
RESERVED_BYTES = 12_000


class SigningError(ImproperlyConfigured):
    """The body cannot sign: no certificate, a wrong password, an expired certificate."""


@dataclass(frozen=True)
class Credential:
    """What signs for one body: pyHanko's signer (key, certificate, chain), and the seal."""

    signer: object  # pyhanko.sign.signers.Signer
    certificate: object  # asn1crypto.x509.Certificate
    seal_path: Path | None

    @property
    def name(self) -> str:
        return self.certificate.subject.native.get("common_name", "")


def credential_path(body: str) -> Path:
    if not body or "/" in body or body.startswith("."):
        raise SigningError(f"Not an issuing body: {body!r}")
    return Path(settings.PORTAL_SIGNING_DIR) / f"{body}.p12"


@functools.cache
def load_pyhanko() -> None:
    """Imports pyHanko once, late (it takes ~2 s, which no page but an issuing one should
    pay), without its warning that DSA is deprecated (no key here is DSA)."""
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        import pyhanko.sign.signers  # noqa: F401
        import pyhanko.sign.validation  # noqa: F401


def credential(body: str) -> Credential:
    """The body's signing credential. The one place that knows where keys live."""
    path = credential_path(body)
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise SigningError(
            f"No signing certificate for {body}: {path} ({error.strerror})"
        ) from None
    return _load_pkcs12(str(path), mtime, settings.PORTAL_SIGNING_PASSWORD)


@functools.lru_cache(maxsize=64)
def _load_pkcs12(path: str, mtime: float, password: str) -> Credential:
    # Cached per file version: opening a PKCS#12 file runs its key derivation (~15 ms).
    load_pyhanko()
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    signer = SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if signer is None:
        # pyHanko logs the reason; the password is the usual one. Tell which.
        try:
            pkcs12.load_key_and_certificates(Path(path).read_bytes(), password.encode() or None)
        except (ValueError, OSError) as error:
            raise SigningError(f"Cannot open {path}: {error}") from None
        raise SigningError(f"Cannot open {path}")
    seal = Path(path).with_suffix(".png")
    return Credential(signer, signer.signing_cert, seal if seal.exists() else None)


def certificate_expiry(certificate) -> datetime:
    return certificate["tbs_certificate"]["validity"]["not_after"].native


def sign_pdf(data: bytes, *, body: str = MUNICIPAL) -> bytes:
    try:
        found = credential(body)
    except SigningError:
        if settings.PORTAL_SIGNING_REQUIRED:
            raise
        logger.warning("Issued unsigned: no signing certificate for %s", body)
        return data
    if certificate_expiry(found.certificate) <= timezone.now():
        raise SigningError(f"The signing certificate of {body} expired")
    return _sign(data, found)


def _sign(data: bytes, found: Credential) -> bytes:
    load_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from .seal import seal_box

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    place = seal_box(writer.prev)
    with translation.override(settings.LANGUAGE_CODE):  # the document's language
        reason = _("签发")
        # /TU: what a screen reader says for the field (PDF/UA: no unnamed annotations).
        described = _("%(signer)s电子签章") % {"signer": found.name}
    spec = fields.SigFieldSpec(
        FIELD_NAME,
        on_page=place.page if place else 0,
        box=place.box if place else None,  # None: an invisible signature
        readable_field_name=described,
    )
    if place:
        # The visible field is made first, in the same revision as the signature, so
        # that its widget joins the document's structure (PDF/UA-1 7.18.4); the signer
        # then fills it.
        fields.append_signature_field(writer, spec)
        try:
            tagged = tag_widget(writer, page=place.page, alt=described)
        except Exception:  # noqa: BLE001 - a tag is never worth an unissued document
            logger.exception("The seal's widget could not be tagged")
            tagged = False
        if not tagged:
            logger.warning("The seal's widget is not in the structure tree (PDF/UA)")
        spec = None
    timestamper = _timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=found.name,
        reason=reason,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=found.signer,
        timestamper=timestamper,
        stamp_style=_stamp_style_class()(seal_path=str(found.seal_path or "")),
        new_field_spec=spec,
    )
    reserved = None if timestamper else RESERVED_BYTES
    return outside_event_loop(pdf_signer.sign_pdf, writer, bytes_reserved=reserved).getvalue()


def tag_widget(writer, *, page: int, alt: str) -> bool:
    """Puts the seal's widget annotation into the structure tree WeasyPrint wrote (PDF/UA:
    every visible annotation is tagged): a ``/Form`` element under the document element,
    holding an object reference to the widget, which points back through
    ``/StructParent`` and the parent tree. Everything is found first and changed only
    once found: False, and nothing changed, for an untagged PDF or a tree of another
    shape than WeasyPrint's (a flat ``/Nums``, a document element with a ``/K`` array)."""
    from pyhanko.pdf_utils import generic

    found = _structure_of(writer, page)
    if found is None:
        return False
    tree, parent_tree, nums, document_ref, kids, page_ref, widget_ref = found
    used = [int(nums[i]) for i in range(0, len(nums), 2)]
    declared = tree.get("/ParentTreeNextKey")
    # A declared next key below a key in use would give two elements one key.
    key = max([*used, int(declared) - 1 if isinstance(declared, int) else -1]) + 1
    form = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/StructElem"),
                generic.pdf_name("/S"): generic.pdf_name("/Form"),
                generic.pdf_name("/P"): document_ref,
                generic.pdf_name("/Pg"): page_ref,
                generic.pdf_name("/Alt"): generic.TextStringObject(alt),
                generic.pdf_name("/K"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Type"): generic.pdf_name("/OBJR"),
                        generic.pdf_name("/Obj"): widget_ref,
                        generic.pdf_name("/Pg"): page_ref,
                    }
                ),
            }
        )
    )
    kids.append(form)
    nums.append(generic.NumberObject(key))
    nums.append(form)
    tree[generic.pdf_name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    widget = widget_ref.get_object()
    widget[generic.pdf_name("/StructParent")] = generic.NumberObject(key)
    for changed in (kids, nums, parent_tree, tree, widget):
        writer.update_container(changed)
    return True


def _structure_of(writer, page: int):
    """What ``tag_widget`` changes, each checked for its type; None when anything is
    missing or of another shape (nothing read here raises on a malformed tree)."""
    from pyhanko.pdf_utils import generic

    def deref(value):
        return value.get_object() if isinstance(value, generic.IndirectObject) else value

    def get(dictionary, key, kind):
        if not isinstance(dictionary, generic.DictionaryObject) or key not in dictionary:
            return None
        value = deref(dictionary.raw_get(key))
        return value if isinstance(value, kind) else None

    Dict, Array = generic.DictionaryObject, generic.ArrayObject
    tree = get(writer.root, "/StructTreeRoot", Dict)
    parent_tree = get(tree, "/ParentTree", Dict)
    nums = get(parent_tree, "/Nums", Array)
    if nums is None or "/Kids" in parent_tree or len(nums) % 2:
        return None
    if not all(isinstance(deref(nums.raw_get(i)), int) for i in range(0, len(nums), 2)):
        return None
    top = tree.raw_get("/K")
    top_items = deref(top)
    document_ref = top_items.raw_get(0) if isinstance(top_items, Array) and top_items else top
    if not isinstance(document_ref, generic.IndirectObject):
        return None
    kids = get(document_ref.get_object(), "/K", Array)
    if kids is None:
        return None
    page_ref = writer.find_page_for_modification(page)[0]
    annots = get(page_ref.get_object(), "/Annots", Array) or []
    widget_ref = next(
        (
            ref
            for ref in (annots.raw_get(i) for i in range(len(annots)))
            if isinstance(ref, generic.IndirectObject)
            and isinstance(ref.get_object(), Dict)
            and ref.get_object().get("/T") == FIELD_NAME
        ),
        None,
    )
    if widget_ref is None:
        return None
    return tree, parent_tree, nums, document_ref, kids, page_ref, widget_ref


def _timestamper():
    if not settings.PORTAL_SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.PORTAL_SIGNING_TSA_URL, timeout=10)


@functools.cache
def _stamp_style_class():
    """pyHanko's TextStampStyle, whose subclasses are handed the signing time (as text,
    in ``timestamp_format``); ours draws its own image instead of text (core.seal)."""
    from dataclasses import dataclass as pyhanko_dataclass

    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle, TextStampStyle
    from pyhanko.stamp.static import StaticContentStamp

    from .seal import appearance, load_seal

    @pyhanko_dataclass(frozen=True)
    class SealStampStyle(TextStampStyle):
        seal_path: str = ""
        timestamp_format: str = "%Y-%m-%dT%H:%M:%S%z"

        def create_stamp(self, writer, box, text_params):
            when = datetime.strptime(text_params["ts"], self.timestamp_format)
            when = timezone.localtime(when)
            seal = load_seal(Path(self.seal_path)) if self.seal_path else None
            with translation.override(settings.LANGUAGE_CODE):
                time_line = _("签章时间：%(time)s") % {"time": when.strftime("%Y-%m-%d %H:%M:%S")}
            lines = [text_params.get("signer", ""), time_line]
            image = PdfImage(appearance(seal, lines), writer=writer)
            style = StaticStampStyle(background=image, border_width=0, background_opacity=1.0)
            return StaticContentStamp(writer=writer, style=style, box=box)

    return SealStampStyle


# --- Validation -----------------------------------------------------------------------


@dataclass
class Validation:
    """What a reader of the PDF needs to know about its signature(s)."""

    signed: bool = False
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # intact, sound, and nothing but harmless updates after it
    trusted: bool = False  # the certificate chains to a configured trust root
    signer: str = ""
    signing_time: datetime | None = None
    timestamped: bool = False  # B-T: a TSA's token vouches for the time
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.valid and self.trusted


def trust_roots() -> list:
    load_pyhanko()
    from pyhanko.keys import load_certs_from_pemder

    path = Path(settings.PORTAL_SIGNING_TRUST_ROOTS)
    if not path.exists():
        return []
    return list(load_certs_from_pemder([str(path)]))


def outside_event_loop(function, *args, **kwargs):
    """``function(*args, **kwargs)``, for pyHanko's synchronous calls, which run an event
    loop of their own (``asyncio.run``): in a thread where a loop already runs (an async
    server; Playwright's sync API in the tests) that raises, so they run in a thread of
    their own there. Every issued document failed to sign in a test worker that had
    driven a browser before."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def validate_pdf(data: bytes, *, roots: list | None = None) -> Validation:
    """Validates every signature of ``data`` with pyHanko against the trust roots (the
    configured ones by default). The document is as good as its weakest signature."""
    load_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = Validation()
    # The file may be anyone's upload (the verification page): whatever pyHanko raises on
    # a malformed PDF or signature is a verdict on the file, never a server error.
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - see above
        result.problems.append(_("无法读取该PDF文件"))
        return result
    if not signatures:
        result.problems.append(_("该文件没有数字签名"))
        return result
    context = ValidationContext(
        trust_roots=trust_roots() if roots is None else roots,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    result.signed = result.intact = result.valid = result.trusted = True
    for signature in signatures:
        try:
            status = outside_event_loop(validate_pdf_signature, signature, context)
        except Exception:  # noqa: BLE001 - a malformed signature is not a valid one
            logger.info("Unreadable signature", exc_info=True)
            result.intact = result.valid = result.trusted = False
            result.problems.append(_("签名无法解析"))
            continue
        _merge(result, status)
    return result


def _merge(result: Validation, status) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    entire = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    harmless = status.docmdp_ok and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    if not status.intact:
        result.problems.append(_("签名后文件内容被修改"))
    elif not status.valid:
        result.problems.append(_("签名值无效"))
    elif not (entire or harmless):
        result.problems.append(_("签名后文件被追加修改"))
    if not status.trusted:
        result.problems.append(_("签名证书不是由受信任的根证书签发"))
    result.intact &= bool(status.intact)
    result.valid &= bool(status.intact and status.valid and (entire or harmless))
    result.trusted &= bool(status.trusted)
    cn = status.signing_cert.subject.native.get("common_name", "")
    result.signer = cn or result.signer
    result.signing_time = status.signer_reported_dt or result.signing_time
    result.timestamped = status.timestamp_validity is not None and bool(
        status.timestamp_validity.intact and status.timestamp_validity.valid
    )
    if result.signing_time is not None and result.signing_time.tzinfo is None:
        result.signing_time = result.signing_time.replace(tzinfo=UTC)
