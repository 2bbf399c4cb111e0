"""The public verification page (issue 18): what a document states, its status today for a
filing notice, the comparison of an uploaded copy, a plain 404 for any code that is not
one, and a rate limit per client address. Anonymous throughout."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.verification import grouped
from filings.models import IssuedDocument
from tests.factories import blank_pdf
from tests.issued import K, filed_filing, revocation
from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]


def _url(document) -> str:
    return reverse("verify:document", args=[document.code])


def _bytes(document) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


def _upload(data: bytes, name="通知书.pdf"):
    return {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}


def _facts(body: str) -> dict[str, str]:
    table = re.search(r'<table[^>]*data-testid="facts".*?</table>', body, re.S).group(0)
    rows = re.findall(r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', table, re.S)
    return {th: " ".join(re.sub(r"<[^>]+>", " ", td).split()) for th, td in rows}


@pytest.fixture
def notice():
    filing = filed_filing()
    return IssuedDocument.objects.get(alliance=filing.alliance, kind=K.FILING_NOTICE)


def test_the_page_shows_what_the_document_states(client, notice):
    response = client.get(_url(notice))
    assert response.status_code == 200
    facts = _facts(response.content.decode())
    alliance = notice.alliance
    assert facts["文书类型"] == "备案通知书"
    assert facts["文号"] == notice.number == alliance.filing_number
    assert facts["成文日期"] == alliance.filed_on.isoformat()
    assert facts["签发机关"] == "保定市科学技术局"
    assert facts["联盟名称"] == alliance.name
    assert facts["牵头单位"] == alliance.lead_unit.name
    assert facts["联盟目前的备案状态"] == "已备案"
    assert facts["核验码"] == grouped(notice.code)
    assert facts["文件SHA-256"] == hashlib.sha256(_bytes(notice)).hexdigest()


def test_an_anonymous_reader_sees_nothing_the_document_does_not_print(client, notice):
    body = client.get(_url(notice)).content.decode()
    printed = pdf_text(_bytes(notice))
    facts = _facts(body)
    for label, value in facts.items():
        if label in ("联盟目前的备案状态", "文件SHA-256", "成文日期"):
            continue  # the status today is the page's addition; the hash is of the file
        assert "".join(value.split()) in printed, label
    assert f"{notice.issued_on.year}年{notice.issued_on.month}月{notice.issued_on.day}日" in printed
    alliance = notice.alliance
    private = [
        alliance.lead_unit.uscc,
        alliance.office_contact_name,
        alliance.office_contact_phone,
        alliance.office_contact_email,
        alliance.office_address,
        *alliance.lead_unit.users.values_list("email", flat=True),
        *alliance.lead_unit.users.values_list("username", flat=True),
    ]
    for value in filter(None, private):
        assert value not in body, value


def test_a_matching_upload_is_the_same_document(client, notice):
    response = client.post(_url(notice), _upload(_bytes(notice)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "与本平台签发的文件一致" in body and "不一致" not in body
    assert f"比对的原件：备案通知书 {notice.number}" in body


def test_a_modified_upload_is_not(client, notice):
    data = _bytes(notice)
    changed = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]  # one bit of the file
    response = client.post(_url(notice), _upload(changed))
    body = response.content.decode()
    assert "与本平台签发的文件不一致" in body
    assert 'data-testid="other"' not in body
    assert hashlib.sha256(changed).hexdigest() in body


def test_an_upload_of_another_issued_document_names_it(client, notice):
    letter = IssuedDocument.objects.get(alliance=notice.alliance, kind=K.RECOMMENDATION_LETTER)
    body = client.post(_url(notice), _upload(_bytes(letter))).content.decode()
    assert "与本平台签发的文件不一致" in body
    other = re.search(r'data-testid="other">(.*?)</div>', body, re.S).group(1)
    assert f"本平台签发的另一份文件：推荐公函 {letter.number}" in other
    assert _url(letter) in other


@pytest.mark.parametrize(
    "data",
    [b"<html>not a pdf</html>", b"%PDF-1.7\n/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"],
    ids=["not-a-pdf", "pdf-with-script"],
)
def test_any_other_file_is_not_identical_and_gets_no_repair_hint(client, notice, data):
    """The pentest: a forged copy with a script in it was told to re-export itself."""
    body = client.post(_url(notice), _upload(data, "a.pdf")).content.decode()
    assert "与本平台签发的文件不一致" in body
    assert hashlib.sha256(data).hexdigest() in body
    assert "重新" not in body.split('data-testid="comparison"')[1][:600]


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_an_upload_over_the_limit_is_refused(client, notice):
    body = client.post(_url(notice), _upload(blank_pdf(3) + b" " * 2000)).content.decode()
    assert "不是本平台签发的文件" in body and 'data-testid="comparison"' not in body


def test_the_pages_are_not_indexed_or_cached(client, notice):
    for response in (
        client.get(_url(notice)),
        client.get(reverse("verify:start")),
        client.get("/verify/ZZZZZZZZZZZZ/"),
    ):
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_upload_needs_the_csrf_token(notice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(notice), _upload(_bytes(notice))).status_code == 403


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "not-a-code", "A" * 200, "%3Cscript%3E"])
def test_an_unknown_or_malformed_code_is_a_plain_404(client, notice, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该文件" in body
    # No hint: no near miss, nothing of the real document.
    for hint in (notice.code, notice.number, notice.alliance_name, "SHA-256"):
        assert hint not in body


def test_the_same_answer_for_unknown_and_malformed_codes(client, notice):
    unknown = client.get("/verify/ZZZZZZZZZZZZ/").content.decode()
    malformed = client.get("/verify/zz/").content.decode()

    def strip(body, code):  # the language switch's "next" names the page's own address
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
        return body.replace(f"/verify/{code}/", "/verify/…/")

    assert strip(unknown, "ZZZZZZZZZZZZ") == strip(malformed, "zz")


def test_a_code_typed_loosely_finds_the_document(client, notice):
    loose = grouped(notice.code).lower()
    response = client.get(reverse("verify:start"), {"code": f" {loose} "})
    assert response.status_code == 302 and response["Location"] == _url(notice)
    followed = client.get(response["Location"])
    assert followed.status_code == 200 and notice.number in followed.content.decode()
    # Typed into the address: the canonical address of the same page.
    assert client.get(f"/verify/{loose}/")["Location"] == _url(notice)
    # O, I and L are read as 0, 1 and 1 (the alphabet has none of them).
    lookalike = notice.code.replace("0", "O").replace("1", "I")
    assert client.get(reverse("verify:start"), {"code": lookalike})["Location"] == _url(notice)


def test_the_start_page_has_the_form(client):
    response = client.get(reverse("verify:start"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


@override_settings(PORTAL_VERIFY_RATE="3/min")
def test_lookups_are_rate_limited_per_client_address_in_chinese(client, notice):
    for _ in range(2):
        assert client.get(_url(notice)).status_code == 200
    assert client.get("/verify/ZZZZZZZZZZZZ/").status_code == 404  # unknown codes count too
    refused = client.get(_url(notice))
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "核验过于频繁" in text and "秒后重试" in text
    assert notice.number not in text
    assert int(refused["Retry-After"]) > 0
    typed = client.get(reverse("verify:start"), {"code": notice.code}, follow=True)
    assert typed.status_code == 429  # the form leads to the same page, and the same count
    assert client.get(_url(notice), REMOTE_ADDR="10.9.9.9").status_code == 200


@override_settings(PORTAL_VERIFY_RATE="3/min")
def test_an_ipv6_client_is_counted_by_its_64_network(client, notice):
    """A host may take any address of its /64: counted once, not per address."""
    for host in range(3):
        client.get(_url(notice), REMOTE_ADDR=f"2001:db8:1:2::{host + 1}")
    assert client.get(_url(notice), REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
    assert client.get(_url(notice), REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_a_revoked_alliance_s_filing_notice_says_so_with_the_decision(client, notice):
    case = revocation("revoke", alliance=notice.alliance)
    facts = _facts(client.get(_url(notice)).content.decode())
    decided = timezone.localdate(case.decided_at).isoformat()
    assert (
        facts["联盟目前的备案状态"] == f"已取消备案 {decided}依决定书{case.decision_number}取消备案"
    )
    # The decision itself is verifiable too, and says nothing about status.
    decision = IssuedDocument.objects.get(kind=K.REVOCATION_DECISION, alliance=notice.alliance)
    decision_facts = _facts(client.get(_url(decision)).content.decode())
    assert decision_facts["文书类型"] == "取消备案决定书"
    assert "联盟目前的备案状态" not in decision_facts


def test_a_dismissed_case_leaves_the_notice_filed(client, notice):
    revocation("dismiss", alliance=notice.alliance)
    assert _facts(client.get(_url(notice)).content.decode())["联盟目前的备案状态"] == "已备案"


def test_the_page_answers_in_english_too(client, notice):
    response = client.get(_url(notice), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert notice.number in response.content.decode()


def test_codes_are_unambiguous_and_never_repeat():
    from core.verification import ALPHABET, LENGTH, new_code, normalise_code

    assert not set("ILOU") & set(ALPHABET) and len(ALPHABET) == 32
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == LENGTH and normalise_code(c) == c for c in codes)
    assert normalise_code("abcd-efgh-jkmn") == "ABCDEFGHJKMN"
    for junk in ("", "ABCDEFGHJKM", "ABCDEFGHJKMNP", "ABCDEFGHJKMU", "ABCD/EFGH/JKMN"):
        assert normalise_code(junk) is None, junk
