"""A lead unit's subsidy application (Art. 15): create, fill in, attach evidence, submit,
withdraw."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record
from core import transitions
from supervision.services.common import require_lead_unit, save_attachment

from ..eligibility import apply_problems, window_problem
from ..models import Application, EvidenceFile, SelfEvaluation
from .scoring import checked_scores

LABELS = {
    "create": gettext_lazy("创建补贴申请"),
    "submit": gettext_lazy("提交补贴申请"),
    "withdraw": gettext_lazy("撤回补贴申请"),
}

#: What a lead unit may write into its draft; anything else is a programming error.
APPLICATION_FIELDS = ("summary", "funding_plan")


def _lock(application, expected_state=None):
    return transitions.lock(
        Application.objects.select_related("round", "alliance"), application.pk, expected_state
    )


def explain_application(application, name) -> list[str]:
    """Why ``name`` (submit, withdraw) cannot be taken now, in the lead unit's words."""
    if name == "submit":
        return apply_problems(application.alliance, application.round)
    problem = window_problem(application.round)
    return [problem] if problem else []


def check_application_edit(*, application, by) -> None:
    """A draft (and its evidence) changes only while the round accepts applications, and
    only by the alliance's lead unit: TransitionRefused, then PermissionDenied."""
    if application.state != Application.State.DRAFT:
        raise transitions.TransitionRefused([_("申请已提交或撤回，不能修改。")])
    problem = window_problem(application.round)
    if problem:
        raise transitions.TransitionRefused([problem])
    require_lead_unit(application.alliance, by)


@transaction.atomic
def application_create(*, round_, alliance, by) -> Application:
    require_lead_unit(alliance, by)
    problems = apply_problems(alliance, round_)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            application = Application.objects.create(round=round_, alliance=alliance, created_by=by)
    except IntegrityError:
        raise ValidationError(_("该联盟已申请本批次补贴，每个联盟每批次只能申请一次。")) from None
    SelfEvaluation.objects.bulk_create(
        [SelfEvaluation(application=application, criterion=c) for c in round_.criteria.all()]
    )
    record(
        subject=application,
        action="create",
        action_label=LABELS["create"],
        actor=by,
        target=application.state,
    )
    return application


@transaction.atomic
def application_save(
    *, application, by, self_evaluations: dict | None = None, **fields
) -> Application:
    """Save the draft: ``fields`` among APPLICATION_FIELDS (text), and the self-evaluation
    (criterion id → (score 0–100 or None, statement))."""
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    application = _lock(application)
    check_application_edit(application=application, by=by)
    rows = list(application.self_evaluations.select_related("criterion"))
    scores = checked_scores(
        self_evaluations or {},
        {row.criterion_id: row.criterion.name for row in rows},
        invalid=_("自评分须为0到100之间的整数。"),
        out_of_range=lambda name: _("自评分须在0到100之间。"),
    )
    for name, value in fields.items():
        setattr(application, name, str(value or "").strip())
    if fields:
        application.save(update_fields=list(fields))
    rows = [row for row in rows if row.criterion_id in scores]
    for row in rows:
        row.score, row.statement = scores[row.criterion_id]
    SelfEvaluation.objects.bulk_update(rows, ["score", "statement"])
    return application


@transaction.atomic
def application_attach(*, application, by, uploaded) -> EvidenceFile:
    application = _lock(application)
    check_application_edit(application=application, by=by)
    return save_attachment(EvidenceFile, by=by, uploaded=uploaded, application=application)


@transaction.atomic
def application_submit(*, application, by, expected_state=None) -> Application:
    application = _lock(application, expected_state)
    transitions.check(application, "submit", by, explain=explain_application)
    missing = [
        s.criterion.name
        for s in application.self_evaluations.select_related("criterion")
        if s.score is None
    ]
    if missing or not application.summary.strip():
        raise ValidationError(
            _("请填写运行情况概述并完成全部指标的自评后再提交。未自评：%(items)s")
            % {"items": "、".join(missing) or "—"}
        )
    return transitions.perform(application, "submit", by, label=LABELS["submit"])


@transaction.atomic
def application_withdraw(*, application, by, expected_state=None) -> Application:
    application = _lock(application, expected_state)
    return transitions.run(
        application, "withdraw", by, label=LABELS["withdraw"], explain=explain_application
    )
