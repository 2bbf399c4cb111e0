"""Every write a user can cause on alliances and filings.

A service takes plain values, never a form. It locks the row, refuses a stale page,
checks the state, the permission and the legal conditions, and only then the input
(``ValidationError``, keyed by field where the error belongs to one); then it writes,
appends to the audit log and enqueues the e-mail in the same transaction
(``core.outbox``: the notice is written with the change or not at all).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import organisation_register_named
from audit.models import record
from core import outbox, transitions
from core.signing import MUNICIPAL
from core.transitions import StaleRecord, TransitionRefused
from core.uploads import store_upload
from policy import selectors as policy_selectors

from . import documents, membership, rules
from .issuance import issue_document, share_file
from .models import Alliance, AllianceMember, Filing, FilingDocument, FilingMaterial
from .numbering import next_filing_number, next_letter_number
from .tasks import send_filing_notification

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


# What a lead unit may write into its draft: the application's sections (Art. 8–9) and
# the key personnel the 备案申请书 names. Never the legal facts the bureau decides or the
# system keeps (status, filing number and date, lead unit, liaison officer).
DRAFT_FIELDS = frozenset(
    {
        "name",
        "category",
        "industry_chain",
        "innovation_goals",
        "decision_body",
        "executive_body",
        "liable_entity",
        "office_address",
        "office_fulltime_staff",
        "office_contact_name",
        "office_contact_phone",
        "office_contact_email",
        "funding_rules",
        "ip_mechanism",
        "openness_mechanism",
        "beijing_tianjin_partners",
        "chairperson",
        "secretary_general",
    }
)
# A member row's own facts; its organisation is who it is, never edited.
MEMBER_FIELDS = frozenset({"role", "task_division", "charter_signed"})


def _label(name):
    return TRANSITION_LABELS[name]  # lazy: the audit log stores it in Chinese


def _only(data: dict, allowed: frozenset, what: str) -> dict:
    unexpected = sorted(set(data) - allowed)
    if unexpected:
        raise TypeError(f"{what} does not accept {', '.join(unexpected)}")
    return data


def filing_check_editable(*, filing: Filing, by) -> None:
    """Raise unless ``by`` may change this application now: PermissionDenied unless it is
    the lead unit's, TransitionRefused unless its state allows changes (draft, returned).
    Locks nothing: pages ask it before showing or re-showing an edit form; every write
    below asks it again under the lock."""
    if not rules.is_lead_unit_of(filing, by):
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


def why_not(filing: Filing, name: str) -> list[str]:
    """Why the legal conditions of ``name`` fail now, in the lead unit's words."""
    from .conformance import check_conformance, filing_category_problem, missing_materials

    reasons = []
    if name == "submit" and not rules.policy_applies(filing):
        reasons.append(policy_selectors.lapsed_refusal())
    if name in ("submit", "resubmit"):
        results = check_conformance(filing.alliance, filing)
        for result in results:
            if result.failed:
                reasons.extend(
                    _("第九条%(title)s：%(msg)s") % {"title": result.title, "msg": msg}
                    for msg in result.failures
                )
        problem = filing_category_problem(filing)
        if problem:
            reasons.append(problem)
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
    transitions.check(filing, name, by, explain=why_not, label=_label(name))


def filing_check_action(*, filing: Filing, name: str, by, expected_state=None) -> None:
    """Raise what the service of transition ``name`` would refuse before it reads any
    input — StaleRecord, TransitionRefused (state or legal condition), PermissionDenied —
    or nothing. Locks nothing: for a decision whose form is invalid and so never reaches
    the service, the user still learns first that the page is stale or the state moved."""
    if expected_state and filing.state != expected_state:
        raise StaleRecord
    _check(filing, name, by)


def _required_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _perform(filing: Filing, name: str, by, *, log_reason: str = "", **kwargs) -> Filing:
    transitions.perform(filing, name, by, label=_label(name), log_reason=log_reason, **kwargs)
    # In this transaction: the notice is committed with the decision, or neither is.
    outbox.enqueue(send_filing_notification, filing.pk, name)
    return filing


def _run(filing: Filing, name: str, by, *, log_reason: str = "", **kwargs) -> Filing:
    _check(filing, name, by)
    return _perform(filing, name, by, log_reason=log_reason, **kwargs)


# --- The lead unit's application -------------------------------------------------------


@transaction.atomic
def alliance_create(*, by, name: str) -> Filing:
    """A new alliance with its lead unit as first member, and a draft filing."""
    if not by.is_lead_unit:
        raise PermissionDenied
    lead = by.organisation
    if lead.province_code != "13" or (
        lead.jurisdiction_id is None and not lead.registered_in_baoding
    ):
        # Art. 9(1): the lead unit is registered in Baoding. A unit from elsewhere has an
        # account to confirm its memberships (Art. 9(3)), not to lead.
        raise ValidationError(
            _(
                "“%(name)s”不是在保定市注册的单位，不能牵头组建联盟（第九条第一项）；"
                "可以作为成员单位参加联盟，由牵头单位添加后在“参加的联盟”中确认。"
            )
            % {"name": lead.name}
        )
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
def filing_save_draft(*, filing: Filing, by, data: dict, loaded_at: str | None = None) -> Alliance:
    """Save the alliance data typed so far (``data``: field → value, only
    ``DRAFT_FIELDS``); a draft may be incomplete. ValidationError keyed by field.
    ``loaded_at`` (the alliance's ``updated_at`` when the page was loaded, ISO format):
    StaleRecord when someone saved since, so that nobody's change is silently undone."""
    _only(data, DRAFT_FIELDS, "filing_save_draft")
    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    alliance = Alliance.objects.select_for_update().get(pk=filing.alliance_id)
    if loaded_at and alliance.updated_at.isoformat() != loaded_at:
        raise StaleRecord
    if data.get("category"):
        # Art. 8: a category of the version the draft is checked against (its own once
        # submitted, else today's); a draft may leave it empty for now.
        from .conformance import category_problem, rules_version

        problem = category_problem(rules_version(alliance, filing), data["category"])
        if problem:
            raise ValidationError({"category": problem})
    for name, value in data.items():
        setattr(alliance, name, value)
    alliance.full_clean(exclude=[f.name for f in Alliance._meta.fields if f.name not in data])
    alliance.save(update_fields=[*data, "updated_at"])
    return alliance


@transaction.atomic
def member_add(
    *,
    filing: Filing,
    by,
    organisation=None,
    new_organisation: dict | None = None,
    role,
    task_division="",
    charter_signed=False,
):
    """Add a member: an ``organisation`` already registered, or one to register from
    ``new_organisation`` (its legal facts, as the lead unit typed them: audited)."""
    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    if organisation is None:
        organisation = organisation_register_named(
            by=by,
            values=new_organisation or {},
            context=_("在“%(alliance)s”的备案申请中登记为成员单位")
            % {"alliance": filing.alliance.name},
        )
    if filing.alliance.members.filter(organisation=organisation).exists():
        raise ValidationError(_("“%(name)s”已是本联盟成员。") % {"name": organisation.name})
    # A registered unit answers for itself (Art. 9(3) online): asked, never ticked for.
    asks = organisation.pk != filing.alliance.lead_unit_id and membership.is_registered(
        organisation.pk
    )
    if asks and charter_signed:
        membership.refuse_lead_signature(organisation)
    member = AllianceMember.objects.create(
        alliance=filing.alliance,
        organisation=organisation,
        role=role,
        task_division=task_division,
        charter_signed=charter_signed,
        signed_by=organisation.legal_representative if charter_signed else "",
    )
    if asks:
        membership.ask_member(filing, member, by)
    return member


def _locked_member(filing: Filing, member: AllianceMember) -> AllianceMember:
    if member.alliance_id != filing.alliance_id:
        raise PermissionDenied  # never another alliance's row through this filing
    locked = (
        AllianceMember.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=member.pk)
        .first()
    )
    if locked is None:
        raise StaleRecord  # removed meanwhile
    return locked


@transaction.atomic
def member_update(*, filing: Filing, by, member: AllianceMember, data: dict) -> AllianceMember:
    """Change a member row's ``MEMBER_FIELDS`` (role, task division, Art. 9(3) signature);
    its organisation never changes. ValidationError keyed by field."""
    _only(data, MEMBER_FIELDS, "member_update")
    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    member = _locked_member(filing, member)
    lead = AllianceMember.Role.LEAD
    role = data.get("role", member.role)
    if member.organisation_id == filing.alliance.lead_unit_id and role != lead:
        raise ValidationError({"role": _("牵头单位的联盟内角色不能更改。")})
    if member.organisation_id != filing.alliance.lead_unit_id and role == lead:
        raise ValidationError({"role": _("只有牵头单位的联盟内角色是“牵头单位”。")})
    fields = [*data, "signed_by"]
    asks = membership.asks_member(member, filing.alliance.lead_unit_id)
    if asks and "charter_signed" in data and bool(data["charter_signed"]) != member.charter_signed:
        membership.refuse_lead_signature(member.organisation)
    old_terms = membership.describe_terms(member)
    old_digest = membership.terms_digest(member)
    for name, value in data.items():
        setattr(member, name, value)
    if asks and membership.terms_digest(member) != old_digest:
        # What the member confirmed (or declined) changed: it is asked again.
        membership.terms_changed(filing, member, by, old_terms=old_terms)
        fields += membership.ANSWER_FIELDS
    member.signed_by = member.organisation.legal_representative if member.charter_signed else ""
    member.full_clean(exclude=["alliance", "organisation"])
    member.save(update_fields=list(dict.fromkeys(fields)))
    return member


@transaction.atomic
def member_remove(*, filing: Filing, by, member: AllianceMember):
    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    member = _locked_member(filing, member)
    if member.organisation_id == filing.alliance.lead_unit_id:
        raise ValidationError(_("牵头单位不能从联盟中移除。"))
    member.delete()


@transaction.atomic
def material_upload(*, filing: Filing, by, kind: str, uploaded) -> FilingMaterial:
    """An Art. 10 material of a kind the filing's version lists, within that material's
    accepted types and size."""
    from .conformance import materials_for, rules_version

    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    material = next((m for m in materials_for(filing) if m.kind == kind), None)
    if material is None:
        raise ValidationError(
            {
                "kind": _("“%(kind)s”不是%(version)s第十条所列的备案材料，请重新选择材料类型。")
                % {"kind": kind, "version": rules_version(filing.alliance, filing)}
                if kind
                else _("请选择材料类型。")
            }
        )
    return store_upload(
        FilingMaterial,
        by=by,
        uploaded=uploaded,
        max_bytes=material.max_bytes,
        content_types=material.content_types,
        filing=filing,
        kind=kind,
    )


@transaction.atomic
def filing_declare(*, filing: Filing, by, keys) -> Filing:
    """Record which of the version's declared Art. 9 conditions the lead unit declares it
    meets (``keys``: condition keys; the others are withdrawn)."""
    from .conformance import rules_version

    filing = _locked(filing.pk, None)
    filing_check_editable(filing=filing, by=by)
    version = rules_version(filing.alliance, filing)
    allowed = {c.key for c in version.conditions.all() if c.is_declaration}
    chosen = sorted({str(k) for k in keys})
    if set(chosen) - allowed:
        raise ValidationError({"keys": _("只能声明本版本中需由牵头单位声明的条件。")})
    old = list(filing.declarations)
    filing.declarations = chosen
    filing.save(update_fields=["declarations"])
    titles = {c.key: f"{c.item}{c.title}" for c in version.conditions.all()}

    def named(keys):
        return "、".join(titles.get(k, k) for k in keys) or "—"

    record(
        subject=filing,
        action="declare",
        action_label=gettext_lazy("声明符合备案条件"),
        actor=by,
        # The log is an official record in the portal's language (as ``record`` does).
        reason=f"声明符合：{named(chosen)}（此前：{named(old)}）",
    )
    return filing


# --- Transitions -------------------------------------------------------------------------


@transaction.atomic
def filing_submit(*, filing: Filing, by, expected_state=None) -> Filing:
    """Submit to the county. The first submission binds the filing to the policy version
    applied today (read afresh): its conditions are the ones checked, and stay its rules."""
    filing = _locked(filing.pk, expected_state)
    if filing.state == Filing.State.RETURNED:
        return _run(filing, "resubmit", by)
    version = filing.policy_version or policy_selectors.applied(fresh=True)
    if version is not None:
        filing.policy_version = version  # checked against the version it will be bound to
    return _run(filing, "submit", by, version=version)


@transaction.atomic
def filing_withdraw(*, filing: Filing, by, expected_state=None) -> Filing:
    return _run(_locked(filing.pk, expected_state), "withdraw", by)


@transaction.atomic
def filing_recommend(*, filing: Filing, by, opinion: str, expected_state=None) -> Filing:
    filing = _locked(filing.pk, expected_state)
    _check(filing, "recommend", by)
    opinion = _required_text(opinion, "opinion", _("请填写初审意见。"))
    number = next_letter_number(filing.jurisdiction, timezone.localdate().year)
    _perform(filing, "recommend", by, log_reason=opinion, opinion=opinion, letter_number=number)
    _issue(
        filing,
        FilingDocument.Kind.RECOMMENDATION_LETTER,
        number,
        by,
        documents.recommendation_letter_pdf,
        issued_on=documents.recommendation_letter_date(filing),
        issuer=filing.jurisdiction.bureau_name,
        signer=filing.jurisdiction.code,
    )
    return filing


@transaction.atomic
def filing_return(*, filing: Filing, by, reason: str, expected_state=None) -> Filing:
    filing = _locked(filing.pk, expected_state)
    _check(filing, "return_for_revision", by)
    reason = _required_text(reason, "reason", _("退回修改必须写明理由，牵头单位将看到该理由。"))
    return _perform(filing, "return_for_revision", by, log_reason=reason, reason=reason)


@transaction.atomic
def filing_reject(*, filing: Filing, by, reason: str, expected_state=None) -> Filing:
    filing = _locked(filing.pk, expected_state)
    _check(filing, "reject", by)
    reason = _required_text(reason, "reason", _("不予备案必须写明理由，牵头单位将看到该理由。"))
    return _perform(filing, "reject", by, log_reason=reason, reason=reason)


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
    _issue(
        filing,
        FilingDocument.Kind.FILING_NOTICE,
        number,
        by,
        documents.filing_notice_pdf,
        issued_on=documents.filing_notice_date(filing),
    )
    return filing


def _issue(
    filing, kind, number, by, render, *, issued_on, issuer="", signer=MUNICIPAL
) -> FilingDocument:
    """Issue through the one pipeline (filings.issuance: code, QR, signature, register);
    the filing's own document row shares the register's file."""
    issued = issue_document(
        kind=kind,  # the filing's kinds are the register's kinds of the same name
        number=number,
        issued_on=issued_on,
        alliance=filing.alliance,
        render=lambda verification: render(filing, number, verification=verification),
        issuer=issuer,
        signer=signer,
    )
    document = FilingDocument(filing=filing, kind=kind, reference_number=number, issued_by=by)
    share_file(document.file, issued)
    document.save()
    return document
