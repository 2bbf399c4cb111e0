from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notify import send_notice

from .models import OrganisationChange, Role, User


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
            subject=_("有单位登记信息变更申请待审核"),
            body=_("“%(name)s”申请变更登记信息：%(changes)s。理由：%(reason)s") % params + link,
        )
    unit_messages = {
        "approve": (
            _("单位登记信息变更已批准"),
            _("“%(name)s”的登记信息变更申请已批准：%(changes)s。"),
        ),
        "reject": (
            _("单位登记信息变更申请未予批准"),
            _("“%(name)s”的登记信息变更申请未予批准（%(changes)s）。理由：%(reason)s"),
        ),
        "record": (
            _("单位登记信息已由市科技局变更"),
            _("市科技局已变更“%(name)s”的登记信息：%(changes)s。依据：%(reason)s"),
        ),
    }
    if event in unit_messages:
        subject, body = unit_messages[event]
        sent += send_notice(
            users=_lead_unit_users(change.organisation_id),
            subject=subject,
            body=body % params + link,
        )
    if event in ("approve", "record") and change.moves_jurisdiction:
        sent += send_notice(
            legal=False,
            users=_county_reviewers(change.old_jurisdiction_id, change.new_jurisdiction_id),
            subject=_("单位所在县（市、区）已变更"),
            body=_(
                "“%(name)s”的登记信息已变更：%(changes)s。该单位牵头的联盟随之归入新的县（市、区），此后提交的备案申请由新的县（市、区）初审。"
            )
            % params
            + link,
        )
    return sent


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
        subject=_("您已成为单位管理员"),
        body=_(
            "%(old)s 已将“%(unit)s”的单位管理员移交给您。您现在负责添加和停用本单位的用户，"
            "并可查看本单位用户的操作记录。"
        )
        % params
        + link,
    )
    sent += send_notice(
        users=[old],
        subject=_("您已不再是单位管理员"),
        body=_(
            "您已将“%(unit)s”的单位管理员移交给 %(new)s。您仍可以办理本单位的备案和报告，"
            "但不能再添加或停用本单位的用户。"
        )
        % params
        + link,
    )
    return sent
