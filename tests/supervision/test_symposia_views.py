"""Symposia (Art. 12(3)): scheduling, invitations, attendance, minutes."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from filings.models import Alliance
from supervision import services
from supervision.models import Symposium, SymposiumInvitation
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
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def world():
    """Alliances A (invited) and B (not invited, other county); a symposium inviting A and C."""
    lead_a = LeadUnitUserFactory()
    lead_b = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    lead_c = LeadUnitUserFactory()
    staff = MunicipalStaffFactory()
    people = {
        "a": filed_alliance(lead_user=lead_a),
        "b": filed_alliance(lead_user=lead_b),
        "c": filed_alliance(lead_user=lead_c),
        "lead_a": lead_a,
        "lead_b": lead_b,
        "lead_c": lead_c,
        "staff": staff,
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "evaluator": EvaluatorFactory(),
    }
    people["symposium"] = services.symposium_schedule(
        by=staff,
        title="2027年联盟工作座谈会",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        location="市科技局三楼会议室",
        agenda="交流联盟运行经验",
        alliances=[people["a"], people["c"]],
    )
    return people


def held(symposium):
    """The symposium as it is once its time has come (it was scheduled ten days ahead)."""
    Symposium.objects.filter(pk=symposium.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    symposium.refresh_from_db()
    return symposium


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _stored_files():
    location = settings.STORAGES["default"]["OPTIONS"]["location"]
    return [name for _root, _dirs, files in os.walk(location) for name in files]


# --- Role matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", 200),
        ("lead_a", 200),
        ("lead_b", 404),
        ("county_a", 200),
        ("county_b", 404),
        ("evaluator", 403),
    ],
)
def test_symposium_detail_role_matrix(client, world, who, expected):
    url = reverse("supervision:symposium_detail", args=[world["symposium"].pk])
    assert _as(client, world[who]).get(url).status_code == expected


@pytest.mark.parametrize(
    ("who", "sees"),
    [("staff", True), ("lead_a", True), ("lead_b", False), ("county_a", True), ("county_b", False)],
)
def test_symposium_list_shows_what_the_user_is_invited_to(client, world, who, sees):
    response = _as(client, world[who]).get(reverse("supervision:symposium_list"))
    assert response.status_code == 200
    assert (world["symposium"].title in response.content.decode()) is sees


def test_only_staff_see_the_schedule_button(client, world):
    url = reverse("supervision:symposium_list")
    assert "安排座谈会" in _as(client, world["staff"]).get(url).content.decode()
    assert (
        reverse("supervision:symposium_new")
        not in _as(client, world["lead_a"]).get(url).content.decode()
    )


def test_evaluator_and_anonymous_users_are_kept_out(client, world):
    assert (
        _as(client, world["evaluator"]).get(reverse("supervision:symposium_list")).status_code
        == 403
    )
    client.logout()
    symposium = world["symposium"]
    for url in [
        reverse("supervision:symposium_list"),
        reverse("supervision:symposium_new"),
        reverse("supervision:symposium_detail", args=[symposium.pk]),
        reverse("supervision:symposium_minutes_file", args=[symposium.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )


@pytest.mark.parametrize("who", ["lead_a", "county_a", "evaluator"])
def test_only_municipal_staff_may_act_on_symposia(client, world, who):
    symposium = world["symposium"]
    invitation = symposium.invitations.get(alliance=world["a"])
    entries = AuditEntry.objects.for_object(symposium).count()
    client = _as(client, world[who])
    assert client.get(reverse("supervision:symposium_new")).status_code == 403
    posts = [
        ("symposium_new", [], {"title": "x", "starts_at": "2027-05-01T09:00", "location": "y"}),
        ("symposium_invite", [symposium.pk], {"alliances": [world["b"].pk]}),
        ("symposium_attendance", [symposium.pk], {f"attendance-{invitation.pk}": "attended"}),
        ("symposium_minutes", [symposium.pk], {"summary": "纪要", "file": pdf_upload()}),
        ("symposium_cancel", [symposium.pk], {}),
    ]
    for name, args, data in posts:
        assert client.post(reverse(f"supervision:{name}", args=args), data).status_code == 403, name
    symposium.refresh_from_db()
    invitation.refresh_from_db()
    assert symposium.state == Symposium.State.SCHEDULED and not symposium.minutes_file
    assert invitation.attendance == SymposiumInvitation.Attendance.UNKNOWN
    assert symposium.invitations.count() == 2
    assert Symposium.objects.count() == 1
    assert AuditEntry.objects.for_object(symposium).count() == entries


def test_actions_are_post_only(client, world):
    client = _as(client, world["staff"])
    for name in [
        "symposium_invite",
        "symposium_attendance",
        "symposium_minutes",
        "symposium_cancel",
    ]:
        assert (
            client.get(reverse(f"supervision:{name}", args=[world["symposium"].pk])).status_code
            == 405
        )


# --- Scheduling ------------------------------------------------------------------------


def test_scheduling_invites_each_alliance_by_email(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, world["staff"]).post(
            reverse("supervision:symposium_new"),
            {
                "title": "产学研合作经验交流会",
                "starts_at": "2027-05-20T14:30",
                "location": "保定市科技局",
                "agenda": "一、经验交流\n二、问题研讨",
                "alliances": [world["a"].pk, world["b"].pk],
            },
        )
    symposium = Symposium.objects.get(title="产学研合作经验交流会")
    assert response["Location"] == reverse("supervision:symposium_detail", args=[symposium.pk])
    assert timezone.localtime(symposium.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-05-20 14:30"
    assert set(symposium.invitations.values_list("alliance_id", flat=True)) == {
        world["a"].pk,
        world["b"].pk,
    }
    invitations = [m for m in mailoutbox if "座谈会邀请" in m.subject]
    assert len(invitations) == 2
    assert {m.to[0] for m in invitations} == {world["lead_a"].email, world["lead_b"].email}


def test_an_incomplete_form_keeps_what_was_typed(client, world):
    unfiled = Alliance.objects.create(name="未备案联盟", lead_unit=OrganisationFactory())
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_new"),
        {
            "title": "",
            "starts_at": "2027-05-20T14:30",
            "location": "会议中心",
            "alliances": [unfiled.pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "alliances" in form.errors
    body = response.content.decode()
    assert 'value="会议中心"' in body and 'value="2027-05-20T14:30"' in body
    assert Symposium.objects.count() == 1


def test_the_invitation_form_offers_only_filed_alliances(client, world):
    revoked = filed_alliance()
    Alliance.objects.filter(pk=revoked.pk).update(status=Alliance.Status.REVOKED)
    form = _as(client, world["staff"]).get(reverse("supervision:symposium_new")).context["form"]
    choices = set(form.fields["alliances"].queryset)
    assert world["a"] in choices and revoked not in choices


# --- The page ------------------------------------------------------------------------


def test_an_invited_lead_unit_sees_only_its_own_invitation(client, world):
    body = (
        _as(client, world["lead_a"])
        .get(reverse("supervision:symposium_detail", args=[world["symposium"].pk]))
        .content.decode()
    )
    assert world["a"].name in body and world["c"].name not in body
    attendance_url = reverse("supervision:symposium_attendance", args=[world["symposium"].pk])
    assert attendance_url not in body


def test_staff_record_attendance(client, world):
    symposium = held(world["symposium"])
    inv_a = symposium.invitations.get(alliance=world["a"])
    inv_c = symposium.invitations.get(alliance=world["c"])
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_attendance", args=[symposium.pk]),
        {
            f"attendance-{inv_a.pk}": "attended",
            f"attendees-{inv_a.pk}": "张三、李四",
            f"attendance-{inv_c.pk}": "absent",
        },
        follow=True,
    )
    assert "已登记2个联盟的出席情况" in response.content.decode()
    inv_a.refresh_from_db()
    inv_c.refresh_from_db()
    assert (inv_a.attendance, inv_a.attendees) == ("attended", "张三、李四")
    assert inv_c.attendance == "absent"
    lead_page = (
        _as(client, world["lead_a"]).get(reverse("supervision:symposium_list")).content.decode()
    )
    assert "出席" in lead_page


def test_invalid_attendance_value_changes_nothing(client, world):
    symposium = held(world["symposium"])
    inv_a = symposium.invitations.get(alliance=world["a"])
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_attendance", args=[symposium.pk]),
        {f"attendance-{inv_a.pk}": "maybe"},
        follow=True,
    )
    assert "出席情况的取值无效" in response.content.decode()
    inv_a.refresh_from_db()
    assert inv_a.attendance == "unknown"


def test_inviting_more_alliances(client, world, mailoutbox, django_capture_on_commit_callbacks):
    symposium = world["symposium"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, world["staff"]).post(
            reverse("supervision:symposium_invite", args=[symposium.pk]),
            {"alliances": [world["b"].pk]},
            follow=True,
        )
    assert "已向1个联盟发出邀请" in response.content.decode()
    assert symposium.invitations.filter(alliance=world["b"]).exists()
    assert [m.to for m in mailoutbox] == [[world["lead_b"].email]]
    # Already invited alliances are not offered again.
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_invite", args=[symposium.pk]), {"alliances": [world["a"].pk]}
    )
    assert response.status_code == 200
    assert "alliances" in response.context["invite_form"].errors


# --- Minutes ---------------------------------------------------------------------------


def test_valid_minutes_are_stored_and_downloadable_by_invitees(client, world):
    symposium = held(world["symposium"])
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_minutes", args=[symposium.pk]),
        {
            "summary": "各联盟交流了产学研合作经验。",
            "file": pdf_upload("会议纪要.pdf"),
            "expected_state": "scheduled",
        },
        follow=True,
    )
    assert "会议纪要已上传" in response.content.decode()
    symposium.refresh_from_db()
    assert symposium.state == Symposium.State.HELD
    assert symposium.minutes_summary == "各联盟交流了产学研合作经验。"
    url = reverse("supervision:symposium_minutes_file", args=[symposium.pk])
    download = _as(client, world["lead_a"]).get(url)
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert _as(client, world["lead_b"]).get(url).status_code == 404
    body = (
        _as(client, world["lead_a"])
        .get(reverse("supervision:symposium_detail", args=[symposium.pk]))
        .content.decode()
    )
    assert "各联盟交流了产学研合作经验。" in body and url in body


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(client, world):
    symposium = held(world["symposium"])
    before = _stored_files()
    fake = SimpleUploadedFile("纪要.pdf", EXECUTABLE, content_type="application/pdf")
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_minutes", args=[symposium.pk]),
        {"summary": "纪要摘要文字", "file": fake},
    )
    assert response.status_code == 200
    assert "不是PDF、JPEG或PNG文件" in " ".join(response.context["minutes_form"].errors["file"])
    assert "纪要摘要文字" in response.content.decode()
    symposium.refresh_from_db()
    assert symposium.state == Symposium.State.SCHEDULED and not symposium.minutes_file
    assert _stored_files() == before
    url = reverse("supervision:symposium_minutes_file", args=[symposium.pk])
    assert client.get(url).status_code == 404


def test_cancelling_and_a_stale_cancel(client, world):
    symposium = world["symposium"]
    client = _as(client, world["staff"])
    url = reverse("supervision:symposium_cancel", args=[symposium.pk])
    response = client.post(url, {"expected_state": "scheduled"}, follow=True)
    assert "座谈会已取消" in response.content.decode()
    symposium.refresh_from_db()
    assert symposium.state == Symposium.State.CANCELLED
    response = client.post(url, {"expected_state": "scheduled"}, follow=True)
    assert "该记录已被他人修改" in response.content.decode()
    response = client.post(url, follow=True)
    assert "当前状态为“已取消”，不能执行" in response.content.decode()


def test_a_title_with_a_line_break_still_sends_its_invitations(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    """A typed line break reached the e-mail subject (BadHeaderError after the symposium
    was saved, so nobody was invited); subjects are one line now, wherever they come from."""
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, world["staff"]).post(
            reverse("supervision:symposium_new"),
            {
                "title": "交流会\r\nBcc: victim@example.test",
                "starts_at": "2027-05-20T14:30",
                "location": "保定市科技局",
                "alliances": [world["a"].pk],
            },
        )
    sent = [m for m in mailoutbox if "座谈会邀请" in m.subject]
    assert len(sent) == 1
    assert "\n" not in sent[0].subject and "\r" not in sent[0].subject
    assert sent[0].bcc == [] and sent[0].message()["Bcc"] is None
    assert sent[0].to == [world["lead_a"].email]


@pytest.mark.parametrize("bad", ["9" * 40, "-1", "１２", "abc"])
def test_an_impossible_alliance_id_is_a_form_error(client, world, bad):
    response = _as(client, world["staff"]).post(
        reverse("supervision:symposium_new"),
        {"title": "t", "starts_at": "2027-05-20T14:30", "location": "l", "alliances": [bad]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["alliances"]


def test_attendance_and_minutes_wait_until_the_symposium_is_held(client, world):
    """Found walking the portal: a meeting ten days ahead could be recorded as held."""
    symposium = world["symposium"]
    inv_a = symposium.invitations.get(alliance=world["a"])
    staff = _as(client, world["staff"])
    attendance = staff.post(
        reverse("supervision:symposium_attendance", args=[symposium.pk]),
        {f"attendance-{inv_a.pk}": "attended", f"attendees-{inv_a.pk}": "张三"},
        follow=True,
    )
    assert "召开后才能登记" in attendance.content.decode()
    minutes = staff.post(
        reverse("supervision:symposium_minutes", args=[symposium.pk]),
        {"summary": "尚未召开的会议纪要", "expected_state": "scheduled"},
        follow=True,
    )
    assert "召开后才能登记" in minutes.content.decode()
    symposium.refresh_from_db()
    assert symposium.state == "scheduled" and symposium.minutes_summary == ""
    assert symposium.invitations.get(pk=inv_a.pk).attendance != "attended"
