"""Every write a user can cause on alliances and filings.

A service locks the row, checks the state the user saw, checks permission, runs the
transition, saves, appends to the audit log, and schedules e-mail after commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record
from core import outbox, transitions
from core.transitions import StaleRecord, TransitionRefused  # noqa: F401 - views catch them here
from core.uploads import store_upload

from . import documents
from .models import Alliance, AllianceMember, Filing, FilingDocument, FilingMaterial
from .numbering import next_filing_number, next_letter_number

TRANSITION_LABELS = {
    "create": gettext_lazy("创建申请"),
    "submit": gettext_lazy("提交初审"),
    "resubmit": gettext_lazy("修改后重新提交"),
    "withdraw": gettext_lazy("撤回申请"),
    "recommend": gettext_lazy("初审通过并推荐"),
    "return_for_revision": gettext_lazy("退回修改"),
    "reject": gettext_lazy("不予备案"),
    "approve": gettext_lazy("予以备案"),
}


def _label(name):
    return TRANSITION_LABELS[name]  # lazy: the audit log stores it in Chinese


def _require_editable(filing: Filing, by):
    if not (by.is_lead_unit and by.organisation_id == filing.alliance.lead_unit_id):
        raise PermissionDenied
    if not filing.is_editable:
        raise TransitionRefused(
            [_("申请当前状态为“%(state)s”，不能修改。") % {"state": filing.get_state_display()}]
        )


def _locked(filing_id: int, expected_state: str | None) -> Filing:
    return transitions.lock(
        Filing.objects.select_related("alliance", "alliance__lead_unit", "jurisdiction"),
        filing_id,
        expected_state,
    )


def _why_not(filing: Filing, name: str) -> list[str]:
    """Why the legal conditions of ``name`` fail now, in the lead unit's words."""
    from .conformance import check_conformance, missing_materials

    reasons = []
    if name in ("submit", "resubmit"):
        for result in check_conformance(filing.alliance):
            if result.failed:
                reasons.extend(
                    _("第九条%(title)s：%(msg)s") % {"title": result.title, "msg": msg}
                    for msg in result.failures
                )
        missing = missing_materials(filing)
        if missing:
            reasons.append(_("第十条材料未上传：%(items)s。") % {"items": "、".join(missing)})
        jurisdiction = filing.alliance.lead_unit.jurisdiction
        if jurisdiction is not None and not jurisdiction.enabled:
            reasons.append(_("%(name)s目前未参与本市联盟备案。") % {"name": jurisdiction.name})
    if name == "approve" and filing.alliance.status != Alliance.Status.UNFILED:
        reasons.append(_("该联盟已经备案或已被取消备案。"))
    return reasons


def _check(filing: Filing, name: str, by) -> None:
    transitions.check(filing, name, by, explain=_why_not, label=_label(name))


def _perform(filing: Filing, name: str, by, *, log_reason: str = "", **kwargs) -> Filing:
    transitions.perform(filing, name, by, label=_label(name), log_reason=log_reason, **kwargs)
    transaction.on_commit(lambda: _notify(filing.pk, name))
    return filing


def _run(filing: Filing, name: str, by, *, log_reason: str = "", **kwargs) -> Filing:
    _check(filing, name, by)
    return _perform(filing, name, by, log_reason=log_reason, **kwargs)


def _notify(filing_id: int, event: str):
    from .tasks import send_filing_notification

    outbox.enqueue(send_filing_notification, filing_id, event)


# --- The lead unit's application -------------------------------------------------------


@transaction.atomic
def alliance_create(*, by, name: str) -> Filing:
    """A new alliance with its lead unit as first member, and a draft filing."""
    if not by.is_lead_unit:
        raise PermissionDenied
    lead = by.organisation
    alliance = Alliance.objects.create(name=name, lead_unit=lead)
    AllianceMember.objects.create(
        alliance=alliance,
        organisation=lead,
        role=AllianceMember.Role.LEAD,
        signed_by=lead.legal_representative,
    )
    filing = Filing.objects.create(alliance=alliance, created_by=by, jurisdiction=lead.jurisdiction)
    record(
        subject=filing,
        action="create",
        action_label=_label("create"),
        actor=by,
        target=filing.state,
    )
    return filing


@transaction.atomic
def filing_save_draft(*, filing: Filing, by, form) -> Alliance:
    """Save the alliance data typed so far; a draft may be incomplete."""
    filing = _locked(filing.pk, None)
    _require_editable(filing, by)
    alliance = form.save()
    return alliance


@transaction.atomic
def member_add(*, filing: Filing, by, organisation, role, task_division="", charter_signed=False):
    filing = _locked(filing.pk, None)
    _require_editable(filing, by)
    if filing.alliance.members.filter(organisation=organisation).exists():
        raise ValidationError(_("“%(name)s”已是本联盟成员。") % {"name": organisation.name})
    return AllianceMember.objects.create(
        alliance=filing.alliance,
        organisation=organisation,
        role=role,
        task_division=task_division,
        charter_signed=charter_signed,
        signed_by=organisation.legal_representative if charter_signed else "",
    )


@transaction.atomic
def member_update(*, filing: Filing, by, member: AllianceMember, form) -> AllianceMember:
    filing = _locked(filing.pk, None)
    _require_editable(filing, by)
    member = form.save(commit=False)
    member.signed_by = member.organisation.legal_representative if member.charter_signed else ""
    member.save()
    return member


@transaction.atomic
def member_remove(*, filing: Filing, by, member: AllianceMember):
    filing = _locked(filing.pk, None)
    _require_editable(filing, by)
    if member.organisation_id == filing.alliance.lead_unit_id:
        raise ValidationError(_("牵头单位不能从联盟中移除。"))
    member.delete()


@transaction.atomic
def material_upload(*, filing: Filing, by, kind: str, uploaded) -> FilingMaterial:
    filing = _locked(filing.pk, None)
    _require_editable(filing, by)
    return store_upload(FilingMaterial, by=by, uploaded=uploaded, filing=filing, kind=kind)


# --- Transitions -------------------------------------------------------------------------


@transaction.atomic
def filing_submit(*, filing: Filing, by, expected_state=None) -> Filing:
    filing = _locked(filing.pk, expected_state)
    name = "resubmit" if filing.state == Filing.State.RETURNED else "submit"
    return _run(filing, name, by)


@transaction.atomic
def filing_withdraw(*, filing: Filing, by, expected_state=None) -> Filing:
    return _run(_locked(filing.pk, expected_state), "withdraw", by)


@transaction.atomic
def filing_recommend(*, filing: Filing, by, opinion: str, expected_state=None) -> Filing:
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError(_("请填写初审意见。"))
    filing = _locked(filing.pk, expected_state)
    _check(filing, "recommend", by)
    number = next_letter_number(filing.jurisdiction, timezone.localdate().year)
    _perform(filing, "recommend", by, log_reason=opinion, opinion=opinion, letter_number=number)
    _issue(
        filing,
        FilingDocument.Kind.RECOMMENDATION_LETTER,
        number,
        by,
        documents.recommendation_letter_pdf,
    )
    return filing


@transaction.atomic
def filing_return(*, filing: Filing, by, reason: str, expected_state=None) -> Filing:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("退回修改必须写明理由，牵头单位将看到该理由。"))
    filing = _locked(filing.pk, expected_state)
    return _run(filing, "return_for_revision", by, log_reason=reason, reason=reason)


@transaction.atomic
def filing_reject(*, filing: Filing, by, reason: str, expected_state=None) -> Filing:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("不予备案必须写明理由，牵头单位将看到该理由。"))
    filing = _locked(filing.pk, expected_state)
    return _run(filing, "reject", by, log_reason=reason, reason=reason)


@transaction.atomic
def filing_approve(*, filing: Filing, by, expected_state=None) -> Filing:
    filing = _locked(filing.pk, expected_state)
    _check(filing, "approve", by)
    today = timezone.localdate()
    number = next_filing_number(today.year)
    _perform(filing, "approve", by)
    alliance = Alliance.objects.select_for_update().get(pk=filing.alliance_id)
    alliance.file(number=number, on=today)
    alliance.save()
    filing.alliance = alliance
    record(
        subject=alliance,
        action="file",
        action_label=gettext_lazy("予以备案"),
        actor=by,
        source=Alliance.Status.UNFILED,
        target=alliance.status,
        reason=number,
    )
    _issue(filing, FilingDocument.Kind.FILING_NOTICE, number, by, documents.filing_notice_pdf)
    return filing


def _issue(filing, kind, number, by, render) -> FilingDocument:
    document = FilingDocument(filing=filing, kind=kind, reference_number=number, issued_by=by)
    document.file.save("document.pdf", ContentFile(render(filing, number)), save=False)
    document.save()
    return document
