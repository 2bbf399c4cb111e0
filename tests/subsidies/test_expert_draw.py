"""The random draw of evaluators (issue 15 item 13): seeded and replayable, every conflict
skipped with its reason, all or nothing when the pool is too small, recorded in the audit
log; the redraw of one expert with a reason."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEntry
from core.models import OutboxMessage
from subsidies import draw as drawing
from subsidies import services
from subsidies.models import Assignment, ExpertDraw, SubsidyRound
from tests.factories import (
    EvaluatorFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db

SEED = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def staff():
    return MunicipalStaffFactory()


@pytest.fixture
def round_(staff):
    return subsidy_round(staff=staff)


def _active(application):
    return list(
        application.assignments.filter(withdrawn_at__isnull=True).values_list(
            "evaluator_id", flat=True
        )
    )


def _member_org(application):
    return (
        application.alliance.members.exclude(organisation=application.alliance.lead_unit)
        .first()
        .organisation
    )


def test_a_seed_draws_the_same_panels_again_and_the_record_replays(staff, round_):
    first, second = submitted_application(round_), submitted_application(round_)
    experts = [EvaluatorFactory() for _ in range(6)]
    done = services.draw_panels(round_=round_, by=staff, per_application=3, seed=SEED)
    assert len(_active(first)) == 3 and len(_active(second)) == 3
    assert set(_active(first)) <= {e.pk for e in experts}
    # The stored record replays to the same experts, from the record alone.
    assert drawing.replay(done.seed, done.record) == [
        [pk for pk, _name in entry["drawn"]] for entry in done.record
    ]
    # The same seed over the same pool draws the same experts (a second round, same pool).
    other = subsidy_round(staff=staff, title="另一批次")
    again = (submitted_application(other), submitted_application(other))
    # The alliances differ, but none of the experts is a member: same conflicts (none).
    services.draw_panels(round_=other, by=staff, per_application=3, seed=SEED)
    assert [sorted(_active(a)) for a in again] == [sorted(_active(first)), sorted(_active(second))]


def test_a_new_seed_is_random_and_recorded(staff, round_):
    submitted_application(round_)
    for _ in range(4):
        EvaluatorFactory()
    done = services.draw_panels(round_=round_, by=staff, per_application=2)
    assert len(done.seed) == 32 and done.seed != SEED
    assert ExpertDraw.objects.get().seed == done.seed


def test_conflicts_are_skipped_with_their_reasons(staff, round_):
    application = submitted_application(round_)
    member = EvaluatorFactory(
        last_name="成", first_name="员", organisation=_member_org(application)
    )
    lead = EvaluatorFactory(
        last_name="牵", first_name="头", organisation=application.alliance.lead_unit
    )
    shared = OrganisationFactory(jurisdiction=None)
    twins = [EvaluatorFactory(organisation=shared) for _ in range(2)]
    others = [EvaluatorFactory() for _ in range(2)]
    done = services.draw_panels(round_=round_, by=staff, per_application=3, seed=SEED)
    drawn = _active(application)
    assert member.pk not in drawn and lead.pk not in drawn
    # At most one expert of the shared organisation; the panel is filled from the rest.
    assert len(set(drawn) & {t.pk for t in twins}) == 1
    assert set(drawn) - {t.pk for t in twins} == {o.pk for o in others}
    entry = done.record[0]
    skipped = {pk: reason for pk, _name, reason in entry["skipped"]}
    assert skipped[member.pk] == skipped[lead.pk] == str(drawing.MEMBER)
    # The twin not drawn is skipped for the organisation, if the draw met them.
    assert set(skipped) - {member.pk, lead.pk} <= {t.pk for t in twins} - set(drawn)
    for pk in set(skipped) - {member.pk, lead.pk}:
        assert skipped[pk] == str(drawing.SAME_ORGANISATION)


def test_the_audit_entry_holds_the_seed_candidates_and_who_was_skipped(staff, round_):
    application = submitted_application(round_)
    EvaluatorFactory(last_name="成", first_name="员", organisation=_member_org(application))
    for _ in range(3):
        EvaluatorFactory()
    services.draw_panels(round_=round_, by=staff, per_application=3, seed=SEED)
    entry = AuditEntry.objects.for_object(round_).get(action="draw_experts")
    assert entry.action_label == "随机抽取评审专家" and entry.actor == staff
    assert f"随机种子：{SEED}" in entry.reason
    assert "每份申请3人" in entry.reason
    assert "候选4人" in entry.reason
    assert "成员（所在单位是该联盟的成员单位（或牵头单位），须回避）" in entry.reason
    on_application = AuditEntry.objects.for_object(application).get(action="assign")
    assert "抽中：" in on_application.reason
    # Each expert drawn is told, after the commit, through the outbox.
    assert OutboxMessage.objects.filter(task__endswith="send_assignment_notice").count() == 3


def test_a_pool_too_small_draws_nothing_and_names_the_application(staff, round_):
    fine = submitted_application(round_)
    short = submitted_application(round_)
    # Two experts free for both, two more who are members of the second alliance.
    EvaluatorFactory(), EvaluatorFactory()
    (
        EvaluatorFactory(organisation=_member_org(short)),
        EvaluatorFactory(organisation=short.alliance.lead_unit),
    )
    with pytest.raises(ValidationError) as refused:
        services.draw_panels(round_=round_, by=staff, per_application=3, seed=SEED)
    text = refused.value.messages[0]
    assert "本次未抽取任何专家" in text
    assert f"“{short.alliance.name}”的申请需要3位，排除利益冲突后只能抽取2位" in text
    assert not Assignment.objects.exists() and not ExpertDraw.objects.exists()
    assert _active(fine) == []


def test_the_number_is_bounded_by_the_pool(staff, round_):
    submitted_application(round_)
    EvaluatorFactory(), EvaluatorFactory()
    for number in (0, 3):
        with pytest.raises(ValidationError) as refused:
            services.draw_panels(round_=round_, by=staff, per_application=number)
        assert "须在1到2人（专家库人数）之间" in refused.value.messages[0]


def test_only_short_panels_are_filled_and_the_round_keeps_the_number(staff, round_):
    first, second = submitted_application(round_), submitted_application(round_)
    experts = [EvaluatorFactory() for _ in range(5)]
    services.assign_evaluator(application=first, by=staff, evaluator=experts[0])
    done = services.draw_panels(round_=round_, by=staff, per_application=4, seed=SEED)
    assert [entry["need"] for entry in done.record] == [3, 4]
    assert experts[0].pk in _active(first) and len(_active(first)) == 4
    assert len(_active(second)) == 4
    assert SubsidyRound.objects.get(pk=round_.pk).evaluators_per_application == 4
    with pytest.raises(ValidationError) as refused:
        services.draw_panels(round_=round_, by=staff, per_application=4)
    assert "均已配齐评审专家" in refused.value.messages[0]


def test_no_draw_after_the_evaluation(staff):
    round_ = subsidy_round(staff=staff)
    submitted_application(round_)
    EvaluatorFactory()
    services.round_start_evaluation(round_=round_, by=staff)
    services.round_publish(round_=SubsidyRound.objects.get(pk=round_.pk), by=staff)
    with pytest.raises(Exception) as refused:
        services.draw_panels(round_=round_, by=staff, per_application=1)
    assert "评审已结束" in str(refused.value)


def _panel_of_three(staff, round_, spare=2):
    application = submitted_application(round_)
    experts = [EvaluatorFactory() for _ in range(3 + spare)]
    services.draw_panels(round_=round_, by=staff, per_application=3, seed=SEED)
    return application, experts


def test_redraw_replaces_one_expert_excluding_the_panel_and_conflicts(staff, round_):
    application, experts = _panel_of_three(staff, round_, spare=3)
    panel = set(_active(application))
    spare = [e for e in experts if e.pk not in panel]
    # One spare works where a panel member works: a conflict by organisation.
    kept = Assignment.objects.filter(application=application).order_by("pk")
    replaced, staying = kept[0], kept[1]
    spare[0].organisation = staying.evaluator.organisation
    spare[0].save()
    # Another spare's unit is a member of the alliance.
    spare[1].organisation = _member_org(application)
    spare[1].save()
    done = services.redraw(assignment=replaced, by=staff, reason="专家出差，无法参加", seed=SEED)
    replaced.refresh_from_db()
    assert replaced.withdrawal == "replaced" and replaced.withdrawal_reason == "专家出差，无法参加"
    after = set(_active(application))
    assert after == (panel - {replaced.evaluator_id}) | {spare[2].pk}
    assert done.kind == "redraw" and done.replaced == replaced and done.reason
    # The one replaced is never drawn again for this application.
    excluded = {pk: why for pk, _name, why in done.record[0]["excluded"]}
    assert excluded[replaced.evaluator_id] == str(drawing.WAS_ON_PANEL)
    entry = AuditEntry.objects.for_object(application).get(action="redraw_expert")
    assert "专家出差，无法参加" in entry.reason and f"随机种子：{SEED}" in entry.reason
    assert OutboxMessage.objects.filter(task__endswith="send_withdrawal_notice").count() == 1


def test_redraw_needs_a_reason_and_a_free_expert(staff, round_):
    application, _experts = _panel_of_three(staff, round_, spare=0)
    assignment = application.assignments.first()
    with pytest.raises(ValidationError) as refused:
        services.redraw(assignment=assignment, by=staff, reason="  ")
    assert "请填写重新抽取的理由" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.redraw(assignment=assignment, by=staff, reason="出差")
    assert "没有可替换的评审专家" in refused.value.messages[0]
    assignment.refresh_from_db()
    assert not assignment.is_withdrawn  # nothing changed


def test_redraw_refuses_a_submitted_sheet(staff, round_):
    application, _experts = _panel_of_three(staff, round_)
    assignment = application.assignments.first()
    services.declare_no_conflict(assignment=assignment, by=assignment.evaluator)
    services.round_start_evaluation(round_=round_, by=staff)
    services.score_save(
        assignment=assignment,
        by=assignment.evaluator,
        scores={c.pk: (80, "") for c in round_.criteria.all()},
        comment="规范",
        submit=True,
    )
    with pytest.raises(Exception) as refused:
        services.redraw(assignment=assignment, by=staff, reason="出差")
    assert "已提交评分，不能重新抽取" in str(refused.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_drawing_at_once_fill_each_panel_once():
    staff_a, staff_b = MunicipalStaffFactory(), MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff_a)
    applications = [submitted_application(round_) for _ in range(2)]
    for _ in range(6):
        EvaluatorFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def draw(staff):
        try:
            barrier.wait()
            services.draw_panels(round_=round_, by=staff, per_application=3)
            outcomes.append("drawn")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=draw, args=(s,)) for s in (staff_a, staff_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == sorted(
        ["drawn", "本批次所有已提交的申请均已配齐评审专家，无需抽取。"]
    )
    assert [len(_active(a)) for a in applications] == [3, 3]
    assert ExpertDraw.objects.count() == 1


def test_two_experts_of_one_organisation_never_sit_on_one_panel():
    import random

    twins = [drawing.Candidate(1, "甲", 7, "同一单位"), drawing.Candidate(2, "乙", 7, "同一单位")]
    panel = drawing.pick(random.Random(SEED), drawing.Panel(1, "联盟", 2, twins))
    assert len(panel.drawn) == 1 and panel.short == 1
    other = ({1, 2} - {panel.drawn[0].pk}).pop()
    assert [(c.pk, str(why)) for c, why in panel.skipped] == [
        (other, str(drawing.SAME_ORGANISATION))
    ]
