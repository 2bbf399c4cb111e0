"""Annual work summaries (Art. 12(1)): create, fill in, attach, submit, accept, return.

Every service locks the summary, refuses a stale page, then checks the state and the
permission (``summary_check_edit`` / ``summary_check``) before it reads any input.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox, transitions
from filings.models import Alliance

from ..models import AnnualSummary, SummaryAttachment
from .common import (
    accepted_fields,
    require_editable,
    require_filed,
    require_lead_unit,
    require_reason,
    require_transition,
    save_attachment,
    upload_errors_on,
)

LABELS = {
    "submit": gettext_lazy("提交年度工作总结"),
    "resubmit": gettext_lazy("修改后重新提交"),
    "accept": gettext_lazy("受理年度工作总结"),
    "return_for_revision": gettext_lazy("退回修改"),
}
EDITABLE = (AnnualSummary.State.DRAFT, AnnualSummary.State.RETURNED)
NUMBER_FIELDS = (
    "joint_projects",
    "patents_applied",
    "patents_granted",
    "standards",
    "people_trained",
    "member_investment_yuan",
    "government_investment_yuan",
)
#: What a lead unit writes into its summary: never the state, the alliance, the year or
#: a timestamp.
SUMMARY_FIELDS = ("work_done", *NUMBER_FIELDS, "problems", "next_year_plan")


def _lock(summary, expected_state=None):
    return transitions.lock(
        AnnualSummary.objects.select_related("alliance"), summary.pk, expected_state
    )


def explain(summary, name):
    """Why a submission's legal condition fails (Art. 13: the alliance is no longer filed)."""
    return [
        _("“%(name)s”的备案状态为“%(status)s”，不能提交年度工作总结。")
        % {"name": summary.alliance.name, "status": summary.alliance.get_status_display()}
    ]


def submit_name(summary) -> str:
    """The first submission, or the resubmission of a returned summary."""
    return "resubmit" if summary.state == AnnualSummary.State.RETURNED else "submit"


def summary_check_edit(summary: AnnualSummary, by) -> None:
    """May ``by`` change ``summary``'s content or attachments now? (state, then permission)"""
    require_editable(
        summary, by, editable=EDITABLE, refusal=_("总结当前状态为“%(state)s”，不能修改。")
    )


def summary_check(summary: AnnualSummary, name: str, by, *, expected_state=None) -> None:
    """What ``summary_<name>`` refuses before it reads any input (stale page, state,
    permission, Art. 13)."""
    require_transition(
        summary, name, by, expected_state=expected_state, explain=explain, label=LABELS[name]
    )


def _notify(summary, event):
    from ..tasks import send_record_notification

    outbox.enqueue(send_record_notification, "summary", summary.pk, event)


@transaction.atomic
def summary_create(*, alliance: Alliance, by, year: int) -> AnnualSummary:
    require_filed(alliance)
    require_lead_unit(alliance, by)
    this_year = timezone.localdate().year
    if alliance.filed_on is None or not (alliance.filed_on.year <= year <= this_year):
        raise ValidationError(
            _(
                "只能填报备案当年（%(first)s年）至今年（%(last)s年）的年度工作总结，不能填报%(year)s年。"
            )
            % {
                "first": alliance.filed_on.year if alliance.filed_on else "—",
                "last": this_year,
                "year": year,
            }
        )
    try:
        with transaction.atomic():
            return AnnualSummary.objects.create(alliance=alliance, year=year)
    except IntegrityError:
        raise ValidationError(
            _("%(year)s年度工作总结已经创建，请在列表中打开继续填写。") % {"year": year}
        ) from None


@transaction.atomic
def summary_save(*, summary: AnnualSummary, by, data: dict) -> AnnualSummary:
    """Save the draft's content: ``data`` maps some of SUMMARY_FIELDS to their values
    (numbers as int or digits); ValidationError keyed by field when one is not valid."""
    values = accepted_fields(data, SUMMARY_FIELDS, "summary_save")
    summary = _lock(summary)
    summary_check_edit(summary, by)
    for name, value in values.items():
        setattr(summary, name, "" if value is None and name not in NUMBER_FIELDS else value)
    others = [f.name for f in AnnualSummary._meta.fields if f.name not in values]
    summary.clean_fields(exclude=others)
    summary.save(update_fields=list(values))
    return summary


@transaction.atomic
def summary_attach(*, summary: AnnualSummary, by, uploaded) -> SummaryAttachment:
    summary = _lock(summary)
    summary_check_edit(summary, by)
    require_filed(summary.alliance)
    try:
        return save_attachment(SummaryAttachment, by=by, uploaded=uploaded, summary=summary)
    except ValidationError as error:
        raise upload_errors_on("file", error) from None


@transaction.atomic
def summary_submit(*, summary: AnnualSummary, by, expected_state=None) -> AnnualSummary:
    summary = _lock(summary, expected_state)
    name = submit_name(summary)
    summary_check(summary, name, by)
    if not (summary.work_done or "").strip():
        raise ValidationError(_("请填写年度主要工作后再提交。"))
    transitions.perform(summary, name, by, label=LABELS[name])
    _notify(summary, name)
    return summary


@transaction.atomic
def summary_accept(*, summary: AnnualSummary, by, expected_state=None) -> AnnualSummary:
    summary = _lock(summary, expected_state)
    transitions.run(summary, "accept", by, label=LABELS["accept"])
    _notify(summary, "accept")
    return summary


@transaction.atomic
def summary_return(
    *, summary: AnnualSummary, by, reason: str, expected_state=None
) -> AnnualSummary:
    summary = _lock(summary, expected_state)
    summary_check(summary, "return_for_revision", by)
    reason = require_reason(reason, _("退回修改必须写明理由。"), field="reason")
    transitions.perform(
        summary,
        "return_for_revision",
        by,
        label=LABELS["return_for_revision"],
        log_reason=reason,
        reason=reason,
    )
    _notify(summary, "return_for_revision")
    return summary
