from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox, transitions
from filings.models import Alliance

from ..models import AnnualSummary, SummaryAttachment
from .common import (
    require_filed,
    require_lead_unit,
    require_reason,
    save_attachment,
)

LABELS = {
    "submit": gettext_lazy("提交年度工作总结"),
    "resubmit": gettext_lazy("修改后重新提交"),
    "accept": gettext_lazy("受理年度工作总结"),
    "return_for_revision": gettext_lazy("退回修改"),
}


def _lock(summary, expected_state=None):
    return transitions.lock(
        AnnualSummary.objects.select_related("alliance"), summary.pk, expected_state
    )


def _explain(summary, name):
    return [
        _("“%(name)s”的备案状态为“%(status)s”，不能提交年度工作总结。")
        % {"name": summary.alliance.name, "status": summary.alliance.get_status_display()}
    ]


def _notify(summary, event):
    from ..tasks import send_record_notification

    outbox.enqueue(send_record_notification, "summary", summary.pk, event)


@transaction.atomic
def summary_create(*, alliance: Alliance, by, year: int) -> AnnualSummary:
    require_lead_unit(alliance, by)
    require_filed(alliance)
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
def summary_save(*, summary: AnnualSummary, by, form) -> AnnualSummary:
    summary = _lock(summary)
    require_lead_unit(summary.alliance, by)
    if summary.state not in (AnnualSummary.State.DRAFT, AnnualSummary.State.RETURNED):
        raise transitions.TransitionRefused(
            [_("总结当前状态为“%(state)s”，不能修改。") % {"state": summary.get_state_display()}]
        )
    return form.save()


@transaction.atomic
def summary_attach(*, summary: AnnualSummary, by, uploaded) -> SummaryAttachment:
    summary = _lock(summary)
    require_lead_unit(summary.alliance, by)
    require_filed(summary.alliance)
    if summary.state not in (AnnualSummary.State.DRAFT, AnnualSummary.State.RETURNED):
        raise transitions.TransitionRefused([_("总结已提交，不能再添加附件。")])
    return save_attachment(SummaryAttachment, by=by, uploaded=uploaded, summary=summary)


@transaction.atomic
def summary_submit(*, summary: AnnualSummary, by, expected_state=None) -> AnnualSummary:
    summary = _lock(summary, expected_state)
    name = "resubmit" if summary.state == AnnualSummary.State.RETURNED else "submit"
    if not (summary.work_done or "").strip():
        raise ValidationError(_("请填写年度主要工作后再提交。"))
    transitions.run(summary, name, by, label=LABELS[name], explain=_explain)
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
    reason = require_reason(reason, _("退回修改必须写明理由。"))
    summary = _lock(summary, expected_state)
    transitions.run(
        summary,
        "return_for_revision",
        by,
        label=LABELS["return_for_revision"],
        log_reason=reason,
        reason=reason,
    )
    _notify(summary, "return_for_revision")
    return summary
