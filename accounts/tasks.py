from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notify import send_notice

from .models import OrganisationChange, Registration, Role, User


def _lead_unit_users(organisation_id):
    return User.objects.filter(role=Role.LEAD_UNIT, organisation_id=organisation_id)


def _county_reviewers(*jurisdiction_ids):
    ids = [pk for pk in jurisdiction_ids if pk is not None]
    return User.objects.filter(role=Role.COUNTY_REVIEWER, jurisdiction_id__in=ids)


def _deciders(change):
    """Municipal staff, and the county bureau when it may decide (not a move)."""
    staff = list(User.objects.filter(role=Role.MUNICIPAL_STAFF))
    if change.moves_jurisdiction:
        return staff
    return staff + list(_county_reviewers(change.organisation.jurisdiction_id))


@shared_task(acks_late=True)
def send_organisation_change_notice(change_id: int, event: str) -> int:
    """Tell the people a change of a unit's legal facts concerns: the bureau of a new
    request, the unit of the decision, and both counties of a move."""
    change = OrganisationChange.objects.select_related(
        "organisation", "old_jurisdiction", "new_jurisdiction"
    ).get(pk=change_id)
    link = f"\n\n{settings.PORTAL_BASE_URL}{reverse('accounts:change_detail', args=[change.pk])}"
    params = {
        "name": change.old_name,
        "changes": change.describe(),
        "reason": change.decision_reason or change.reason,
    }
    sent = 0
    if event == "request":
        return send_notice(
            legal=False,
            users=_deciders(change),
            subject=lambda: _("有单位登记信息变更申请待审核"),
            body=lambda: (
                _("“%(name)s”申请变更登记信息：%(changes)s。理由：%(reason)s") % params + link
            ),
        )
    unit_messages = {
        "approve": (
            gettext_lazy("单位登记信息变更已批准"),
            gettext_lazy("“%(name)s”的登记信息变更申请已批准：%(changes)s。"),
        ),
        "reject": (
            gettext_lazy("单位登记信息变更申请未予批准"),
            gettext_lazy("“%(name)s”的登记信息变更申请未予批准（%(changes)s）。理由：%(reason)s"),
        ),
        "record": (
            gettext_lazy("单位登记信息已由市科技局变更"),
            gettext_lazy("市科技局已变更“%(name)s”的登记信息：%(changes)s。依据：%(reason)s"),
        ),
    }
    if event in unit_messages:
        subject, body = unit_messages[event]
        sent += send_notice(
            users=_lead_unit_users(change.organisation_id),
            subject=subject,
            body=lambda: body % params + link,
        )
    if event in ("approve", "record") and change.moves_jurisdiction:
        sent += send_notice(
            legal=False,
            users=_county_reviewers(change.old_jurisdiction_id, change.new_jurisdiction_id),
            subject=lambda: _("单位所在县（市、区）已变更"),
            body=lambda: (
                _(
                    "“%(name)s”的登记信息已变更：%(changes)s。该单位牵头的联盟随之归入新的县（市、区），此后提交的备案申请由新的县（市、区）初审。"
                )
                % params
                + link
            ),
        )
    return sent


# --- Registrations (单位注册) -------------------------------------------------------------


def _mail_applicant(registration, subject: str, body: str) -> int:
    """The applicant has no account (no inbox) until approval: e-mail only."""
    from django.core.mail import EmailMessage
    from django.utils import translation

    from core.notify import header_safe

    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=f"{settings.EMAIL_SUBJECT_PREFIX}{header_safe(subject)}",
            body=str(body),
            to=[registration.email],
        )
        return message.send()


def _registration_reviewers(registration):
    """The bureau that decides it: the county of its jurisdiction, or (outside Baoding)
    the municipal bureau."""
    if registration.jurisdiction_id is None:
        return User.objects.filter(role=Role.MUNICIPAL_STAFF, is_active=True)
    return _county_reviewers(registration.jurisdiction_id).filter(is_active=True)


def _correction_note(registration) -> str:
    if not registration.jurisdiction_corrected or registration.derived_jurisdiction is None:
        return ""
    return "\n" + _(
        "按统一社会信用代码，该单位属“%(derived)s”；申请人更正为“%(chosen)s”，理由：%(reason)s"
    ) % {
        "derived": registration.derived_jurisdiction.name,
        "chosen": registration.jurisdiction.name if registration.jurisdiction else _("保定市外"),
        "reason": registration.jurisdiction_reason,
    }


@shared_task(acks_late=True)
def send_registration_notice(registration_id: int, event: str) -> int:
    """The e-mail of each step of a registration: the confirmation link to the applicant,
    the reviewers told of a registration to decide, the applicant told of the decision
    (a return with the link to correct it; an approval with the login name)."""
    from . import registration_links as links

    registration = Registration.objects.select_related("jurisdiction", "derived_jurisdiction").get(
        pk=registration_id
    )
    params = {
        "name": registration.name,
        "applicant": registration.applicant_name,
        "username": registration.username,
        "reason": registration.decision_reason,
        "hours": settings.PORTAL_REGISTRATION_CONFIRM_HOURS,
        "jurisdiction": registration.jurisdiction.name
        if registration.jurisdiction
        else _("保定市外"),
    }
    if event == "submitted":
        return _mail_applicant(
            registration,
            _("请确认单位注册邮箱"),
            _(
                "%(applicant)s，您好：\n\n您为“%(name)s”提交了单位注册申请。请在%(hours)s小时内"
                "打开下面的链接确认邮箱，确认后申请才会提交给%(jurisdiction)s科技主管部门审核；"
                "逾期未确认，申请自动失效，需要重新注册。\n\n"
            )
            % params
            + links.confirm_url(registration)
            + "\n\n"
            + _("如果这不是您本人的操作，请忽略本邮件。"),
        )
    if event in ("pending", "resubmitted"):
        path = reverse("accounts:registration_detail", args=[registration.pk])
        subject = (
            gettext_lazy("有单位注册申请待审核")
            if event == "pending"
            else gettext_lazy("单位注册申请已修改后重新提交")
        )
        # The county the credit code names hears of a registration moved away from it.
        moved_from = (
            _county_reviewers(registration.derived_jurisdiction_id).filter(is_active=True)
            if registration.jurisdiction_corrected and registration.derived_jurisdiction_id
            else ()
        )
        return send_notice(
            legal=False,
            users=_registration_reviewers(registration),
            cc_users=list(moved_from),
            subject=subject,
            body=lambda: (
                _("“%(name)s”（所在县（市、区）：%(jurisdiction)s）的单位注册申请待审核。") % params
                + _correction_note(registration)
                + f"\n\n{settings.PORTAL_BASE_URL}{path}"
            ),
        )
    if event == "approved":
        login = f"{settings.PORTAL_BASE_URL}{reverse('accounts:login')}"
        return _mail_applicant(
            registration,
            _("单位注册已通过"),
            _(
                "%(applicant)s，您好：\n\n“%(name)s”的单位注册已通过审核。请使用登录名"
                "“%(username)s”和注册时设置的密码登录平台，您是该单位的单位管理员。\n\n"
            )
            % params
            + login,
        )
    if event == "returned":
        return _mail_applicant(
            registration,
            _("单位注册申请被退回修改"),
            _(
                "%(applicant)s，您好：\n\n“%(name)s”的单位注册申请被退回，请按审核意见修改后重新提交。"
                "\n\n审核意见：%(reason)s\n\n修改链接（30天内有效）：\n"
            )
            % params
            + links.status_url(registration),
        )
    if event == "refused":
        return _mail_applicant(
            registration,
            _("单位注册申请未通过"),
            _(
                "%(applicant)s，您好：\n\n“%(name)s”的单位注册申请未通过审核。\n\n理由：%(reason)s"
                "\n\n如有疑问，请联系%(jurisdiction)s科技主管部门或保定市科学技术局。"
            )
            % params,
        )
    raise ValueError(event)


@shared_task
def expire_unconfirmed_registrations() -> int:
    """Beat, daily: registrations whose e-mail address was never confirmed expire."""
    from .registration import expire_unconfirmed

    return expire_unconfirmed()


PASSWORD_RESET_SUBJECT = "accounts/email/password_reset_subject.txt"
PASSWORD_RESET_BODY = "accounts/email/password_reset.txt"


@shared_task(acks_late=True)
def send_password_reset_mail(user_id: int, domain: str, protocol: str) -> int:
    """The password-reset e-mail, built when it is sent (the link's token too)."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return 0
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    PasswordResetForm().send_mail(
        PASSWORD_RESET_SUBJECT, PASSWORD_RESET_BODY, context, None, user.email
    )
    return 1


@shared_task(acks_late=True)
def send_unit_invitation(user_id: int) -> int:
    """The invitation of a unit's new user, with a link that sets the password. Built
    when sent (the token too), and sent only while the invitation is still open; the link
    is not kept in the portal's inbox."""
    from django.core.mail import EmailMessage
    from django.utils import translation

    from .invitations import invitation_url

    user = User.objects.select_related("organisation").filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password() or not user.email:
        return 0
    admin = User.objects.filter(
        organisation_id=user.organisation_id, is_unit_admin=True, is_active=True
    ).first()
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "name": user.get_full_name() or user.username,
            "unit": user.organisation.name,
            "admin": (admin.get_full_name() or admin.username) if admin else _("单位管理员"),
            "username": user.username,
            "link": invitation_url(user),
            "days": settings.PORTAL_INVITATION_DAYS,
            "site": settings.PORTAL_SITE_NAME,
        }
        subject = _("邀请您使用%(site)s") % params
        body = (
            _(
                "%(name)s，您好：\n\n"
                "%(admin)s 已将您添加为“%(unit)s”在%(site)s的用户，您的用户名是 %(username)s。\n\n"
                "请在%(days)s天内打开下面的链接设置密码，设置后即可登录：\n%(link)s\n\n"
                "链接只能使用一次。链接失效时，请联系本单位的单位管理员重新发送邀请。"
                "如果您不认识该单位，请忽略本邮件。"
            )
            % params
        )
        message = EmailMessage(f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body, to=[user.email])
    return message.send()


@shared_task(acks_late=True)
def send_unit_admin_handed_over(old_admin_id: int, new_admin_id: int) -> int:
    """Both sides of a hand-over of the unit administrator's role are told."""
    from django.utils import translation

    users = {
        u.pk: u
        for u in User.objects.select_related("organisation").filter(
            pk__in=[old_admin_id, new_admin_id]
        )
    }
    old, new = users[old_admin_id], users[new_admin_id]
    with translation.override(settings.LANGUAGE_CODE):
        return _tell_hand_over(old, new)


def _tell_hand_over(old, new) -> int:
    params = {
        "old": old.get_full_name() or old.username,
        "new": new.get_full_name() or new.username,
        "unit": new.organisation.name,
    }
    link = f"\n\n{settings.PORTAL_BASE_URL}{reverse('accounts:unit_users')}"
    sent = send_notice(
        users=[new],
        subject=lambda: _("您已成为单位管理员"),
        body=lambda: (
            _(
                "%(old)s 已将“%(unit)s”的单位管理员移交给您。您现在负责添加和停用本单位的用户，"
                "并可查看本单位用户的操作记录。"
            )
            % params
            + link
        ),
    )
    sent += send_notice(
        users=[old],
        subject=lambda: _("您已不再是单位管理员"),
        body=lambda: (
            _(
                "您已将“%(unit)s”的单位管理员移交给 %(new)s。您仍可以办理本单位的备案和报告，"
                "但不能再添加或停用本单位的用户。"
            )
            % params
            + link
        ),
    )
    return sent
