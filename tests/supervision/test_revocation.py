"""Revocation of a filing (取消备案, Art. 13): notice, 陈述申辩, decision, dissolution."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEntry
from core.workdays import add_working_days
from filings.models import Alliance
from supervision import services
from supervision.models import RevocationAttachment, RevocationCase
from tests.factories import (
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
    jurisdiction,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "130607"
TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def world():
    lead_a = LeadUnitUserFactory()
    lead_b = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    return {
        "a": filed_alliance(lead_user=lead_a),
        "b": filed_alliance(lead_user=lead_b),
        "lead_a": lead_a,
        "lead_b": lead_b,
        "staff": MunicipalStaffFactory(),
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "evaluator": EvaluatorFactory(),
    }


@pytest.fixture
def case(world):
    """An open case on alliance A, with one piece of evidence."""
    return services.case_open(
        alliance=world["a"],
        by=world["staff"],
        grounds=["2"],
        facts="连续两年未按章程开展创新活动",
        evidence=[pdf_upload("检查记录.pdf")],
    )


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _snapshot(case):
    case = RevocationCase.objects.get(pk=case.pk)
    alliance = Alliance.objects.get(pk=case.alliance_id)
    return (
        case.state,
        case.statement,
        case.decision_number,
        alliance.status,
        # The log of this case and its alliance (logins are logged too, elsewhere).
        AuditEntry.objects.for_object(case).count(),
        AuditEntry.objects.for_object(alliance).count(),
    )


def _after_deadline(case):
    day = case.statement_deadline + datetime.timedelta(days=1)
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ))


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _decide(client, case, decision="revoke", reasons="经查属实，依照第十三条决定。", **extra):
    return client.post(
        reverse("supervision:case_decide", args=[case.pk]),
        {"decision": decision, "reasons": reasons, "confirmed": "1", **extra},
        follow=True,
    )


# --- Role matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", 200),
        ("county_a", 200),
        ("county_b", 404),
        ("lead_a", 200),
        ("lead_b", 404),
        ("evaluator", 403),
    ],
)
def test_case_pages_and_files_role_matrix(client, world, case, who, expected):
    attachment = case.evidence.get()
    client = _as(client, world[who])
    for url in [
        reverse("supervision:case_detail", args=[case.pk]),
        reverse("supervision:case_notice", args=[case.pk]),
        reverse("supervision:case_evidence", args=[case.pk, attachment.pk]),
    ]:
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(
    ("who", "sees"),
    [("staff", True), ("county_a", True), ("county_b", False), ("lead_a", True), ("lead_b", False)],
)
def test_case_list_is_scoped(client, world, case, who, sees):
    response = _as(client, world[who]).get(reverse("supervision:case_list"))
    assert response.status_code == 200
    assert (case.notice_number in response.content.decode()) is sees


def test_evaluator_cannot_list_cases(client, world, case):
    assert _as(client, world["evaluator"]).get(reverse("supervision:case_list")).status_code == 403


def test_case_list_filters_by_state_and_ground(client, world, case):
    other = services.case_open(
        alliance=world["b"], by=world["staff"], grounds=["3", "5"], facts="违法"
    )
    client = _as(client, world["staff"])
    url = reverse("supervision:case_list")
    body = client.get(url, {"ground": "3"}).content.decode()
    assert other.notice_number in body and case.notice_number not in body
    body = client.get(url, {"state": "notified", "ground": "2"}).content.decode()
    assert case.notice_number in body and other.notice_number not in body
    body = client.get(url, {"state": "revoked"}).content.decode()
    assert case.notice_number not in body and other.notice_number not in body


def test_anonymous_users_are_sent_to_login(client, world, case):
    login = reverse("accounts:login")
    for url in [
        reverse("supervision:case_list"),
        reverse("supervision:case_detail", args=[case.pk]),
        reverse("supervision:case_new", args=[world["a"].pk]),
        reverse("supervision:dissolve", args=[world["a"].pk]),
        reverse("supervision:case_notice", args=[case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    response = client.post(
        reverse("supervision:case_decide", args=[case.pk]),
        {"decision": "dismiss", "reasons": "x", "confirmed": "1"},
    )
    assert response["Location"].startswith(login)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", 200), ("county_a", 403), ("lead_a", 403), ("evaluator", 403)],
)
def test_only_municipal_staff_open_cases(client, world, who, expected):
    url = reverse("supervision:case_new", args=[world["a"].pk])
    client = _as(client, world[who])
    assert client.get(url).status_code == expected
    if expected == 403:
        response = client.post(url, {"grounds": ["2"], "facts": "事实", "confirmed": "1"})
        assert response.status_code == 403
        assert not RevocationCase.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("lead_a", 200), ("lead_b", 404), ("staff", 403), ("county_a", 403), ("evaluator", 403)],
)
def test_only_the_lead_unit_may_announce_dissolution(client, world, who, expected):
    url = reverse("supervision:dissolve", args=[world["a"].pk])
    client = _as(client, world[who])
    assert client.get(url).status_code == expected
    if expected != 200:
        assert client.post(url, {"statement": "解散", "confirm": "on"}).status_code == expected
        assert not RevocationCase.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("lead_b", 404), ("staff", 403), ("county_a", 403), ("county_b", 403), ("evaluator", 403)],
)
def test_statement_by_anyone_but_the_lead_unit_is_refused_and_changes_nothing(
    client, world, case, who, expected
):
    before = _snapshot(case)
    response = _as(client, world[who]).post(
        reverse("supervision:case_statement", args=[case.pk]), {"statement": "我们有异议"}
    )
    assert response.status_code == expected
    assert _snapshot(case) == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [("lead_a", 403), ("lead_b", 403), ("county_a", 403), ("county_b", 403), ("evaluator", 403)],
)
def test_decision_by_anyone_but_municipal_staff_is_refused_and_changes_nothing(
    client, world, case, who, expected
):
    before = _snapshot(case)
    response = _as(client, world[who]).post(
        reverse("supervision:case_decide", args=[case.pk]),
        {"decision": "dismiss", "reasons": "理由", "confirmed": "1"},
    )
    assert response.status_code == expected
    assert _snapshot(case) == before


def test_actions_are_post_only(client, world, case):
    client = _as(client, world["staff"])
    assert client.get(reverse("supervision:case_decide", args=[case.pk])).status_code == 405
    client = _as(client, world["lead_a"])
    assert client.get(reverse("supervision:case_statement", args=[case.pk])).status_code == 405


# --- Opening a case ------------------------------------------------------------------


def test_opening_issues_the_notice_sets_the_deadline_and_tells_the_lead_unit(
    client, world, cjk_font, mailoutbox, django_capture_on_commit_callbacks
):
    alliance = world["a"]
    url = reverse("supervision:case_new", args=[alliance.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, world["staff"]).post(
            url,
            {
                "grounds": ["2", "3"],
                "facts": "未按章程开展创新活动，且存在违法行为。",
                "evidence": [pdf_upload("证据一.pdf"), pdf_upload("证据二.pdf")],
                "confirmed": "1",
            },
        )
    case = RevocationCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:case_detail", args=[case.pk])
    assert case.grounds == ["2", "3"]
    assert case.state == RevocationCase.State.NOTIFIED
    assert case.evidence.count() == 2
    opened = timezone.localdate(case.opened_at)
    assert case.policy_version.statement_working_days == 10
    assert case.statement_deadline == add_working_days(
        opened, case.policy_version.statement_working_days
    )
    text = "".join(page.extract_text() for page in PdfReader(case.notice_file.open("rb")).pages)
    assert alliance.name in text
    lead_mail = [m for m in mailoutbox if m.to == [world["lead_a"].email]]
    assert len(lead_mail) == 1 and case.notice_number in lead_mail[0].body
    # The notice downloads as an attachment with a Chinese name.
    download = client.get(reverse("supervision:case_notice", args=[case.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert "%E5%91%8A%E7%9F%A5%E4%B9%A6" in download["Content-Disposition"]  # 告知书
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    detail = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert "证据一.pdf" in detail and case.notice_number in detail and "立案并送达告知书" in detail


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"facts": "事实"}, "grounds", "请至少选择一项"),
        ({"grounds": ["1"], "facts": "  "}, "facts", "请写明事实与理由"),
    ],
)
def test_opening_without_grounds_or_facts_shows_the_error_next_to_the_field(
    client, world, data, field, message
):
    response = _as(client, world["staff"]).post(
        reverse("supervision:case_new", args=[world["a"].pk]), data
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not RevocationCase.objects.exists()


def test_a_bad_evidence_file_is_refused_next_to_the_field_and_nothing_is_created(client, world):
    fake = SimpleUploadedFile(
        "证据.pdf", b"MZ\x90\x00\x03 not a pdf", content_type="application/pdf"
    )
    response = _as(client, world["staff"]).post(
        reverse("supervision:case_new", args=[world["a"].pk]),
        {
            "grounds": ["2"],
            "facts": "事实与理由",
            "evidence": [pdf_upload("好的.pdf"), fake],
            "confirmed": "1",
        },
    )
    assert response.status_code == 200
    assert "不是PDF、JPEG或PNG文件" in " ".join(response.context["form"].errors["evidence"])
    assert "事实与理由" in response.content.decode()
    assert not RevocationCase.objects.exists()
    assert not RevocationAttachment.objects.exists()


def test_a_second_open_case_on_the_same_alliance_is_refused_with_a_message(client, world, case):
    response = _as(client, world["staff"]).post(
        reverse("supervision:case_new", args=[world["a"].pk]),
        {"grounds": ["5"], "facts": "再次立案", "confirmed": "1"},
    )
    assert response.status_code == 200
    assert "该联盟已有一件正在办理的取消备案案件" in response.content.decode()
    assert RevocationCase.objects.count() == 1


# --- Statement (陈述申辩) and decision -----------------------------------------------


def test_revoking_before_the_deadline_without_a_statement_is_refused_with_the_reason(
    client, world, case
):
    before = _snapshot(case)
    response = _decide(_as(client, world["staff"]), case)
    d = case.statement_deadline
    deadline = f"{d.year}年{d.month}月{d.day}日"  # zh_Hans DATE_FORMAT: no leading zeros
    assert _messages(response) == [
        f"陈述申辩期至{deadline}，期满或收到陈述申辩后方可作出取消备案决定。"
    ]
    assert _snapshot(case) == before


def test_a_statement_within_the_period_is_accepted_and_then_staff_may_revoke(
    client, world, case, cjk_font
):
    client = _as(client, world["lead_a"])
    detail = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert reverse("supervision:case_statement", args=[case.pk]) in detail
    response = client.post(
        reverse("supervision:case_statement", args=[case.pk]),
        {"statement": "我单位已恢复开展活动，请求不予取消。", "expected_state": "notified"},
        follow=True,
    )
    assert "陈述申辩意见已提交" in response.content.decode()
    case.refresh_from_db()
    assert case.state == RevocationCase.State.STATEMENT_RECEIVED
    assert case.statement == "我单位已恢复开展活动，请求不予取消。"
    response = _decide(_as(client, world["staff"]), case, expected_state="statement_received")
    case.refresh_from_db()
    assert case.state == RevocationCase.State.REVOKED
    assert "已决定取消" in response.content.decode()


def test_a_statement_after_the_period_is_refused_with_a_clear_message(client, world, case):
    before = _snapshot(case)
    with _after_deadline(case):
        client = _as(client, world["lead_a"])
        detail = client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
        assert "陈述申辩期已于" in detail
        assert reverse("supervision:case_statement", args=[case.pk]) not in detail
        response = client.post(
            reverse("supervision:case_statement", args=[case.pk]),
            {"statement": "迟到的申辩"},
            follow=True,
        )
    assert response.status_code == 200
    d = case.statement_deadline
    deadline = f"{d.year}年{d.month}月{d.day}日"  # zh_Hans DATE_FORMAT: no leading zeros
    assert _messages(response) == [f"陈述申辩期已于{deadline}届满，不能再提交陈述申辩。"]
    assert _snapshot(case) == before


def test_an_empty_statement_is_shown_next_to_the_field(client, world, case):
    response = _as(client, world["lead_a"]).post(
        reverse("supervision:case_statement", args=[case.pk]), {"statement": "   "}
    )
    assert response.status_code == 200
    assert "请填写陈述申辩意见" in " ".join(response.context["statement_form"].errors["statement"])
    assert RevocationCase.objects.get(pk=case.pk).state == RevocationCase.State.NOTIFIED


def test_a_decision_without_a_choice_keeps_the_typed_reasons(client, world, case):
    response = _as(client, world["staff"]).post(
        reverse("supervision:case_decide", args=[case.pk]), {"reasons": "这是已经写好的理由"}
    )
    assert response.status_code == 200
    assert "请选择决定" in " ".join(response.context["decision_form"].errors["decision"])
    assert "这是已经写好的理由" in response.content.decode()
    assert RevocationCase.objects.get(pk=case.pk).state == RevocationCase.State.NOTIFIED


def test_a_decision_on_a_stale_page_is_refused(client, world, case):
    services.case_submit_statement(case=case, by=world["lead_a"], statement="申辩")
    before = _snapshot(case)
    response = _decide(
        _as(client, world["staff"]), case, decision="dismiss", expected_state="notified"
    )
    assert _messages(response) == ["该记录已被他人修改，请刷新页面后重试。"]
    assert _snapshot(case) == before


def test_revocation_after_the_period_takes_the_alliance_off_the_register(
    client, world, case, cjk_font
):
    alliance = world["a"]
    with _after_deadline(case):
        client = _as(client, world["staff"])
        response = _decide(client, case, reasons="期满未陈述申辩，经查属实。")
        assert "已决定取消" in response.content.decode()
        case.refresh_from_db()
        alliance.refresh_from_db()
        assert case.state == RevocationCase.State.REVOKED
        assert alliance.status == Alliance.Status.REVOKED
        assert AuditEntry.objects.for_object(alliance).filter(action="revoke").exists()
        text = "".join(
            page.extract_text() for page in PdfReader(case.decision_file.open("rb")).pages
        )
        assert alliance.name in text
        download = client.get(reverse("supervision:case_decision", args=[case.pk]))
        assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
        assert "%E5%86%B3%E5%AE%9A%E4%B9%A6" in download["Content-Disposition"]  # 决定书
        # No longer counted as filed.
        assert alliance not in Alliance.objects.filter(status=Alliance.Status.FILED)
        listing = client.get(
            reverse("supervision:alliance_list"), {"status": "filed"}
        ).content.decode()
        assert alliance.name not in listing and world["b"].name in listing
        with pytest.raises(ValidationError):
            services.summary_create(alliance=alliance, by=world["lead_a"], year=2025)


def test_dismissal_leaves_the_alliance_filed(client, world, case):
    response = _decide(_as(client, world["staff"]), case, decision="dismiss", reasons="已整改到位")
    assert "已决定不予取消" in response.content.decode()
    case.refresh_from_db()
    assert case.state == RevocationCase.State.DISMISSED
    assert bool(case.decision_file)
    assert Alliance.objects.get(pk=world["a"].pk).status == Alliance.Status.FILED
    # A closed case no longer blocks a new one.
    assert (
        _as(client, world["staff"])
        .get(reverse("supervision:case_new", args=[world["a"].pk]))
        .status_code
        == 200
    )


# --- Dissolution (Art. 13(4)) -------------------------------------------------------


def test_dissolution_opens_a_ground_4_case_that_staff_can_decide_at_once(client, world, cjk_font):
    alliance = world["a"]
    client = _as(client, world["lead_a"])
    response = client.post(
        reverse("supervision:dissolve", args=[alliance.pk]),
        {"statement": "经联盟理事会决议，联盟自即日起解散。", "confirm": "on"},
    )
    case = RevocationCase.objects.get()
    assert response["Location"] == reverse("supervision:case_detail", args=[case.pk])
    assert case.grounds == ["4"] and case.self_reported
    assert case.state == RevocationCase.State.STATEMENT_RECEIVED
    assert case.statement == "经联盟理事会决议，联盟自即日起解散。"
    response = _decide(_as(client, world["staff"]), case, reasons="联盟自行宣布解散。")
    case.refresh_from_db()
    assert case.state == RevocationCase.State.REVOKED
    assert Alliance.objects.get(pk=alliance.pk).status == Alliance.Status.REVOKED


def test_dissolution_needs_the_confirmation_and_a_statement(client, world):
    client = _as(client, world["lead_a"])
    url = reverse("supervision:dissolve", args=[world["a"].pk])
    response = client.post(url, {"statement": "理事会决议解散"})
    assert response.status_code == 200
    assert "请勾选确认" in " ".join(response.context["form"].errors["confirm"])
    assert "理事会决议解散" in response.content.decode()
    response = client.post(url, {"statement": "", "confirm": "on"})
    assert "statement" in response.context["form"].errors
    assert not RevocationCase.objects.exists()


def test_dissolution_while_a_case_is_open_is_refused_with_a_message(client, world, case):
    response = _as(client, world["lead_a"]).post(
        reverse("supervision:dissolve", args=[world["a"].pk]),
        {"statement": "解散", "confirm": "on"},
    )
    assert response.status_code == 200
    assert "该联盟已有一件正在办理的取消备案案件" in response.content.decode()
    assert RevocationCase.objects.count() == 1


def test_evidence_downloads_under_its_original_name(client, world, case):
    attachment = case.evidence.get()
    response = _as(client, world["lead_a"]).get(
        reverse("supervision:case_evidence", args=[case.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert io.BytesIO(b"".join(response.streaming_content)).read(5) == b"%PDF-"
    # Another case's evidence id under this case: not found.
    other = services.case_open(
        alliance=world["b"], by=world["staff"], grounds=["1"], facts="纠纷", evidence=[pdf_upload()]
    )
    url = reverse("supervision:case_evidence", args=[case.pk, other.evidence.get().pk])
    assert _as(client, world["staff"]).get(url).status_code == 404
