"""Evaluator assignment, conflict-of-interest declaration and scoring."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from audit.models import record
from core import outbox, transitions

from ..models import Application, Assignment, Score, SubsidyRound
from .rounds import require_staff
from .scoring import checked_scores


def conflict_of_interest(evaluator, application) -> bool:
    """The evaluator's organisation is a member unit (or the lead unit) of the alliance."""
    return bool(
        evaluator.organisation_id
        and application.alliance.members.filter(organisation_id=evaluator.organisation_id).exists()
    )


def _conflict_message(evaluator, application):
    return _("评审专家%(name)s所在单位“%(org)s”是“%(alliance)s”的成员单位，须回避。") % {
        "name": evaluator.get_full_name(),
        "org": evaluator.organisation.name,
        "alliance": application.alliance.name,
    }


def check_panel_change(*, round_, by) -> None:
    """Evaluators are assigned and unassigned until the evaluation ends, by municipal staff."""
    if round_.state not in (SubsidyRound.State.OPEN, SubsidyRound.State.EVALUATING):
        raise transitions.TransitionRefused([_("评审已结束，不能再调整评审专家。")])
    require_staff(by)


@transaction.atomic
def assign_evaluator(*, application, by, evaluator) -> Assignment:
    application = transitions.lock(
        Application.objects.select_related("round", "alliance"), application.pk
    )
    if application.state != Application.State.SUBMITTED:
        raise transitions.TransitionRefused([_("只能为已提交的申请分配评审专家。")])
    check_panel_change(round_=application.round, by=by)
    if evaluator.effective_role != Role.EVALUATOR:
        raise ValidationError(_("只能分配评审专家角色的用户。"))
    if conflict_of_interest(evaluator, application):
        raise ValidationError(_conflict_message(evaluator, application))
    if application.assignments.filter(evaluator=evaluator).exists():
        raise ValidationError(_("该专家已分配给本申请（或曾分配后回避、被替换）。"))
    active = application.assignments.filter(withdrawn_at__isnull=True)
    # The draw's rule (subsidies.draw): no two experts of one organisation on a panel.
    colleague = (
        active.filter(evaluator__organisation_id=evaluator.organisation_id)
        .select_related("evaluator__organisation")
        .first()
        if evaluator.organisation_id
        else None
    )
    if colleague is not None:
        raise ValidationError(
            _("%(expert)s与已分配的专家%(other)s同属%(organisation)s，不能评审同一份申请。")
            % {
                "expert": evaluator.get_full_name(),
                "other": colleague.evaluator.get_full_name(),
                "organisation": colleague.evaluator.organisation.name,
            }
        )
    if active.count() >= application.round.evaluators_per_application:
        raise ValidationError(
            _("本批次每份申请由%(n)d位专家评审，已分配满。")
            % {"n": application.round.evaluators_per_application}
        )
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=by
    )
    record(
        subject=application,
        action="assign",
        action_label=gettext_lazy("分配评审专家"),
        actor=by,
        reason=evaluator.get_full_name(),
    )
    from ..tasks import send_assignment_notice

    outbox.enqueue(send_assignment_notice, assignment.pk)
    return assignment


@transaction.atomic
def unassign_evaluator(*, assignment, by):
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__round", "evaluator")
        .get(pk=assignment.pk)
    )
    if assignment.is_submitted:
        raise transitions.TransitionRefused([_("该专家已提交评分，不能撤销分配。")])
    if assignment.is_withdrawn:
        # Kept as the record of the recusal or the replacement.
        raise transitions.TransitionRefused([_("该分配已撤回，不能再撤销。")])
    check_panel_change(round_=assignment.application.round, by=by)
    record(
        subject=assignment.application,
        action="unassign",
        action_label=gettext_lazy("撤销专家分配"),
        actor=by,
        reason=assignment.evaluator.get_full_name(),
    )
    assignment.delete()


def _lock_assignment(assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__round", "application__alliance", "evaluator__organisation")
        .get(pk=assignment.pk)
    )


def _require_own(assignment, by) -> None:
    if not (by.is_authenticated and assignment.evaluator_id == by.pk):
        raise PermissionDenied


@transaction.atomic
def declare_no_conflict(*, assignment, by) -> Assignment:
    """The evaluator declares, before seeing the application, that no conflict exists."""
    assignment = _lock_assignment(assignment)
    _require_own(assignment, by)
    _refuse_withdrawn(assignment)
    if conflict_of_interest(by, assignment.application):
        raise ValidationError(_conflict_message(by, assignment.application))
    if assignment.declared_at is None:
        assignment.declared_at = timezone.now()
        assignment.save(update_fields=["declared_at"])
        record(
            subject=assignment.application,
            action="declare",
            action_label=gettext_lazy("声明无利益冲突"),
            actor=by,
        )
    return assignment


def _refuse_withdrawn(assignment) -> None:
    if assignment.is_withdrawn:
        raise transitions.TransitionRefused(
            [
                _("您已申请回避，该评审任务已撤回。")
                if assignment.withdrawal == Assignment.Withdrawal.RECUSED
                else _("该评审任务已由市科技局撤回。")
            ]
        )


def check_score_save(*, assignment, by) -> None:
    """An evaluator scores while the round is being evaluated, after declaring no conflict,
    until they submit; only their own sheet, not withdrawn."""
    _refuse_withdrawn(assignment)
    if assignment.application.round.state != SubsidyRound.State.EVALUATING:
        raise transitions.TransitionRefused([_("本批次不在评审阶段，不能评分。")])
    if assignment.is_submitted:
        raise transitions.TransitionRefused([_("评分已提交，不能修改。")])
    if assignment.declared_at is None:
        raise transitions.TransitionRefused([_("请先声明无利益冲突。")])
    _require_own(assignment, by)


@transaction.atomic
def score_save(
    *, assignment, by, scores: dict[int, tuple[int | None, str]], comment: str, submit: bool
) -> Assignment:
    """Save (draft) or submit the evaluator's scores: criterion id → (0–100 or None, comment)."""
    assignment = _lock_assignment(assignment)
    check_score_save(assignment=assignment, by=by)
    application = assignment.application
    # Checked again at scoring time: membership may have changed since the assignment.
    if conflict_of_interest(by, application):
        raise ValidationError(_conflict_message(by, application))
    criteria = {c.pk: c for c in application.round.criteria.all()}
    cleaned = checked_scores(
        scores,
        {pk: c.name for pk, c in criteria.items()},
        invalid=_("得分须为0到100之间的整数。"),
        out_of_range=lambda name: _("“%(name)s”的得分须在0到100之间。") % {"name": name},
    )
    comment = str(comment or "").strip()
    if submit:
        kept = {s.criterion_id for s in assignment.scores.all()}
        scored = kept | {c for c, (score, _text) in cleaned.items() if score is not None}
        if scored != set(criteria):
            raise ValidationError(_("请为全部评审指标打分后再提交。"))
        if not comment:
            raise ValidationError(_("请填写评审意见后再提交。"))
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    for criterion_id, (score, text) in cleaned.items():
        if score is None:
            continue
        row = existing.get(criterion_id) or Score(assignment=assignment, criterion_id=criterion_id)
        row.score, row.comment = score, text
        row.save()
    assignment.comment = comment
    if submit:
        assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["comment", "submitted_at"])
    if submit:
        record(
            subject=application, action="score", action_label=gettext_lazy("专家提交评分"), actor=by
        )
    return assignment


def check_recuse(*, assignment, by) -> None:
    """An evaluator may recuse (申请回避) from their own assignment not yet scored, while
    the panel can still change."""
    _refuse_withdrawn(assignment)
    if assignment.is_submitted:
        raise transitions.TransitionRefused(
            [_("评分已提交，不能再申请回避；如有利益冲突，请联系市科技局。")]
        )
    if assignment.application.round.state not in (
        SubsidyRound.State.OPEN,
        SubsidyRound.State.EVALUATING,
    ):
        raise transitions.TransitionRefused([_("评审已结束，不能申请回避。")])
    _require_own(assignment, by)


@transaction.atomic
def recuse(*, assignment, by, reason: str) -> Assignment:
    """The evaluator declares a conflict and withdraws from the application: nothing of it
    is shown any more, and the bureau is told to draw a replacement."""
    from ..tasks import send_recusal_declared_notice

    assignment = _lock_assignment(assignment)
    check_recuse(assignment=assignment, by=by)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明需要回避的原因。")})
    assignment.withdrawn_at = timezone.now()
    assignment.withdrawal = Assignment.Withdrawal.RECUSED
    assignment.withdrawal_reason = reason
    assignment.save(update_fields=["withdrawn_at", "withdrawal", "withdrawal_reason"])
    record(
        subject=assignment.application,
        action="recuse",
        action_label=gettext_lazy("专家申请回避"),
        actor=by,
        reason=reason,
    )
    outbox.enqueue(send_recusal_declared_notice, assignment.pk)
    return assignment
