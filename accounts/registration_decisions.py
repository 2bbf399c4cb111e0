"""The bureau's decisions on a unit's registration (归口审核): approve, return for
correction, refuse. Approval creates the unit and its administrator — or, for a unit a
lead unit already added as a member and nobody registered for, gives the existing unit
its first administrator, with its legal facts brought up to date from the registration.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import outbox, transitions

from .models import Organisation, Registration, Role, User
from .models.changes import describe_changes, describe_values, fact_changes
from .names import split_name
from .registration import had_unit_users, unit_administrator
from .tasks import send_registration_notice

State = Registration.State
LEGAL_FACTS = Organisation.LEGAL_FACTS
LABELS = {
    "approve": gettext_lazy("批准单位注册"),
    "return_for_correction": gettext_lazy("退回单位注册（修改后重新提交）"),
    "refuse": gettext_lazy("不予通过单位注册"),
    "register": gettext_lazy("登记单位"),
    "user_create": gettext_lazy("创建用户"),
}
REASON_REQUIRED = {
    "return_for_correction": gettext_lazy("退回必须写明需要修改的内容，申请人会收到。"),
    "refuse": gettext_lazy("不予通过必须写明理由，申请人会收到。"),
}


def _lock(registration, expected_state=None) -> Registration:
    return transitions.lock(
        Registration.objects.select_related("jurisdiction", "derived_jurisdiction"),
        registration.pk,
        expected_state,
    )


def registration_check_decision(*, registration, by, name: str, expected_state=None) -> None:
    """The state and permission checks of a decision, without taking it (a page whose
    form was invalid still learns when the decision is no longer possible)."""
    if expected_state and registration.state != expected_state:
        raise transitions.StaleRecord
    transitions.check(registration, name, by, label=LABELS[name])


def _facts(registration) -> dict:
    return {f: getattr(registration, f) for f in LEGAL_FACTS}


def _approval_problems(registration) -> list[str]:
    """What happened since the registration was submitted that stops its approval."""
    problems = []
    organisation = Organisation.objects.filter(uscc=registration.uscc).first()
    if organisation is not None:
        admin = unit_administrator(organisation)
        if admin is not None:
            problems.append(
                _("统一社会信用代码 %(code)s 的单位“%(name)s”已有账号（%(admin)s），不能再注册。")
                % {
                    "code": registration.uscc,
                    "name": organisation.name,
                    "admin": admin.get_full_name() or admin.username,
                }
            )
        elif had_unit_users(organisation):
            problems.append(
                _(
                    "单位“%(name)s”此前有账号（已全部停用），其备案和记录不能通过注册交给新的申请人；"
                    "恢复账号由保定市科学技术局办理。"
                )
                % {"name": organisation.name}
            )
        elif organisation.jurisdiction_id != registration.jurisdiction_id:
            problems.append(
                _(
                    "单位“%(name)s”登记的所在县（市、区）已变化，请退回，申请人重新提交后由该县审核。"
                )
                % {"name": organisation.name}
            )
    if User.objects.filter(username__iexact=registration.username).exists():
        problems.append(_("登录名“%(name)s”已被其他账号使用。") % {"name": registration.username})
    if User.objects.filter(email__iexact=registration.email).exists():
        problems.append(_("邮箱 %(email)s 已被其他账号使用。") % {"email": registration.email})
    return problems


def _unit(registration, by) -> tuple[Organisation, str]:
    """The unit the registration stands for, created or brought up to date; and what the
    approval did to it, for the log."""
    organisation = Organisation.objects.select_for_update().filter(uscc=registration.uscc).first()
    contact = {
        "address": registration.address,
        "contact_person": registration.applicant_name,
        "contact_phone": registration.mobile,
        "contact_email": registration.email,
    }
    if organisation is None:
        organisation = Organisation(**_facts(registration), **contact)
        try:
            with transaction.atomic():
                organisation.save()
        except IntegrityError:
            raise ValidationError(
                _("不能批准：统一社会信用代码 %(code)s 刚被其他单位登记。")
                % {"code": registration.uscc}
            ) from None
        text = in_log_language(
            lambda: describe_values(LEGAL_FACTS + Organisation.CONTACT_FIELDS, organisation)
        )
        record(
            subject=organisation,
            action="register",
            action_label=LABELS["register"],
            actor=by,
            reason=text,
        )
        return organisation, in_log_language(lambda: _("新登记单位：%(values)s") % {"values": text})
    # A unit a lead unit named as a member. Its legal facts stay as they are: the alliances
    # it belongs to were filed with them, and a change of them (a move to another county
    # above all) is decided by the municipal bureau or the unit's own county through an
    # OrganisationChange, which the new administrator can ask for once approved. What the
    # registration says differently is written in the log for the record.
    changes = unapplied_differences(registration, organisation)
    changed = []
    if not organisation.address:
        organisation.address = registration.address
        changed.append("address")
    for field in ("contact_person", "contact_phone", "contact_email"):
        if not getattr(organisation, field):
            setattr(organisation, field, contact[field])
            changed.append(field)
    if changed:
        organisation.save(update_fields=changed)
    text = in_log_language(lambda: describe_changes(changes))
    return organisation, in_log_language(
        lambda: (
            _("已有单位“%(name)s”（此前无账号），登记信息未改变%(changes)s")
            % {
                "name": organisation.name,
                "changes": _("；注册所填不同之处：%(text)s") % {"text": text} if text else "",
            }
        )
    )


def unapplied_differences(registration, organisation):
    """Where the registration's facts differ from the known unit's (shown to the reviewer,
    logged on approval, never applied by it)."""
    return fact_changes(
        LEGAL_FACTS,
        {f: getattr(organisation, f) for f in LEGAL_FACTS},
        _facts(registration),
    )


def _administrator(registration, organisation, by) -> User:
    # The name as the applicant wrote it, split like a colleague's (accounts.names), so
    # get_full_name() gives it back and both kinds of user are stored alike.
    family, given = split_name(registration.applicant_name)
    user = User(
        username=registration.username,
        email=registration.email,
        last_name=family,
        first_name=given,
        phone=registration.mobile,
        role=Role.LEAD_UNIT,
        organisation=organisation,
        is_unit_admin=True,
        password=registration.password,  # hashed at submission
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            _("不能批准：登录名或单位管理员刚被占用，请刷新页面后重试。")
        ) from None
    record(
        subject=user,
        action="user_create",
        action_label=LABELS["user_create"],
        actor=by,
        reason=in_log_language(
            lambda: (
                _("单位注册获批：%(org)s 的单位管理员 %(name)s（%(username)s）")
                % {
                    "org": organisation.name,
                    "name": registration.applicant_name,
                    "username": registration.username,
                }
            )
        ),
    )
    return user


@transaction.atomic
def registration_approve(*, registration, by, reason: str = "", expected_state=None):
    registration = _lock(registration, expected_state)
    transitions.check(registration, "approve", by, label=LABELS["approve"])
    problems = _approval_problems(registration)
    if problems:
        raise ValidationError(
            _("不能批准：%(problems)s 请不予通过并写明理由。") % {"problems": "".join(problems)}
        )
    reason = (reason or "").strip()
    organisation, unit_text = _unit(registration, by)
    user = _administrator(registration, organisation, by)
    registration.organisation = organisation
    registration.user = user
    opinion = in_log_language(lambda: _("审核意见：%(reason)s") % {"reason": reason})
    transitions.perform(
        registration,
        "approve",
        by,
        label=LABELS["approve"],
        log_reason=f"{unit_text}。{opinion}" if reason else unit_text,
        decided_by=by,
        reason=reason,
    )
    outbox.enqueue(send_registration_notice, registration.pk, "approved")
    return registration


def _decide_with_reason(registration, by, name, reason, expected_state, event):
    registration = _lock(registration, expected_state)
    transitions.check(registration, name, by, label=LABELS[name])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [str(REASON_REQUIRED[name])]})
    transitions.perform(
        registration,
        name,
        by,
        label=LABELS[name],
        log_reason=reason,
        decided_by=by,
        reason=reason,
    )
    outbox.enqueue(send_registration_notice, registration.pk, event)
    return registration


@transaction.atomic
def registration_return(*, registration, by, reason: str, expected_state=None):
    """Back to the applicant, who corrects it through the link e-mailed to them."""
    return _decide_with_reason(
        registration, by, "return_for_correction", reason, expected_state, "returned"
    )


@transaction.atomic
def registration_refuse(*, registration, by, reason: str, expected_state=None):
    return _decide_with_reason(registration, by, "refuse", reason, expected_state, "refused")
