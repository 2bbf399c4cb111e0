"""The subsidy demo (demo.subsidies.seed): a finished 2025 round and a 2026 round in
evaluation, built through the services, idempotent."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation, User
from audit.models import AuditEntry
from demo import subsidies as demo
from demo.accounts import seed_organisations, seed_users
from filings.models import AllianceMember
from subsidies.models import Application, Assignment, Award, Score, SubsidyRound
from supervision.models import AnnualSummary
from tests.factories import filed_alliance

pytestmark = pytest.mark.django_db

# (lead username, demo organisations that are members: they make some experts recuse)
ALLIANCES = [
    ("lead_ruichi", ["冀中理工大学", "北京中科智造研究院"]),
    ("lead_hengneng", ["天津津冀新能源有限公司"]),
    ("lead_lianchi", ["北京京保科技发展有限公司", "天津滨海先进制造研究所"]),
    ("lead_anguo", ["石家庄华药生物技术有限公司（演示）"]),
]


@pytest.fixture
def demo_world():
    seed_users(seed_organisations())
    alliances = []
    for username, members in ALLIANCES:
        alliance = filed_alliance(
            lead_user=User.objects.get(username=username), filed_on=datetime.date(2023, 5, 10)
        )
        for name in members:
            AllianceMember.objects.create(
                alliance=alliance,
                organisation=Organisation.objects.get(name=name),
                charter_signed=True,
            )
        alliances.append(alliance)
    # One alliance's 2025 summary is still under review: it may not apply in 2026, and the
    # demo must leave that summary as it is.
    AnnualSummary.objects.create(
        alliance=alliances[3], year=2025, state="submitted", work_done="待受理"
    )
    return alliances


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            SubsidyRound,
            Application,
            Assignment,
            Score,
            Award,
            AnnualSummary,
            AuditEntry,
        )
    }


def test_seed_builds_a_finished_and_an_evaluating_round_and_is_idempotent(demo_world):
    summary = demo.seed()
    assert "补贴评审演示数据" in summary
    before = counts()
    again = demo.seed()
    assert counts() == before
    assert "未做修改" in again

    finished = SubsidyRound.objects.get(title=demo.FINISHED_TITLE)
    evaluating = SubsidyRound.objects.get(title=demo.EVALUATING_TITLE)

    # The finished round: panel scored, awards within Art. 15's bounds and the budget.
    assert finished.state == SubsidyRound.State.FINAL and finished.year == 2025
    applications = finished.applications.filter(state=Application.State.SUBMITTED)
    assert applications.count() >= 3
    assignments = Assignment.objects.filter(application__round=finished)
    assert assignments.exists() and not assignments.filter(submitted_at__isnull=True).exists()
    for application in applications:
        members = set(application.alliance.members.values_list("organisation_id", flat=True))
        panel = application.assignments.select_related("evaluator")
        assert all(a.evaluator.organisation_id not in members for a in panel), (
            "a conflicted expert scored"
        )
        available = sum(
            1
            for name in demo.EXPERTS
            if User.objects.get(username=name).organisation_id not in members
        )
        assert panel.count() == min(5, available)
        totals = set()
        for assignment in panel:
            assert assignment.comment and assignment.scores.count() == finished.criteria.count()
            totals.add(tuple(assignment.scores.values_list("score", flat=True)))
        assert len(totals) > 1, "scores should vary between experts"
    awards = Award.objects.filter(application__round=finished)
    assert awards.exists()
    version = finished.policy_version
    assert all(
        version.subsidy_min_yuan <= a.amount_yuan <= version.subsidy_max_yuan for a in awards
    )
    assert finished.awarded_total() <= finished.budget_yuan
    assert all(a.notice_number and a.notice_file for a in awards)
    assert awards.filter(disbursed_yuan__isnull=False).count() == 1
    assert finished.notice_ends_on < timezone.localdate()
    assert finished.opens_on.year == 2025 and finished.finalised_at.year == 2025
    assert not finished.applications.filter(award__objections__isnull=False).exists()

    # The round in evaluation: every stage of a score sheet, no awards.
    assert evaluating.state == SubsidyRound.State.EVALUATING and evaluating.year == 2026
    assert evaluating.applications.filter(state=Application.State.SUBMITTED).count() == 3
    assert not evaluating.applications.filter(alliance=demo_world[3]).exists()
    sheets = Assignment.objects.filter(application__round=evaluating)
    assert sheets.filter(submitted_at__isnull=False).exists()
    assert sheets.filter(submitted_at__isnull=True, scores__isnull=False).exists()  # drafts
    assert sheets.filter(declared_at__isnull=False, scores__isnull=True).exists()
    assert sheets.filter(declared_at__isnull=True).exists()
    assert Score.objects.filter(assignment__application__round=evaluating).exists()
    assert not Award.objects.filter(application__round=evaluating).exists()

    # Summaries: accepted 2024 ones created where missing; the one under review untouched.
    assert AnnualSummary.objects.filter(year=2024, state="accepted").count() == 4
    assert AnnualSummary.objects.get(alliance=demo_world[3], year=2025).state == "submitted"


def test_seed_without_filed_alliances_creates_nothing():
    seed_users(seed_organisations())
    assert "未创建批次" in demo.seed()
    assert not SubsidyRound.objects.exists()


def test_the_evaluating_round_can_be_completed_by_a_draw(demo_world):
    """The 2026 round asks five experts an application; the demo's six left every panel at
    four with nobody to draw (the walk): the pool now lets a draw complete every panel."""
    from subsidies import services

    demo.seed()
    round_ = SubsidyRound.objects.get(title=demo.EVALUATING_TITLE)
    need = round_.evaluators_per_application
    draw = services.draw_panels(
        round_=round_, by=User.objects.get(username="city_wang"), per_application=need
    )
    assert draw.pk
    for application in round_.applications.filter(state="submitted"):
        panel = application.assignments.filter(withdrawn_at__isnull=True)
        assert panel.count() == need, application
