from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import transitions
from supervision.services.common import require_lead_unit, save_attachment

from ..eligibility import eligibility_problems
from ..models import Application, EvidenceFile, SelfEvaluation

LABELS = {
    "create": gettext_lazy("创建补贴申请"),
    "submit": gettext_lazy("提交补贴申请"),
    "withdraw": gettext_lazy("撤回补贴申请"),
}


def _lock(application, expected_state=None):
    return transitions.lock(
        Application.objects.select_related("round", "alliance"), application.pk, expected_state
    )


def _window_problem(round_) -> str | None:
    if not round_.window_open:
        if round_.closes_on and round_.state in ("open", "evaluating", "notice", "final"):
            return _("本批次申请已于%(date)s截止，不能再申请或修改。") % {
                "date": date_format(round_.closes_on, "DATE_FORMAT")
            }
        return _("本批次尚未开始接受申请。")
    return None


def _explain(application, name):
    reasons = []
    problem = _window_problem(application.round)
    if problem:
        reasons.append(problem)
    if name == "submit":
        reasons += eligibility_problems(application.alliance, application.round)
    return reasons


@transaction.atomic
def application_create(*, round_, alliance, by) -> Application:
    require_lead_unit(alliance, by)
    problems = [p for p in [_window_problem(round_)] if p] + eligibility_problems(alliance, round_)
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
    from audit.models import record

    record(
        subject=application,
        action="create",
        action_label=LABELS["create"],
        actor=by,
        target=application.state,
    )
    return application


def _require_editable(application, by):
    require_lead_unit(application.alliance, by)
    if application.state != Application.State.DRAFT:
        raise transitions.TransitionRefused([_("申请已提交，不能修改。")])
    problem = _window_problem(application.round)
    if problem:
        raise transitions.TransitionRefused([problem])


@transaction.atomic
def application_save(*, application, by, form, self_evaluations: dict[int, tuple[int | None, str]]):
    """Save the draft and the self-evaluation (criterion id → (score 0–100 or None, statement))."""
    application = _lock(application)
    _require_editable(application, by)
    for score, _statement in self_evaluations.values():
        if score is not None and not (0 <= score <= 100):
            raise ValidationError(_("自评分须在0到100之间。"))
    form.save()
    rows = {s.criterion_id: s for s in application.self_evaluations.all()}
    changed = []
    for criterion_id, (score, statement) in self_evaluations.items():
        row = rows.get(int(criterion_id))
        if row is not None:
            row.score, row.statement = score, statement
            changed.append(row)
    SelfEvaluation.objects.bulk_update(changed, ["score", "statement"])
    return application


@transaction.atomic
def application_attach(*, application, by, uploaded) -> EvidenceFile:
    application = _lock(application)
    _require_editable(application, by)
    return save_attachment(EvidenceFile, by=by, uploaded=uploaded, application=application)


@transaction.atomic
def application_submit(*, application, by, expected_state=None) -> Application:
    application = _lock(application, expected_state)
    transitions.check(application, "submit", by, explain=_explain)
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
    return transitions.run(application, "withdraw", by, label=LABELS["withdraw"], explain=_explain)
