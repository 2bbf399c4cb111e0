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


@transaction.atomic
def assign_evaluator(*, application, by, evaluator) -> Assignment:
    require_staff(by)
    application = transitions.lock(
        Application.objects.select_related("round", "alliance"), application.pk
    )
    if evaluator.effective_role != Role.EVALUATOR:
        raise ValidationError(_("只能分配评审专家角色的用户。"))
    if application.state != Application.State.SUBMITTED:
        raise ValidationError(_("只能为已提交的申请分配评审专家。"))
    if application.round.state not in (SubsidyRound.State.OPEN, SubsidyRound.State.EVALUATING):
        raise ValidationError(_("评审已结束，不能再分配评审专家。"))
    if conflict_of_interest(evaluator, application):
        raise ValidationError(_conflict_message(evaluator, application))
    if application.assignments.filter(evaluator=evaluator).exists():
        raise ValidationError(_("该专家已分配给本申请。"))
    if application.assignments.count() >= application.round.evaluators_per_application:
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
    require_staff(by)
    assignment = (
        Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    )
    if assignment.is_submitted:
        raise ValidationError(_("该专家已提交评分，不能撤销分配。"))
    record(
        subject=assignment.application,
        action="unassign",
        action_label=gettext_lazy("撤销专家分配"),
        actor=by,
        reason=assignment.evaluator.get_full_name(),
    )
    assignment.delete()


def _own_assignment(assignment, by) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__round", "application__alliance", "evaluator__organisation")
        .get(pk=assignment.pk)
    )
    if assignment.evaluator_id != by.pk:
        raise PermissionDenied
    return assignment


@transaction.atomic
def declare_no_conflict(*, assignment, by) -> Assignment:
    """The evaluator declares, before seeing the application, that no conflict exists."""
    assignment = _own_assignment(assignment, by)
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


@transaction.atomic
def score_save(
    *, assignment, by, scores: dict[int, tuple[int, str]], comment: str, submit: bool
) -> Assignment:
    """Save (draft) or submit the evaluator's scores: criterion id → (0–100, comment)."""
    assignment = _own_assignment(assignment, by)
    application = assignment.application
    if assignment.declared_at is None:
        raise ValidationError(_("请先声明无利益冲突。"))
    # Checked again at scoring time: membership may have changed since the assignment.
    if conflict_of_interest(by, application):
        raise ValidationError(_conflict_message(by, application))
    if application.round.state != SubsidyRound.State.EVALUATING:
        raise ValidationError(_("本批次不在评审阶段，不能评分。"))
    if assignment.is_submitted:
        raise ValidationError(_("评分已提交，不能修改。"))
    criteria = {c.pk: c for c in application.round.criteria.all()}
    for criterion_id, (score, _text) in scores.items():
        if int(criterion_id) not in criteria:
            raise ValidationError(_("评审指标不属于本批次。"))
        if score is not None and not (0 <= int(score) <= 100):
            raise ValidationError(
                _("“%(name)s”的得分须在0到100之间。") % {"name": criteria[int(criterion_id)].name}
            )
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    for criterion_id, (score, text) in scores.items():
        criterion_id = int(criterion_id)
        if score is None:
            continue
        row = existing.get(criterion_id) or Score(assignment=assignment, criterion_id=criterion_id)
        row.score, row.comment = int(score), text
        row.save()
    assignment.comment = comment
    if submit:
        scored = set(assignment.scores.values_list("criterion_id", flat=True))
        if scored != set(criteria):
            raise ValidationError(_("请为全部评审指标打分后再提交。"))
        if not comment.strip():
            raise ValidationError(_("请填写评审意见后再提交。"))
        assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["comment", "submitted_at"])
    if submit:
        record(
            subject=application, action="score", action_label=gettext_lazy("专家提交评分"), actor=by
        )
    return assignment
