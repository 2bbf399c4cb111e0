"""Every write a user can cause to an organisation: registration, contact details, and a
change of its legal facts (requested by the unit, decided by the bureau).

Plain data in (no forms). Each service locks the rows, checks the state and who acts,
then the input, then writes, audits and enqueues its notices in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import outbox, transitions

from . import rules
from .models import Jurisdiction, Organisation, OrganisationChange
from .models.changes import describe_changes, describe_values, fact_changes
from .tasks import send_organisation_change_notice
from .uscc import compact
from .validation import uscc_refusal

State = OrganisationChange.State
LEGAL_FACTS = Organisation.LEGAL_FACTS
CONTACT_FIELDS = Organisation.CONTACT_FIELDS
LABELS = {
    "register": gettext_lazy("登记单位"),
    "contact": gettext_lazy("修改单位联系方式"),
    "request": gettext_lazy("申请变更单位登记信息"),
    "record": gettext_lazy("直接变更单位登记信息"),
    "approve": gettext_lazy("批准单位登记信息变更"),
    "reject": gettext_lazy("不予批准单位登记信息变更"),
    "withdraw": gettext_lazy("撤回单位登记信息变更申请"),
    "applied": gettext_lazy("变更单位登记信息"),
}


def _lock_organisation(organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _lock_change(change, expected_state=None) -> OrganisationChange:
    return transitions.lock(
        OrganisationChange.objects.select_related("organisation"), change.pk, expected_state
    )


def _values(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


# --- Input ------------------------------------------------------------------------------


def _clean(values: dict, errors: dict) -> dict:
    """Each text through its column's own checks (required, length, choices, e-mail)."""
    cleaned = {}
    for name, value in values.items():
        value = (value or "").strip() if isinstance(value, str) or value is None else value
        try:
            cleaned[name] = Organisation._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    return cleaned


def _clean_facts(values: dict, errors: dict, *, exclude_pk=None) -> dict:
    texts = {f: values.get(f) for f in LEGAL_FACTS if f != "jurisdiction"}
    texts["uscc"] = compact(texts["uscc"] or "")
    cleaned = _clean(texts, errors)
    if "uscc" not in errors:
        refusal = uscc_refusal(cleaned["uscc"], exclude_pk=exclude_pk)
        if refusal:
            errors["uscc"] = [refusal]
    jurisdiction = values.get("jurisdiction")
    if jurisdiction is not None and not isinstance(jurisdiction, Jurisdiction):
        errors["jurisdiction"] = [_("请从列表中选择县（市、区）或开发区。")]
    cleaned["jurisdiction"] = jurisdiction
    return cleaned


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


# --- Registration and contact details ------------------------------------------------------


@transaction.atomic
def organisation_register(*, by, values: dict) -> Organisation:
    """Register a unit (the bureau's staff and administrators): its legal facts and contact
    details, audited."""
    if not (by.is_municipal_staff or by.is_administrator):
        raise PermissionDenied
    return _register(by, values, note="")


@transaction.atomic
def organisation_register_named(*, by, values: dict, context: str) -> Organisation:
    """A unit a lead unit names by its credit code (a member of its filing, an Art. 12(2)
    member change) that nobody has registered yet: registered with what the lead unit
    typed, and audited as such — who, in which ``context``, with which values — so that the
    bureau can tell, and correct through a change request, details a lead unit typed for
    another legal person. A code registered meanwhile gives the existing unit unchanged."""
    if not (by.is_lead_unit or by.is_municipal_staff or by.is_administrator):
        raise PermissionDenied
    existing = Organisation.objects.filter(uscc=compact(values.get("uscc") or "")).first()
    if existing is not None:
        return existing
    return _register(by, values, note=context)


def _register(by, values: dict, *, note: str) -> Organisation:
    errors = {}
    facts = _clean_facts(values, errors)
    contact = _clean({f: values.get(f, "") for f in CONTACT_FIELDS}, errors)
    _raise(errors)
    organisation = _save_new(Organisation(**facts, **contact))
    text = in_log_language(
        lambda: "；".join(
            filter(None, [str(note), describe_values(LEGAL_FACTS + CONTACT_FIELDS, organisation)])
        )
    )
    record(
        subject=organisation,
        action="register",
        action_label=LABELS["register"],
        actor=by,
        reason=text,
    )
    return organisation


def _save_new(organisation):
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Another registration of the same code committed since the check.
        taken = uscc_refusal(organisation.uscc) or _("该统一社会信用代码已登记，请勿重复添加。")
        raise ValidationError({"uscc": [taken]}) from None
    return organisation


@transaction.atomic
def organisation_update_contact(
    *, organisation, by, address: str, contact_person: str, contact_phone: str, contact_email: str
) -> Organisation:
    """The unit's contact details, edited directly; the old and new values are audited."""
    organisation = _lock_organisation(organisation)
    if not rules.may_edit_contact(organisation, by):
        raise PermissionDenied
    errors = {}
    new = _clean(
        {
            "address": address,
            "contact_person": contact_person,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
        },
        errors,
    )
    _raise(errors)
    old = _values(organisation, CONTACT_FIELDS)
    changed = [f for f in CONTACT_FIELDS if old[f] != new[f]]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field, new[field])
    organisation.save(update_fields=changed)
    record(
        subject=organisation,
        action="contact_update",
        action_label=LABELS["contact"],
        actor=by,
        reason=in_log_language(lambda: describe_changes(fact_changes(CONTACT_FIELDS, old, new))),
    )
    return organisation


# --- Changes of legal facts ----------------------------------------------------------------


def organisation_change_check(*, organisation, by) -> None:
    """Raise unless ``by`` may ask for (a lead unit) or make (municipal staff) a change of
    ``organisation``'s legal facts now: PermissionDenied, or TransitionRefused while
    another request of the unit is pending."""
    records = rules.may_record_change(organisation, by)
    if not (records or rules.may_request_change(organisation, by)):
        raise PermissionDenied
    pending = organisation.change_requests.filter(state=State.PENDING).first()
    if pending is None:
        return
    params = {"date": f"{pending.requested_at:%Y-%m-%d}"}
    if records:
        message = _("该单位有一份%(date)s提交的变更申请待审核，请先审核该申请。") % params
    else:
        message = (
            _("您已有一份%(date)s提交的变更申请待审核，请等待审核结果，或撤回后重新申请。") % params
        )
    raise transitions.TransitionRefused([message])


@transaction.atomic
def organisation_change_submit(*, organisation, by, values: dict, reason: str):
    """A change of the unit's legal facts: a lead unit's request stays pending until the
    bureau decides; municipal staff's own change is recorded and approved in one step.
    Both leave the same record, with the old and new values and the reason."""
    organisation = _lock_organisation(organisation)
    organisation_change_check(organisation=organisation, by=by)
    errors = {}
    new = _clean_facts(values, errors, exclude_pk=organisation.pk)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请写明变更理由，如营业执照变更情况。")]
    old = _values(organisation, LEGAL_FACTS)
    if not errors and all(old[f] == new[f] for f in LEGAL_FACTS):
        errors["__all__"] = [
            _("登记信息没有任何变化。只修改地址、联系人、电话或邮箱时，请使用“联系方式”表单。")
        ]
    _raise(errors)
    change = OrganisationChange(organisation=organisation, requested_by=by, reason=reason)
    for field in LEGAL_FACTS:
        setattr(change, f"old_{field}", old[field])
        setattr(change, f"new_{field}", new[field])
    change.save()
    staff = rules.may_record_change(organisation, by)
    action = "record" if staff else "request"
    record(
        subject=change,
        action=action,
        action_label=LABELS[action],
        actor=by,
        target=change.state,
        reason=in_log_language(
            lambda: (
                _("%(changes)s。理由：%(reason)s")
                % {
                    "changes": change.describe(),
                    "reason": reason,
                }
            )
        ),
    )
    if staff:
        return _approve(change, organisation, by, reason="", event="record")
    outbox.enqueue(send_organisation_change_notice, change.pk, "request")
    return change


def explain_change(change, name) -> list[str]:
    """Why a legal condition of ``name`` fails now."""
    if name == "approve" and not rules.facts_unchanged_since_request(change):
        return [
            _(
                "申请提交后该单位的登记信息已有变化，不能再按此申请批准。"
                "请不予批准，由申请单位按现在的信息重新申请。"
            )
        ]
    return []


def organisation_change_check_decision(*, change, by, name: str, expected_state=None) -> None:
    """The state and permission checks of a decision, without taking it: for a page whose
    form was invalid, so the user still learns when the decision is no longer possible."""
    if expected_state and change.state != expected_state:
        raise transitions.StaleRecord
    transitions.check(change, name, by, explain=explain_change, label=LABELS[name])


@transaction.atomic
def organisation_change_approve(
    *, change, by, reason: str = "", expected_state=None
) -> OrganisationChange:
    change = _lock_change(change, expected_state)
    organisation = _lock_organisation(change.organisation)
    change.organisation = organisation
    return _approve(change, organisation, by, reason=(reason or "").strip(), event="approve")


def _approve(change, organisation, by, *, reason: str, event: str) -> OrganisationChange:
    """Apply the new values to the locked unit, re-checking the credit code now."""
    transitions.check(change, "approve", by, explain=explain_change, label=LABELS["approve"])
    if change.new_uscc != organisation.uscc:
        refusal = uscc_refusal(change.new_uscc, exclude_pk=organisation.pk)
        if refusal:
            raise ValidationError(
                _("不能批准：%(problem)s 请不予批准并写明理由。") % {"problem": refusal}
            )
    changes = change.changes()
    text = in_log_language(change.describe)
    opinion = in_log_language(lambda: _("审核意见：%(reason)s") % {"reason": reason})
    # The transition first: its condition compares the request with the unit as it is.
    transitions.perform(
        change,
        "approve",
        by,
        label=LABELS["approve"],
        log_reason=f"{text}。{opinion}" if reason else text,
        decided_by=by,
        reason=reason,
    )
    for item in changes:
        setattr(organisation, item.field, getattr(change, f"new_{item.field}"))
    try:
        with transaction.atomic():
            organisation.save(update_fields=[item.field for item in changes])
    except IntegrityError:
        # Another unit took the code between the check and the write: nothing of this
        # approval stays (the caller's transaction is rolled back by the error).
        raise ValidationError(
            _("不能批准：统一社会信用代码 %(code)s 刚被其他单位登记。") % {"code": change.new_uscc}
        ) from None
    record(
        subject=organisation,
        action="legal_facts_change",
        action_label=LABELS["applied"],
        actor=by,
        reason=text,
    )
    outbox.enqueue(send_organisation_change_notice, change.pk, event)
    return change


@transaction.atomic
def organisation_change_reject(
    *, change, by, reason: str, expected_state=None
) -> OrganisationChange:
    change = _lock_change(change, expected_state)
    transitions.check(change, "reject", by, explain=explain_change, label=LABELS["reject"])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("不予批准必须写明理由，申请单位会收到。")]})
    text = in_log_language(
        lambda: (
            _("%(changes)s。理由：%(reason)s")
            % {
                "changes": change.describe(),
                "reason": reason,
            }
        )
    )
    transitions.perform(
        change, "reject", by, label=LABELS["reject"], log_reason=text, decided_by=by, reason=reason
    )
    outbox.enqueue(send_organisation_change_notice, change.pk, "reject")
    return change


@transaction.atomic
def organisation_change_withdraw(*, change, by, expected_state=None) -> OrganisationChange:
    change = _lock_change(change, expected_state)
    return transitions.run(
        change,
        "withdraw",
        by,
        label=LABELS["withdraw"],
        log_reason=in_log_language(change.describe),
        decided_by=by,
    )
