"""Every subsidy page and action as every role (Art. 15; ARCHITECTURE "who sees what").

The expectations are written out here, not derived from the selectors under test. A
refused action changes nothing; a GET on an action is 405; an anonymous visitor is sent to
the login page, except on the public results.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from subsidies import services
from subsidies.models import Application, Assignment, Award, EvidenceFile, Objection, SubsidyRound
from tests.factories import (
    PDF_BYTES,
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
    eligible_alliance,
    pdf_upload,
    publish_in_notice,
    subsidy_round,
)

pytestmark = pytest.mark.django_db
ROLES = [
    "staff",
    "admin",
    "lead",
    "other_lead",
    "county",
    "assigned",
    "stranger",
    "auditor",
    "security_admin",
    "anonymous",
]
LOGIN = "login"


def _submitted_with_evidence(round_, alliance, lead):
    application = services.application_create(round_=round_, alliance=alliance, by=lead)
    evidence = services.application_attach(application=application, by=lead, uploaded=pdf_upload())
    application.summary = "联盟运行规范。"
    application.save()
    application.self_evaluations.update(score=80)
    services.application_submit(application=application, by=lead)
    return application, evidence


@pytest.fixture
def world():
    staff = MunicipalStaffFactory()
    lead, other_lead = LeadUnitUserFactory(), LeadUnitUserFactory()
    alliance = eligible_alliance(lead_user=lead, name="本单位联盟")
    eligible_alliance(lead_user=other_lead, name="他单位联盟")
    assigned, stranger = EvaluatorFactory(), EvaluatorFactory()

    draft_round = subsidy_round(state="draft", staff=staff, title="筹备中批次")
    open_round = subsidy_round(staff=staff, title="申请中批次")
    draft_app = services.application_create(round_=open_round, alliance=alliance, by=lead)
    draft_evidence = services.application_attach(
        application=draft_app, by=lead, uploaded=pdf_upload()
    )
    draft_app.summary = "联盟运行规范。"  # complete, so that the lead unit's submit succeeds
    draft_app.save()
    draft_app.self_evaluations.update(score=85)
    spare = eligible_alliance(lead_user=lead, name="本单位第二联盟")  # not applied for yet

    eval_round = subsidy_round(staff=staff, title="评审中批次")
    application, evidence = _submitted_with_evidence(eval_round, alliance, lead)
    assignment = services.assign_evaluator(application=application, by=staff, evaluator=assigned)
    services.declare_no_conflict(assignment=assignment, by=assigned)
    services.round_start_evaluation(round_=eval_round, by=staff)

    notice_round = subsidy_round(staff=staff, title="公示中批次")
    notice_app, _ = _submitted_with_evidence(notice_round, alliance, lead)
    services.round_start_evaluation(round_=notice_round, by=staff)
    award = services.award_set(application=notice_app, by=staff, amount_yuan=200_000)
    publish_in_notice(notice_round, staff)
    notice_round.refresh_from_db()
    award.notice_number = "保科联补〔TEST〕001号"
    award.notice_file.save("notice.pdf", ContentFile(PDF_BYTES))
    objection = services.objection_record(
        award=award,
        by=staff,
        objector_name="赵六",
        objector_contact="13800000000",
        content="异议",
        received_on=notice_round.notice_starts_on,
    )
    users = {
        "staff": staff,
        "admin": AdminFactory(),
        "lead": lead,
        "other_lead": other_lead,
        "county": CountyReviewerFactory(),
        "assigned": assigned,
        "stranger": stranger,
        "auditor": AuditorFactory(),  # reads the logs only: 403 but on the public results
        "security_admin": SecurityAdminFactory(),  # the same: 403 but on the public results
        "anonymous": None,
    }
    return {
        "users": users,
        "alliance": alliance,
        "spare": spare,
        "draft_round": draft_round,
        "open_round": open_round,
        "eval_round": eval_round,
        "notice_round": notice_round,
        "draft_app": draft_app,
        "draft_evidence": draft_evidence,
        "application": application,
        "evidence": evidence,
        "assignment": assignment,
        "award": award,
        "objection": objection,
    }


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def _outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return LOGIN
    return response.status_code


def _expect(rest=403, anonymous=LOGIN, **by_role):
    """Expected outcome per role: the roles named, ``rest`` for the others."""
    return {role: by_role.get(role, rest) for role in ROLES} | {"anonymous": anonymous}


# (description, URL builder, expected outcome per role)
PAGES = [
    (
        "round list",
        lambda w: reverse("subsidies:round_list"),
        _expect(staff=200, lead=200, other_lead=200),
    ),
    ("new round", lambda w: reverse("subsidies:round_new"), _expect(staff=200)),
    (
        "round detail",
        lambda w: reverse("subsidies:round_detail", args=[w["eval_round"].pk]),
        _expect(staff=200, lead=200, other_lead=200),
    ),
    (
        "round in preparation",
        lambda w: reverse("subsidies:round_detail", args=[w["draft_round"].pk]),
        _expect(staff=200, lead=404, other_lead=404),
    ),
    (
        "round edit",
        lambda w: reverse("subsidies:round_edit", args=[w["draft_round"].pk]),
        _expect(staff=200),
    ),
    (
        "criteria",
        lambda w: reverse("subsidies:criteria_edit", args=[w["draft_round"].pk]),
        _expect(staff=200),
    ),
    (
        "ranking",
        lambda w: reverse("subsidies:ranking", args=[w["eval_round"].pk]),
        _expect(staff=200),
    ),
    (
        "ranking export",
        lambda w: reverse("subsidies:ranking_export", args=[w["eval_round"].pk]),
        _expect(staff=200),
    ),
    (
        "objection form",
        lambda w: reverse("subsidies:objection_new", args=[w["award"].pk]),
        _expect(staff=200),
    ),
    (
        "disbursement form",
        lambda w: reverse("subsidies:disbursement", args=[w["award"].pk]),
        _expect(staff=200),
    ),
    (
        "award notice",
        lambda w: reverse("subsidies:award_notice", args=[w["award"].pk]),
        _expect(staff=200, lead=200, auditor=403, security_admin=403, rest=404),
    ),
    (
        "application list",
        lambda w: reverse("subsidies:application_list"),
        _expect(staff=200, lead=200, other_lead=200),
    ),
    (
        "submitted application",
        lambda w: reverse("subsidies:application_detail", args=[w["application"].pk]),
        _expect(staff=200, lead=200, other_lead=404, assigned=200, stranger=404),
    ),
    (
        "draft application",
        lambda w: reverse("subsidies:application_detail", args=[w["draft_app"].pk]),
        _expect(staff=404, admin=403, lead=200, other_lead=404, assigned=404, stranger=404),
    ),
    (
        "application edit",
        lambda w: reverse("subsidies:application_edit", args=[w["draft_app"].pk]),
        _expect(lead=200, other_lead=404),
    ),
    (
        "evidence of a submitted application",
        lambda w: reverse(
            "subsidies:evidence_download", args=[w["application"].pk, w["evidence"].pk]
        ),
        _expect(staff=200, lead=200, other_lead=404, assigned=200, stranger=404),
    ),
    (
        "evidence of a draft",
        lambda w: reverse(
            "subsidies:evidence_download", args=[w["draft_app"].pk, w["draft_evidence"].pk]
        ),
        _expect(staff=404, admin=403, lead=200, other_lead=404, assigned=404, stranger=404),
    ),
    ("public results", lambda w: reverse("subsidies:results"), _expect(rest=200, anonymous=200)),
    (
        "public results of a round in notice",
        lambda w: reverse("subsidies:round_results", args=[w["notice_round"].pk]),
        _expect(rest=200, anonymous=200),
    ),
    (
        "public results of a round in evaluation",
        lambda w: reverse("subsidies:round_results", args=[w["eval_round"].pk]),
        _expect(rest=404, anonymous=404),
    ),
]


def test_every_page_as_every_role(client, world):
    failures = []
    for description, url_of, expected in PAGES:
        url = url_of(world)
        for role in ROLES:
            _as(client, world["users"][role])
            got = _outcome(client.get(url))
            if got != expected[role]:
                failures.append(f"{description} as {role}: expected {expected[role]}, got {got}")
    assert not failures, "\n".join(failures)


def _snapshot(w):
    """Everything a refused action could have changed."""
    return {
        "rounds": sorted(SubsidyRound.objects.values_list("pk", "state", "notice_ends_on")),
        "applications": sorted(Application.objects.values_list("pk", "state", "summary")),
        "assignments": sorted(Assignment.objects.values_list("pk", "evaluator_id")),
        "awards": sorted(Award.objects.values_list("pk", "amount_yuan", "disbursed_yuan")),
        "objections": sorted(Objection.objects.values_list("pk", "resolution")),
        "evidence": EvidenceFile.objects.count(),
    }


# (description, URL builder, POST data builder, the roles that may act)
ACTIONS = [
    (
        "open",
        lambda w: reverse("subsidies:round_open", args=[w["draft_round"].pk]),
        lambda w: {"expected_state": "draft"},
        {"staff"},
    ),
    (
        "start evaluation",
        lambda w: reverse("subsidies:round_start_evaluation", args=[w["open_round"].pk]),
        lambda w: {"expected_state": "open", "confirmed": "1"},
        {"staff"},
    ),
    (
        "publish",
        lambda w: reverse("subsidies:round_publish", args=[w["eval_round"].pk]),
        lambda w: {"expected_state": "evaluating"},
        {"staff"},
    ),
    (
        "finalise",
        lambda w: reverse("subsidies:round_finalise", args=[w["notice_round"].pk]),
        lambda w: {"expected_state": "notice"},
        {"staff"},
    ),
    (
        "assign",
        lambda w: reverse("subsidies:assign", args=[w["application"].pk]),
        lambda w: {"evaluator": w["users"]["stranger"].pk},
        {"staff"},
    ),
    (
        "unassign",
        lambda w: reverse("subsidies:unassign", args=[w["assignment"].pk]),
        lambda w: {},
        {"staff"},
    ),
    (
        "award",
        lambda w: reverse("subsidies:award_set", args=[w["application"].pk]),
        lambda w: {"amount": "150000"},
        {"staff"},
    ),
    (
        "suggest",
        lambda w: reverse("subsidies:awards_suggest", args=[w["eval_round"].pk]),
        lambda w: {},
        {"staff"},
    ),
    (
        "objection",
        lambda w: reverse("subsidies:objection_new", args=[w["award"].pk]),
        lambda w: {
            "objector_name": "钱七",
            "objector_contact": "13900000000",
            "content": "异议",
            "received_on": timezone.localdate().isoformat(),
        },
        {"staff"},
    ),
    (
        "resolve objection",
        lambda w: reverse("subsidies:objection_resolve", args=[w["objection"].pk]),
        lambda w: {"resolution": "不成立"},
        {"staff"},
    ),
    (
        "apply",
        lambda w: reverse("subsidies:application_new", args=[w["open_round"].pk, w["spare"].pk]),
        lambda w: {},
        {"lead"},
    ),
    (
        "save draft",
        lambda w: reverse("subsidies:application_edit", args=[w["draft_app"].pk]),
        lambda w: {"summary": "改写后的概述", "funding_plan": ""},
        {"lead"},
    ),
    (
        "upload evidence",
        lambda w: reverse("subsidies:evidence_upload", args=[w["draft_app"].pk]),
        lambda w: {"file": pdf_upload()},
        {"lead"},
    ),
    (
        "submit",
        lambda w: reverse("subsidies:application_submit", args=[w["draft_app"].pk]),
        lambda w: {"expected_state": "draft"},
        {"lead"},
    ),
    (
        "withdraw",
        lambda w: reverse("subsidies:application_withdraw", args=[w["draft_app"].pk]),
        lambda w: {"expected_state": "draft"},
        {"lead"},
    ),
]


@pytest.mark.parametrize(
    ("description", "url_of", "data_of", "allowed"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
def test_refused_actions_change_nothing(client, world, description, url_of, data_of, allowed):
    url = url_of(world)
    for role in ROLES:
        if role in allowed:
            continue
        before = _snapshot(world)
        _as(client, world["users"][role])
        got = _outcome(client.post(url, data_of(world)))
        allowed_outcomes = {LOGIN} if role == "anonymous" else {403, 404}
        assert got in allowed_outcomes, f"{description} as {role}: {got}"
        assert _snapshot(world) == before, f"{description} as {role} changed something"
    # The allowed role really can act (so the refusals above are not an accident of the URL).
    before = _snapshot(world)
    _as(client, world["users"][next(iter(allowed))])
    response = client.post(url, data_of(world))
    assert response.status_code in (200, 302)
    if description not in ("suggest", "finalise"):  # suggesting saves nothing; finalise waits
        assert _snapshot(world) != before, f"{description} by {allowed} changed nothing"


POST_ONLY = [
    lambda w: reverse("subsidies:round_open", args=[w["draft_round"].pk]),
    lambda w: reverse("subsidies:round_start_evaluation", args=[w["open_round"].pk]),
    lambda w: reverse("subsidies:round_publish", args=[w["eval_round"].pk]),
    lambda w: reverse("subsidies:round_finalise", args=[w["notice_round"].pk]),
    lambda w: reverse("subsidies:assign", args=[w["application"].pk]),
    lambda w: reverse("subsidies:unassign", args=[w["assignment"].pk]),
    lambda w: reverse("subsidies:award_set", args=[w["application"].pk]),
    lambda w: reverse("subsidies:award_remove", args=[w["notice_round"].pk, w["award"].pk]),
    lambda w: reverse("subsidies:awards_suggest", args=[w["eval_round"].pk]),
    lambda w: reverse("subsidies:objection_resolve", args=[w["objection"].pk]),
    lambda w: reverse("subsidies:application_new", args=[w["open_round"].pk, w["alliance"].pk]),
    lambda w: reverse("subsidies:evidence_upload", args=[w["draft_app"].pk]),
    lambda w: reverse("subsidies:application_submit", args=[w["draft_app"].pk]),
    lambda w: reverse("subsidies:application_withdraw", args=[w["draft_app"].pk]),
]


def test_get_on_an_action_is_405(client, world):
    for role in ("staff", "lead"):
        _as(client, world["users"][role])
        for url_of in POST_ONLY:
            url = url_of(world)
            assert client.get(url).status_code == 405, (role, url)
