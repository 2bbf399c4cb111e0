"""Who may see and do what with annual summaries and major-event reports (Art. 12).

Every page and action × every role × own / other alliance or jurisdiction. A refused
action changes nothing: neither the record's state nor its audit log.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from filings.models import Alliance
from supervision import services
from supervision.models import AnnualSummary, EventAttachment, EventReport, SummaryAttachment
from tests.factories import (
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    SecurityAdminFactory,
    filed_alliance,
    jurisdiction,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "130607"
THIS_YEAR = timezone.localdate().year
ROLES = [
    "lead_a",
    "lead_b",
    "county_a",
    "county_b",
    "staff",
    "admin",
    "evaluator",
    "auditor",
    "security_admin",
    "anon",
]


@pytest.fixture
def world():
    """Alliance A (county 130602) with draft and submitted records; alliance B elsewhere."""
    lead_a = LeadUnitUserFactory()
    lead_b = LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction(OTHER_COUNTY))
    )
    w = {
        "lead_a": lead_a,
        "lead_b": lead_b,
        "county_a": CountyReviewerFactory(),
        "county_b": CountyReviewerFactory(jurisdiction=jurisdiction(OTHER_COUNTY)),
        "staff": MunicipalStaffFactory(),
        "admin": AdminFactory(),
        "evaluator": EvaluatorFactory(),
        "auditor": AuditorFactory(),
        "security_admin": SecurityAdminFactory(),
        "anon": None,
        "a": filed_alliance(lead_user=lead_a),
        "b": filed_alliance(lead_user=lead_b),
    }
    a = w["a"]
    w["summary_draft"] = AnnualSummary.objects.create(
        alliance=a, year=2025, work_done="开展联合攻关"
    )
    submitted = AnnualSummary.objects.create(alliance=a, year=2024, work_done="开展联合攻关")
    services.summary_attach(summary=submitted, by=lead_a, uploaded=pdf_upload())
    w["summary_submitted"] = services.summary_submit(summary=submitted, by=lead_a)
    w["summary_attachment"] = SummaryAttachment.objects.get(summary=submitted)

    def event(title):
        return EventReport.objects.create(
            alliance=a,
            created_by=lead_a,
            kind="seminar",
            title=title,
            event_date=timezone.localdate(),
            description="说明",
        )

    w["event_draft"] = event("草稿报告")
    reported = event("已报告")
    services.event_attach(report=reported, by=lead_a, uploaded=pdf_upload())
    w["event_submitted"] = services.event_submit(report=reported, by=lead_a)
    w["event_attachment"] = EventAttachment.objects.get(report=reported)
    return w


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


# --- Pages (GET) -------------------------------------------------------------------------------

# The security auditor reads the logs only, the security administrator manages lockouts,
# two-factor resets and sessions only, and the system administrator keeps accounts and
# policy (三员分立): 403 on every business page for all three.
READ_SUBMITTED = [200, 404, 200, 404, 200, 403, 403, 403, 403, "login"]
READ_LIST = [200, 200, 200, 200, 200, 403, 403, 403, 403, "login"]
READ_DRAFT = [200, 404, 404, 404, 404, 403, 403, 403, 403, "login"]
LEAD_ONLY = [200, 404, 403, 403, 403, 403, 403, 403, 403, "login"]

PAGES = {
    "summary_list": (lambda w: reverse("supervision:summary_list"), READ_LIST),
    "summary_detail": (
        lambda w: reverse("supervision:summary_detail", args=[w["summary_submitted"].pk]),
        READ_SUBMITTED,
    ),
    "summary_detail_draft": (
        lambda w: reverse("supervision:summary_detail", args=[w["summary_draft"].pk]),
        READ_DRAFT,
    ),
    "summary_edit": (
        lambda w: reverse("supervision:summary_edit", args=[w["summary_draft"].pk]),
        LEAD_ONLY,
    ),
    "summary_attachment": (
        lambda w: reverse(
            "supervision:summary_attachment",
            args=[w["summary_submitted"].pk, w["summary_attachment"].pk],
        ),
        READ_SUBMITTED,
    ),
    "event_list": (lambda w: reverse("supervision:event_list"), READ_LIST),
    "event_new": (lambda w: reverse("supervision:event_new", args=[w["a"].pk]), LEAD_ONLY),
    "event_detail": (
        lambda w: reverse("supervision:event_detail", args=[w["event_submitted"].pk]),
        READ_SUBMITTED,
    ),
    "event_detail_draft": (
        lambda w: reverse("supervision:event_detail", args=[w["event_draft"].pk]),
        READ_DRAFT,
    ),
    "event_edit": (
        lambda w: reverse("supervision:event_edit", args=[w["event_draft"].pk]),
        LEAD_ONLY,
    ),
    "event_attachment": (
        lambda w: reverse(
            "supervision:event_attachment", args=[w["event_submitted"].pk, w["event_attachment"].pk]
        ),
        READ_SUBMITTED,
    ),
}


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        (page, role, expected)
        for page, (_url, row) in PAGES.items()
        for role, expected in zip(ROLES, row, strict=True)
    ],
)
def test_page_access(client, world, page, role, expected):
    url = PAGES[page][0](world)
    response = _as(client, world[role]).get(url)
    if expected == "login":
        assert _is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_lists_show_only_what_the_role_may_see(client, world):
    b_summary = AnnualSummary.objects.create(
        alliance=world["b"], year=2024, state="submitted", work_done="x"
    )
    seen = {
        role: {
            s.pk
            for s in _as(client, world[role])
            .get(reverse("supervision:summary_list"))
            .context["page_obj"]
        }
        for role in ["lead_a", "lead_b", "county_a", "county_b", "staff"]
    }
    draft, submitted = world["summary_draft"].pk, world["summary_submitted"].pk
    assert seen["lead_a"] == {draft, submitted}
    assert seen["lead_b"] == {b_summary.pk}
    assert seen["county_a"] == {submitted}
    assert seen["county_b"] == {b_summary.pk}
    assert seen["staff"] == {submitted, b_summary.pk}
    events = {
        role: {
            e.pk
            for e in _as(client, world[role])
            .get(reverse("supervision:event_list"))
            .context["page_obj"]
        }
        for role in ["lead_a", "lead_b", "county_a", "county_b", "staff"]
    }
    assert events["lead_a"] == {world["event_draft"].pk, world["event_submitted"].pk}
    assert events["county_a"] == events["staff"] == {world["event_submitted"].pk}
    assert events["lead_b"] == events["county_b"] == set()


@pytest.mark.parametrize("url_name", ["summary_list", "event_list"])
def test_lists_never_fail_on_junk_filters(client, world, url_name):
    junk = {
        "year": "abc",
        "state": "zzz",
        "kind": "x",
        "overdue": "maybe",
        "late": "?",
        "q": "%",
        "page": "999",
    }
    response = _as(client, world["staff"]).get(reverse(f"supervision:{url_name}"), junk)
    assert response.status_code == 200


# --- Actions (POST) ----------------------------------------------------------------------------


def _snapshot(world):
    records = [
        world[k] for k in ("summary_draft", "summary_submitted", "event_draft", "event_submitted")
    ]
    return {
        "states": [type(r).objects.get(pk=r.pk).state for r in records],
        "log": [AuditEntry.objects.for_object(r).count() for r in records],
        "summaries": AnnualSummary.objects.count(),
        "events": EventReport.objects.count(),
        "attachments": SummaryAttachment.objects.count() + EventAttachment.objects.count(),
        "work_done": AnnualSummary.objects.get(pk=world["summary_draft"].pk).work_done,
        "title": EventReport.objects.get(pk=world["event_draft"].pk).title,
    }


EVENT_DATA = {
    "kind": "project",
    "title": "新项目",
    "event_date": "2026-01-05",
    "description": "说明",
}

# name → (url name, record key or "a" for the alliance, POST data, the role allowed, done?)
ACTIONS = {
    "summary_new": (
        "summary_new",
        "a",
        {"year": THIS_YEAR},
        "lead_a",
        lambda w: AnnualSummary.objects.filter(year=THIS_YEAR).exists(),
    ),
    "summary_edit": (
        "summary_edit",
        "summary_draft",
        {
            "work_done": "改过",
            **dict.fromkeys(
                [
                    "joint_projects",
                    "patents_applied",
                    "patents_granted",
                    "standards",
                    "people_trained",
                    "member_investment_yuan",
                    "government_investment_yuan",
                ],
                "0",
            ),
        },
        "lead_a",
        lambda w: AnnualSummary.objects.get(pk=w["summary_draft"].pk).work_done == "改过",
    ),
    "summary_attach": (
        "summary_attach",
        "summary_draft",
        "upload",
        "lead_a",
        lambda w: SummaryAttachment.objects.count() == 2,
    ),
    "summary_submit": (
        "summary_submit",
        "summary_draft",
        {"expected_state": "draft"},
        "lead_a",
        lambda w: AnnualSummary.objects.get(pk=w["summary_draft"].pk).state == "submitted",
    ),
    "summary_accept": (
        "summary_accept",
        "summary_submitted",
        {"expected_state": "submitted"},
        "staff",
        lambda w: AnnualSummary.objects.get(pk=w["summary_submitted"].pk).state == "accepted",
    ),
    "summary_return": (
        "summary_return",
        "summary_submitted",
        {"expected_state": "submitted", "reason": "补充"},
        "staff",
        lambda w: AnnualSummary.objects.get(pk=w["summary_submitted"].pk).state == "returned",
    ),
    "event_new": (
        "event_new",
        "a",
        EVENT_DATA,
        "lead_a",
        lambda w: EventReport.objects.filter(title="新项目").exists(),
    ),
    "event_edit": (
        "event_edit",
        "event_draft",
        {**EVENT_DATA, "title": "改过"},
        "lead_a",
        lambda w: EventReport.objects.get(pk=w["event_draft"].pk).title == "改过",
    ),
    "event_attach": (
        "event_attach",
        "event_draft",
        "upload",
        "lead_a",
        lambda w: EventAttachment.objects.count() == 2,
    ),
    "event_submit": (
        "event_submit",
        "event_draft",
        {"expected_state": "draft"},
        "lead_a",
        lambda w: EventReport.objects.get(pk=w["event_draft"].pk).state == "submitted",
    ),
    "event_accept": (
        "event_accept",
        "event_submitted",
        {"expected_state": "submitted"},
        "staff",
        lambda w: EventReport.objects.get(pk=w["event_submitted"].pk).state == "accepted",
    ),
    "event_return": (
        "event_return",
        "event_submitted",
        {"expected_state": "submitted", "reason": "补充"},
        "staff",
        lambda w: EventReport.objects.get(pk=w["event_submitted"].pk).state == "returned",
    ),
}


def _expected(action, role):
    allowed = ACTIONS[action][3]
    if role == "anon":
        return "login"
    if role == allowed:
        return "ok"
    if role == "lead_b" and allowed == "lead_a":
        return 404  # another alliance's record does not exist for them
    return 403


def _post(client, world, action):
    url_name, key, data, _role, _done = ACTIONS[action]
    url = reverse(f"supervision:{url_name}", args=[world[key].pk])
    if data == "upload":
        data = {"file": pdf_upload()}
    return client.post(url, data)


@pytest.mark.parametrize(("action", "role"), [(a, r) for a in ACTIONS for r in ROLES])
def test_action_access(client, world, action, role):
    expected = _expected(action, role)
    client = _as(client, world[role])
    before = _snapshot(world)
    response = _post(client, world, action)
    if expected == "ok":
        assert response.status_code == 302
        assert ACTIONS[action][4](world)
        return
    if expected == "login":
        assert _is_login_redirect(response)
    else:
        assert response.status_code == expected
    assert _snapshot(world) == before
    assert not ACTIONS[action][4](world)


POST_ONLY = [
    ("summary_new", "a"),
    ("summary_attach", "summary_draft"),
    ("summary_submit", "summary_draft"),
    ("summary_accept", "summary_submitted"),
    ("summary_return", "summary_submitted"),
    ("event_attach", "event_draft"),
    ("event_submit", "event_draft"),
    ("event_accept", "event_submitted"),
    ("event_return", "event_submitted"),
]


@pytest.mark.parametrize(("url_name", "key"), POST_ONLY)
@pytest.mark.parametrize("role", ["lead_a", "staff", "anon"])
def test_get_on_an_action_is_405(client, world, url_name, key, role):
    before = _snapshot(world)
    response = _as(client, world[role]).get(
        reverse(f"supervision:{url_name}", args=[world[key].pk])
    )
    assert response.status_code == 405
    assert _snapshot(world) == before


# --- Forged POSTs in a state that does not allow the action ------------------------------------


@pytest.fixture
def accepted(world):
    services.summary_accept(summary=world["summary_submitted"], by=world["staff"])
    services.event_accept(report=world["event_submitted"], by=world["staff"])
    return world


WRONG_STATE = "当前状态为“已受理”，不能执行"
FORGED = [
    ("lead_a", "summary_submit", "summary_submitted", {}, WRONG_STATE),
    ("staff", "summary_accept", "summary_submitted", {}, WRONG_STATE),
    (
        "staff",
        "summary_return",
        "summary_submitted",
        {"reason": "再改"},
        WRONG_STATE,
    ),
    (
        "lead_a",
        "summary_edit",
        "summary_submitted",
        {"work_done": "篡改"},
        "总结当前状态为“已受理”，不能修改。",
    ),
    (
        "lead_a",
        "summary_attach",
        "summary_submitted",
        "upload",
        "总结当前状态为“已受理”，不能修改。",
    ),
    ("lead_a", "event_submit", "event_submitted", {}, WRONG_STATE),
    ("staff", "event_accept", "event_submitted", {}, WRONG_STATE),
    (
        "staff",
        "event_return",
        "event_submitted",
        {"reason": "再改"},
        WRONG_STATE,
    ),
    ("lead_a", "event_edit", "event_submitted", EVENT_DATA, "报告当前状态为“已受理”，不能修改。"),
    ("lead_a", "event_attach", "event_submitted", "upload", "报告当前状态为“已受理”，不能修改。"),
]


@pytest.mark.parametrize(("role", "url_name", "key", "data", "message"), FORGED)
def test_forged_post_in_the_wrong_state_is_explained_and_changes_nothing(
    client, accepted, role, url_name, key, data, message
):
    world = accepted
    before = _snapshot(world)
    if data == "upload":
        data = {"file": pdf_upload()}
    response = _as(client, world[role]).post(
        reverse(f"supervision:{url_name}", args=[world[key].pk]), data, follow=True
    )
    assert response.status_code == 200
    assert any(str(m).startswith(message) for m in response.context["messages"])
    assert _snapshot(world) == before


# --- A revoked alliance submits nothing new (Art. 13) ------------------------------------------------


def test_revoked_alliance_cannot_create_or_submit_anything(client, world):
    a = world["a"]
    Alliance.objects.filter(pk=a.pk).update(status="revoked")
    client = _as(client, world["lead_a"])
    before = _snapshot(world)
    refused = f"“{a.name}”的备案状态为“已取消备案”，不能提交新的材料。"

    response = client.post(
        reverse("supervision:summary_new", args=[a.pk]), {"year": THIS_YEAR}, follow=True
    )
    assert refused in [str(m) for m in response.context["messages"]]

    response = client.post(reverse("supervision:event_new", args=[a.pk]), EVENT_DATA)
    assert response.status_code == 200
    assert refused in response.context["form"].non_field_errors()

    summary = world["summary_draft"]
    response = client.post(
        reverse("supervision:summary_submit", args=[summary.pk]),
        {"expected_state": "draft"},
        follow=True,
    )
    assert f"“{a.name}”的备案状态为“已取消备案”，不能提交年度工作总结。" in [
        str(m) for m in response.context["messages"]
    ]
    response = client.post(
        reverse("supervision:event_submit", args=[world["event_draft"].pk]),
        {"expected_state": "draft"},
        follow=True,
    )
    assert f"“{a.name}”的备案状态为“已取消备案”，不能报告重大事项。" in [
        str(m) for m in response.context["messages"]
    ]

    response = client.post(
        reverse("supervision:summary_attach", args=[summary.pk]), {"file": pdf_upload()}
    )
    assert refused in response.content.decode()
    assert _snapshot(world) == before
