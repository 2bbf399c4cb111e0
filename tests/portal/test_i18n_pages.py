"""Real pages in English carry no Chinese date formats or full-width punctuation.

Dates are formatted with the active language's DATE_FORMAT (zh_Hans "Y年n月j日", English
"N j, Y"), and punctuation around values (labels' colons, parenthesised values) is part of a
translated string. Chinese pages keep their Chinese dates.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from subsidies import services as subsidy_services
from supervision import services as supervision_services
from tests.factories import MunicipalStaffFactory, filed_alliance, pdf_upload, policy_successor
from tests.subsidies.test_public_and_export import round_with_awards

pytestmark = pytest.mark.django_db

CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
FULL_WIDTH = ("：", "（")
# Django's English DATE_FORMAT "N j, Y": months in Associated Press style.
MONTHS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec."


def english_date(day: datetime.date) -> str:
    return f"{MONTHS.split()[day.month - 1]} {day.day}, {day.year}"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _visible(body: str) -> str:
    """The page without scripts and markup: what a reader sees."""
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", body)


def _get(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert f'lang="{"en" if language == "en" else "zh-CN"}"' in body
    return body


def assert_english_page(body: str, *data: str):
    """``data``: stored text (names, logged reasons) that may be Chinese whatever the language."""
    for value in data:
        body = body.replace(value, "")
    text = _visible(body)
    assert not CHINESE_DATE.findall(text), CHINESE_DATE.findall(text)
    left = [line.strip() for line in text.splitlines() if any(c in line for c in FULL_WIDTH)]
    assert not left, "full-width punctuation on an English page:\n" + "\n".join(left)


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture(autouse=True)
def _measures_in_force():
    """The pages as they are while a version of the measures is in force. (While none is,
    staff also see the lapsed-measures banner, a string the English catalogue does not
    carry yet: tests/policy/test_banner.py checks it in Chinese.)"""
    policy_successor(effective_from=datetime.date(2024, 1, 1))


def test_alliance_supervision_page_in_english_and_chinese(client, staff):
    liaison = MunicipalStaffFactory(is_liaison_officer=True, phone="13800000000")
    alliance = filed_alliance(filed_on=datetime.date(2024, 6, 1), liaison=liaison)
    client.force_login(staff)
    url = reverse("supervision:alliance_detail", args=[alliance.pk])

    english = _get(client, url, "en")
    # The category's title is the policy version's text (official Chinese, like grounds).
    assert alliance.category_title in english
    assert_english_page(english, alliance.category_title)
    assert "Filing date: June 1, 2024" in english
    assert f"Filing number: {alliance.filing_number}" in english
    assert " (13800000000)" in english

    chinese = _get(client, url, "zh-hans")
    assert "备案日期：2024年6月1日" in chinese
    assert f"备案编号：{alliance.filing_number}" in chinese
    assert "（13800000000）" in chinese


def test_revocation_case_page_in_english_and_chinese(client, staff):
    alliance = filed_alliance()
    with translation.override("zh-hans"):  # the bureau works in Chinese: logged in Chinese
        case = supervision_services.case_open(
            alliance=alliance,
            by=staff,
            grounds=["2"],
            facts="连续两年未按章程开展创新活动",
            evidence=[pdf_upload("检查记录.pdf")],
        )
    client.force_login(staff)
    url = reverse("supervision:case_detail", args=[case.pk])
    deadline = case.statement_deadline

    english = _get(client, url, "en")
    # The grounds are quoted from the case's version of the measures: official Chinese text
    # (docs/decisions.md, "Official texts are Chinese"), data like the facts.
    assert_english_page(english, *case.ground_labels)
    assert english_date(deadline) in english

    chinese = _get(client, url, "zh-hans")
    assert chinese_date(deadline) in chinese
    assert f"（{alliance.filing_number}，" in chinese

    # A refusal explained in Python follows the language too.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("supervision:case_decide", args=[case.pk]),
        {"decision": "revoke", "reasons": "经查属实。"},
        follow=True,
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert english_date(deadline) in messages
    assert not CHINESE_DATE.search(messages)


def test_subsidy_round_pages_in_english_and_chinese(client, staff):
    with translation.override("zh-hans"):  # the bureau works in Chinese: logged in Chinese
        round_, applications, _ = round_with_awards(staff, title="公示中的批次", amounts=[450_000])
        subsidy_services.objection_record(
            award=applications[0].award,
            by=staff,
            objector_name="赵六",
            objector_contact="13900000000",
            content="该联盟上年度未开展活动。",
            received_on=round_.notice_starts_on,
        )
    starts = round_.notice_starts_on
    english_start = english_date(starts)
    chinese_start = chinese_date(starts)

    client.force_login(staff)
    staff_url = reverse("subsidies:round_detail", args=[round_.pk])
    english = _get(client, staff_url, "en")
    # The audit log keeps the reason in the language it was recorded in (data, not interface).
    logged = f"公示期：{starts.isoformat()}至{round_.notice_ends_on.isoformat()}"
    assert logged in english
    categories = {a.alliance.category_title for a in applications}
    assert_english_page(english, logged, *categories)
    assert english_start in english
    assert " (13900000000)" in english
    chinese = _get(client, staff_url, "zh-hans")
    assert chinese_start in chinese
    assert "（13900000000）" in chinese

    client.logout()
    for url in (reverse("subsidies:results"), reverse("subsidies:round_results", args=[round_.pk])):
        english = _get(client, url, "en")
        assert_english_page(english, *categories)
        assert english_start in english
        assert chinese_start in _get(client, url, "zh-hans")
