"""Demo data for operating subsidies (Art. 15): a finished 2025 round (scored by a panel,
awarded within the budget, published, final, notices issued, one disbursement) and a 2026
round in evaluation (declarations, drafts and submitted score sheets, no awards yet).

Runs after the organisations, users and filed alliances exist. Idempotent: each round is
keyed by its title and built in one transaction, so running it twice changes nothing.
Every step goes through ``subsidies.services``; the clock is moved with ``time_machine``
so that windows, notice periods and timestamps fall on the dates they would have had.
Call it outside an outer ``transaction.atomic()``: the evaluators' invitations are sent
when the round's transaction commits, while e-mail is still kept in memory.
"""

import datetime
import hashlib
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from filings.models import Alliance
from subsidies import services
from subsidies.aggregation import ranking, suggest_awards
from subsidies.eligibility import eligibility_problems
from subsidies.models import Assignment, Award, SubsidyRound
from supervision.models import AnnualSummary, RevocationCase

from .common import TINY_PDF, quietly

FINISHED_TITLE = "2025年度产业创新战略联盟运行经费补贴"
EVALUATING_TITLE = "2026年度产业创新战略联盟运行经费补贴"
EXPERTS = ["expert_chen", "expert_yang", "expert_you", "expert_zhu", "expert_he", "expert_qin"]
STAFF, DECIDER = "city_wang", "city_li"
APPLICATIONS_PER_ROUND = 4
FINISHED_ASSIGNED_ON = datetime.date(2025, 5, 6)

# The panel's view of each application, best first: one below the pass mark of 60.
QUALITY = [88, 80, 71, 56, 76]
CRITERION_OFFSETS = [3, -2, 1, -4, 2, 0, -1]
CRITERION_REMARKS = {
    True: "该项工作扎实，成效明显，佐证材料充分。",
    False: "该项工作有待加强，佐证材料不够充分。",
}
OVERALL = [
    (80, "联盟运行规范，京津协同和成果转化成效突出，经费使用计划合理，建议重点支持。"),
    (70, "联盟组织运行较规范，联合攻关取得一定成果，建议给予支持，并加强成果推广。"),
    (60, "联盟运行基本规范，创新绩效一般，经费使用计划需进一步细化，建议适当支持。"),
    (0, "联盟活动开展不足，成员单位协同较弱，经费使用计划不够具体，暂不建议支持。"),
]


def _tz_at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@contextmanager
def _on(day: datetime.date, hour: int = 10):
    """Act as of ``day``: the services read the clock for windows, notices and timestamps."""
    with time_machine.travel(_tz_at(day, hour)):
        yield


def _jitter(*parts) -> int:
    """A stable small number (−4…4) for varied but reproducible scores."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return digest[0] % 9 - 4


def _lead_user(alliance):
    return User.objects.filter(
        organisation=alliance.lead_unit, role=Role.LEAD_UNIT, is_active=True
    ).first()


def _ensure_summary(alliance, year: int) -> bool:
    """Art. 12(1): the previous year's summary must be accepted before applying. Creates an
    accepted one if none exists; an existing summary in another state is left alone."""
    if alliance.filed_on is None or alliance.filed_on.year > year:
        return True  # filed later: no summary was due
    summary = AnnualSummary.objects.filter(alliance=alliance, year=year).first()
    if summary is None:
        with _on(datetime.date(year + 1, 3, 18)):
            _create_accepted_summary(alliance, year)
        return True
    return summary.state == AnnualSummary.State.ACCEPTED


def _create_accepted_summary(alliance, year):
    AnnualSummary.objects.create(
        alliance=alliance,
        year=year,
        state=AnnualSummary.State.ACCEPTED,
        work_done=f"{year}年组织联合攻关项目，召开理事会，开展技术交流和成果推广活动。",
        joint_projects=3,
        patents_applied=6,
        patents_granted=2,
        people_trained=25,
        member_investment_yuan=1_500_000,
        next_year_plan="扩大成员范围，推进共性技术平台建设。",
        submitted_at=_tz_at(datetime.date(year + 1, 3, 18)),
        accepted_at=_tz_at(datetime.date(year + 1, 3, 25)),
    )


def _candidates(round_year: int) -> list:
    """Filed alliances in good standing with a lead-unit user, those filed before the round's
    year first (a 2025 round should not fund an alliance filed in 2026 if it can be helped)."""
    open_cases = RevocationCase.objects.filter(state__in=RevocationCase.OPEN_STATES).values(
        "alliance_id"
    )
    alliances = (
        Alliance.objects.filter(status=Alliance.Status.FILED)
        .exclude(pk__in=open_cases)
        .select_related("lead_unit")
        .order_by("filed_on", "name")
    )
    ordered = sorted(alliances, key=lambda a: a.filed_on is None or a.filed_on.year >= round_year)
    chosen = []
    for alliance in ordered:
        if len(chosen) == APPLICATIONS_PER_ROUND:
            break
        if _lead_user(alliance) and _ensure_summary(alliance, round_year - 1):
            chosen.append(alliance)
    return chosen


def _criteria(round_):
    return list(round_.criteria.all())


def _submission_day(planned: datetime.date, alliance, latest: datetime.date) -> datetime.date:
    """Not before the alliance was filed, when the window allows it."""
    day = (
        max(planned, alliance.filed_on + datetime.timedelta(days=1))
        if alliance.filed_on
        else planned
    )
    return day if day <= latest else planned


def _submit_application(round_, alliance, index, criteria):
    lead = _lead_user(alliance)
    if eligibility_problems(alliance, round_):
        return None
    application = services.application_create(round_=round_, alliance=alliance, by=lead)
    quality = QUALITY[index % len(QUALITY)]
    application.summary = (
        f"{round_.year - 1}年，{alliance.name}组织成员单位开展联合攻关项目{3 + index}项，"
        f"申请专利{8 - index}件，举办技术交流和培训活动{5 + index}次，"
        "与京津高校院所合作推进科技成果在保定转化，联盟理事会按章程定期召开。"
    )
    application.funding_plan = (
        "补贴经费拟用于：共性技术研发与中试平台建设（50%），技术交流、标准制定与人才培训（30%），"
        "联盟秘书处运行和成果推广（20%）。经费由联盟办公室依托单位按内部制度管理，接受监督。"
    )
    application.save()
    for position, criterion in enumerate(criteria):
        application.self_evaluations.filter(criterion=criterion).update(
            score=min(100, quality + 6 + CRITERION_OFFSETS[position % len(CRITERION_OFFSETS)]),
            statement=f"{criterion.name}：对照评审指标逐项自评，相关佐证材料见附件。",
        )
    services.application_attach(
        application=application,
        by=lead,
        uploaded=SimpleUploadedFile(
            f"{alliance.name}运行情况佐证材料.pdf", TINY_PDF, content_type="application/pdf"
        ),
    )
    return services.application_submit(application=application, by=lead)


def _assign_panel(application, staff, experts) -> list[Assignment]:
    """Up to the round's panel size, skipping experts whose organisation is a member."""
    assignments = []
    member_orgs = set(application.alliance.members.values_list("organisation_id", flat=True))
    for expert in experts:
        if len(assignments) == application.round.evaluators_per_application:
            break
        if expert.organisation_id in member_orgs:
            continue
        assignments.append(
            services.assign_evaluator(application=application, by=staff, evaluator=expert)
        )
    return assignments


def _sheet(assignment, criteria, quality, position, *, complete=True):
    """An evaluator's scores and remarks: their own leaning plus a little per criterion."""
    expert = assignment.evaluator.username
    scores, weighted = {}, Decimal(0)
    shown = criteria if complete else criteria[: max(1, len(criteria) // 2)]
    for k, criterion in enumerate(shown):
        year = assignment.application.round.year
        score = (
            quality
            + _jitter(expert, year)
            + CRITERION_OFFSETS[(position + k) % len(CRITERION_OFFSETS)]
        )
        score = max(0, min(100, score + _jitter(expert, criterion.name, position, year)))
        scores[criterion.pk] = (score, CRITERION_REMARKS[score >= 75])
        weighted += Decimal(score * criterion.weight) / 100
    overall = next(text for floor, text in OVERALL if weighted >= floor) if complete else ""
    return scores, overall


def _score(assignment, criteria, quality, position, *, submit=True, complete=True):
    expert = assignment.evaluator
    services.declare_no_conflict(assignment=assignment, by=expert)
    scores, overall = _sheet(assignment, criteria, quality, position, complete=complete)
    services.score_save(
        assignment=assignment, by=expert, scores=scores, comment=overall, submit=submit
    )


def _finished_round(staff, decider, experts) -> SubsidyRound | None:
    year = 2025
    alliances = _candidates(year)
    if not alliances:
        return None
    with _on(datetime.date(2025, 3, 3), 9):
        round_ = services.round_create(
            by=staff,
            year=year,
            title=FINISHED_TITLE,
            budget_yuan=1_200_000,
            opens_on=datetime.date(2025, 3, 3),
            closes_on=datetime.date(2025, 4, 30),
        )
        round_ = services.round_open(round_=round_, by=staff)
    criteria = _criteria(round_)
    applications = []
    for index, alliance in enumerate(alliances):
        planned = datetime.date(2025, 3, 20) + datetime.timedelta(days=6 * index)
        with _on(_submission_day(planned, alliance, datetime.date(2025, 4, 30)), 15):
            application = _submit_application(round_, alliance, index, criteria)
        if application:
            applications.append((index, application))
    with _on(FINISHED_ASSIGNED_ON, 9):
        round_ = services.round_start_evaluation(round_=round_, by=staff)
        panels = [(index, a, _assign_panel(a, staff, experts)) for index, a in applications]
    for index, _application, assignments in panels:
        for position, assignment in enumerate(assignments):
            with _on(datetime.date(2025, 5, 12) + datetime.timedelta(days=position), 14 + index):
                _score(assignment, criteria, QUALITY[index % len(QUALITY)], position)
    with _on(datetime.date(2025, 6, 3)):
        for application_id, amount in suggest_awards(ranking(round_), round_).items():
            application = next(a for _i, a in applications if a.pk == application_id)
            services.award_set(application=application, by=decider, amount_yuan=amount)
    with _on(datetime.date(2025, 6, 5)):
        round_ = services.round_publish(round_=round_, by=staff)
    # Objection-free: final the day after the notice period ends, with the notices (PDF).
    with _on(round_.notice_ends_on + datetime.timedelta(days=1), 9):
        round_ = services.round_finalise(round_=round_, by=staff)
    first = Award.objects.filter(application__round=round_).order_by("-amount_yuan", "pk").first()
    if first:
        with _on(datetime.date(2025, 7, 15)):
            services.disbursement_record(
                award=first,
                by=staff,
                disbursed_on=datetime.date(2025, 7, 15),
                disbursed_yuan=first.amount_yuan,
            )
    return round_


def _evaluating_assigned_on(today) -> datetime.date:
    return today - datetime.timedelta(days=3)


def _evaluating_round(staff, experts, today) -> SubsidyRound | None:
    """``today`` is the real date (the clock may already be moved back)."""
    year = 2026
    alliances = _candidates(year)
    if not alliances:
        return None
    opens_on = today - datetime.timedelta(days=45)
    with _on(opens_on, 9):
        round_ = services.round_create(
            by=staff,
            year=year,
            title=EVALUATING_TITLE,
            budget_yuan=1_500_000,
            opens_on=opens_on,
            closes_on=today + datetime.timedelta(days=5),
        )
        round_ = services.round_open(round_=round_, by=staff)
    criteria = _criteria(round_)
    applications = []
    for index, alliance in enumerate(alliances):
        planned = opens_on + datetime.timedelta(days=8 + 7 * index)
        with _on(_submission_day(planned, alliance, today - datetime.timedelta(days=4)), 15):
            application = _submit_application(round_, alliance, index, criteria)
        if application:
            applications.append((index, application))
    with _on(_evaluating_assigned_on(today), 9):
        round_ = services.round_start_evaluation(round_=round_, by=staff)
        panels = [(index, a, _assign_panel(a, staff, experts)) for index, a in applications]
    # The application window closed when evaluation started.
    SubsidyRound.objects.filter(pk=round_.pk).update(closes_on=_evaluating_assigned_on(today))
    # Every stage on screen: submitted, draft, declared only, not yet declared.
    for index, _application, assignments in panels:
        quality = QUALITY[index % len(QUALITY)]
        for position, assignment in enumerate(assignments):
            stage = (index + position) % 4
            with _on(today - datetime.timedelta(days=2 - position % 2), 11 + position):
                if stage == 0:
                    _score(assignment, criteria, quality, position)
                elif stage == 1:
                    _score(assignment, criteria, quality, position, submit=False, complete=False)
                elif stage == 2:
                    services.declare_no_conflict(assignment=assignment, by=assignment.evaluator)
    return round_


def _describe(round_) -> str:
    applications = round_.applications.filter(state="submitted").count()
    sheets = Assignment.objects.filter(application__round=round_)
    submitted = sheets.filter(submitted_at__isnull=False).count()
    awards = Award.objects.filter(application__round=round_)
    text = f"“{round_.title}”（{round_.get_state_display()}）：{applications} 份申请，评分表 {submitted}/{sheets.count()} 份已提交"
    if awards.exists():
        text += f"，{awards.count()} 项补贴共 {round_.awarded_total():,} 元（预算 {round_.budget_yuan:,} 元）"
    return text


def seed() -> str:
    """Create the two demo rounds if they do not exist; a short summary of what is there."""
    staff = User.objects.get(username=STAFF)
    decider = User.objects.filter(username=DECIDER).first() or staff
    by_name = {
        u.username: u for u in User.objects.filter(username__in=EXPERTS, role=Role.EVALUATOR)
    }
    experts = [by_name[name] for name in EXPERTS if name in by_name]
    created, today = [], timezone.localdate()
    with quietly():
        # One transaction per round (all or nothing). The experts' invitations are sent at
        # its commit, so the clock then reads the day they were assigned.
        if not SubsidyRound.objects.filter(title=FINISHED_TITLE).exists():
            with _on(FINISHED_ASSIGNED_ON, 9), transaction.atomic():
                created.append(_finished_round(staff, decider, experts))
        if not SubsidyRound.objects.filter(title=EVALUATING_TITLE).exists():
            with _on(_evaluating_assigned_on(today), 9), transaction.atomic():
                created.append(_evaluating_round(staff, experts, today))
    rounds = SubsidyRound.objects.filter(title__in=[FINISHED_TITLE, EVALUATING_TITLE]).order_by(
        "year"
    )
    if not rounds:
        return "补贴评审演示数据：没有可申请补贴的已备案联盟，未创建批次。"
    prefix = "补贴评审演示数据：" if any(created) else "补贴评审演示数据已存在，未做修改："
    return prefix + "；".join(_describe(r) for r in rounds) + "。"
