from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import transitions
from core.workdays import add_working_days
from filings.issuance import issue_document, share_file
from filings.models import IssuedDocument
from filings.numbering import next_in_sequence
from policy import selectors as policy_selectors

from .. import documents
from ..models import Award, Criterion, SubsidyRound

LABELS = {
    "create": gettext_lazy("创建评审批次"),
    "update": gettext_lazy("修改评审批次"),
    "criteria": gettext_lazy("修改评审指标"),
    "open": gettext_lazy("开始接受申请"),
    "start_evaluation": gettext_lazy("截止申请，开始评审"),
    "publish": gettext_lazy("发布评审结果公示"),
    "finalise": gettext_lazy("公示期满，办结"),
}


def require_staff(by):
    if not (by.is_authenticated and by.is_municipal_staff):
        raise PermissionDenied


def lock_round(round_, expected_state=None) -> SubsidyRound:
    return transitions.lock(SubsidyRound.objects.all(), round_.pk, expected_state)


def explain_round(round_, name) -> list[str]:
    """Why the legal conditions of ``name`` (open, finalise) do not hold now."""
    reasons = []
    if name == "open":
        total = round_.weights_total()
        if total != 100:
            reasons.append(_("各评审指标权重之和须为100，目前为%(total)d。") % {"total": total})
        if not (round_.opens_on and round_.closes_on):
            reasons.append(_("请先设置申请开始和截止日期。"))
    if name == "finalise":
        if round_.notice_ends_on and timezone.localdate() <= round_.notice_ends_on:
            reasons.append(
                _("公示期至%(date)s，期满后方可办结。")
                % {"date": date_format(round_.notice_ends_on, "DATE_FORMAT")}
            )
        from ..rules import no_open_objections

        if not no_open_objections(round_):
            reasons.append(_("还有未处理的公示异议，请先处理。"))
    return reasons


#: A round's particulars, as ``round_create`` and ``round_update`` accept them.
ROUND_FIELDS = (
    "year",
    "title",
    "budget_yuan",
    "opens_on",
    "closes_on",
    "evaluators_per_application",
    "notice_working_days",
)


def window_error(opens_on, closes_on) -> str | None:
    if opens_on and closes_on and opens_on > closes_on:
        return _("申请截止日期不能早于开始日期。")
    return None


def _check_particulars(version, budget_yuan, opens_on, closes_on, notice_working_days) -> None:
    """The round's particulars against its policy version (bounds, minimum 公示 period)."""
    errors = {}
    if budget_yuan < version.subsidy_min_yuan:
        errors["budget_yuan"] = _("补贴总预算不能少于单项补贴下限%(min)s元。") % {
            "min": f"{version.subsidy_min_yuan:,}"
        }
    if window_error(opens_on, closes_on):
        errors["closes_on"] = window_error(opens_on, closes_on)
    if notice_working_days is not None and notice_working_days < version.notice_working_days:
        errors["notice_working_days"] = _("公示期不能少于%(n)d个工作日（%(version)s）。") % {
            "n": version.notice_working_days,
            "version": version.document_number,
        }
    if errors:
        raise ValidationError(errors)


def _require_fields(fields) -> None:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _require_draft(round_, by, refusal) -> None:
    if round_.state != SubsidyRound.State.DRAFT:
        raise transitions.TransitionRefused([refusal])
    require_staff(by)


def check_round_update(*, round_, by) -> None:
    """A round's particulars change only while it is being prepared, by municipal staff."""
    _require_draft(round_, by, _("批次已开始接受申请，不能再修改。"))


def check_criteria_save(*, round_, by) -> None:
    """The criteria change only while the round is being prepared, by municipal staff."""
    _require_draft(round_, by, _("批次已开始接受申请，评审指标不能再修改。"))


@transaction.atomic
def round_create(*, by, year, title, budget_yuan, **fields) -> SubsidyRound:
    """A new round, bound to the policy version applied today (read afresh): its bounds,
    default criteria, panel size and 公示 period. Refused while the measures have lapsed
    and the portal refuses new rounds (PORTAL_POLICY_WHEN_LAPSED)."""
    _require_fields(fields)
    require_staff(by)
    version = policy_selectors.applied(fresh=True)
    if version is None:
        raise transitions.TransitionRefused([policy_selectors.lapsed_refusal()])
    fields.setdefault("evaluators_per_application", version.evaluators_per_application)
    fields.setdefault("notice_working_days", version.notice_working_days)
    _check_particulars(
        version,
        budget_yuan,
        fields.get("opens_on"),
        fields.get("closes_on"),
        fields["notice_working_days"],
    )
    round_ = SubsidyRound.objects.create(
        year=year,
        title=title,
        budget_yuan=budget_yuan,
        created_by=by,
        policy_version=version,
        **fields,
    )
    Criterion.objects.bulk_create(
        [
            Criterion(round=round_, name=c.name, weight=c.weight, order=i)
            for i, c in enumerate(version.criteria.all())
        ]
    )
    record(
        subject=round_,
        action="create",
        action_label=LABELS["create"],
        actor=by,
        target=round_.state,
    )
    return round_


@transaction.atomic
def round_update(*, round_, by, **fields) -> SubsidyRound:
    """Change a round's particulars (``fields`` among ROUND_FIELDS)."""
    _require_fields(fields)
    round_ = lock_round(round_)
    check_round_update(round_=round_, by=by)
    _check_particulars(
        round_.policy_version,
        fields.get("budget_yuan", round_.budget_yuan),
        fields.get("opens_on", round_.opens_on),
        fields.get("closes_on", round_.closes_on),
        fields.get("notice_working_days", round_.notice_working_days),
    )
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.save(update_fields=list(fields))
    record(subject=round_, action="update", action_label=LABELS["update"], actor=by)
    return round_


@transaction.atomic
def criteria_save(*, round_, by, criteria: list[tuple[str, int]]) -> SubsidyRound:
    """Replace the round's criteria (name, weight)."""
    round_ = lock_round(round_)
    check_criteria_save(round_=round_, by=by)
    if not criteria:
        raise ValidationError(_("请至少设置一项评审指标。"))
    names = [str(name).strip() for name, _weight in criteria]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ValidationError(_("评审指标名称不能为空，也不能重复。"))
    try:
        weights = [int(w) for _n, w in criteria]
    except (TypeError, ValueError):
        weights = [0]
    if any(not (1 <= w <= 100) for w in weights):
        raise ValidationError(_("每项权重须在1到100之间。"))
    total = sum(weights)
    if total != 100:
        raise ValidationError(_("各评审指标权重之和须为100，目前为%(total)d。") % {"total": total})
    round_.criteria.all().delete()
    Criterion.objects.bulk_create(
        [
            Criterion(round=round_, name=n, weight=w, order=i)
            for i, (n, w) in enumerate(zip(names, weights, strict=True))
        ]
    )
    record(
        subject=round_,
        action="criteria",
        action_label=LABELS["criteria"],
        actor=by,
        reason="；".join(f"{n} {w}%" for n, w in zip(names, weights, strict=True)),
    )
    return round_


@transaction.atomic
def round_open(*, round_, by, expected_state=None):
    round_ = lock_round(round_, expected_state)
    return transitions.run(round_, "open", by, label=LABELS["open"], explain=explain_round)


def check_round_action(*, round_, name: str, by, expected_state=None) -> None:
    """What the service of state action ``name`` would refuse before it acts — a stale
    page, the state, the permission, the legal conditions — without locking: asked
    before the confirmation page is shown, so that nobody confirms what cannot happen."""
    if expected_state and round_.state != expected_state:
        raise transitions.StaleRecord
    transitions.check(round_, name, by, explain=explain_round, label=LABELS.get(name))


@transaction.atomic
def round_start_evaluation(*, round_, by, expected_state=None):
    round_ = lock_round(round_, expected_state)
    return transitions.run(round_, "start_evaluation", by, label=LABELS["start_evaluation"])


@transaction.atomic
def round_publish(*, round_, by, expected_state=None):
    """Publish the results: the notice period (公示) starts tomorrow, in working days."""
    round_ = lock_round(round_, expected_state)
    today = timezone.localdate()
    starts = add_working_days(today, 1)
    ends = add_working_days(today, round_.notice_working_days)
    return transitions.run(
        round_,
        "publish",
        by,
        label=LABELS["publish"],
        starts_on=starts,
        ends_on=ends,
        log_reason=in_log_language(
            lambda: _("公示期：%(s)s至%(e)s") % {"s": starts.isoformat(), "e": ends.isoformat()}
        ),
    )


@transaction.atomic
def round_finalise(*, round_, by, expected_state=None):
    """After the notice period: final, with a subsidy notice (PDF) for each award."""
    round_ = lock_round(round_, expected_state)
    transitions.run(round_, "finalise", by, label=LABELS["finalise"], explain=explain_round)
    today = timezone.localdate()
    year = today.year
    for award in (
        Award.objects.filter(application__round=round_)
        .select_related("application__alliance__lead_unit", "application__round__policy_version")
        .order_by("-amount_yuan", "pk")
    ):
        award.notice_number = (
            f"保科联补〔{year}〕{next_in_sequence(f'subsidy-notice:{year}'):03d}号"
        )
        alliance = award.application.alliance
        issued = issue_document(
            kind=IssuedDocument.Kind.AWARD_NOTICE,
            number=award.notice_number,
            issued_on=today,
            alliance=alliance,
            render=lambda verification, award=award: documents.award_notice_pdf(
                award, verification, date=today
            ),
        )
        share_file(award.notice_file, issued)
        award.save(update_fields=["notice_number", "notice_file"])
    return round_
