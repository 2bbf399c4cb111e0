"""The unit administrator's (单位管理员) writes: inviting a colleague, sending the invitation
again, removing a colleague, handing the role over; and the colleague's acceptance.

Plain data in. Each service locks the rows it changes, refuses unless ``by`` administers
the unit (``rules.is_unit_admin_of``), checks the input, writes, audits and enqueues its
e-mails in the same transaction. A colleague is never deleted: removal deactivates, so
what they did stays attributed to them.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import outbox

from . import rules
from .models import Role, User
from .models.registration import OPEN_STATES, Registration
from .names import split_name
from .security_admin import end_sessions_of
from .tasks import send_unit_admin_handed_over, send_unit_invitation

#: What a user name may hold (the help text says so): ASCII only, no look-alike letters.
ASCII_USERNAME = re.compile(r"[A-Za-z0-9@.+_-]+")

LABELS = {
    "invite": gettext_lazy("添加单位用户"),
    "resend": gettext_lazy("重发单位用户邀请"),
    "remove": gettext_lazy("停用单位用户"),
    "hand_over": gettext_lazy("移交单位管理员"),
    "accept": gettext_lazy("通过邀请链接设置密码"),
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def _check_admin(by) -> None:
    # is_active too: a stale object of an administrator deactivated meanwhile.
    if not (
        getattr(by, "is_active", False)
        and rules.is_unit_admin_of(getattr(by, "organisation_id", None), by)
    ):
        raise PermissionDenied


def _lock_colleague(by, user) -> User:
    """The colleague's row, locked; someone of another unit is refused (the pages look
    colleagues up in the unit first, and answer 404)."""
    found = (
        User.objects.select_for_update()
        .filter(pk=user.pk, role=Role.LEAD_UNIT, organisation_id=by.organisation_id)
        .first()
    )
    if found is None:
        raise PermissionDenied
    return found


def _lock_admin(by) -> User:
    """``by``'s own row, locked and read again: the role may have passed meanwhile."""
    me = User.objects.select_for_update().get(pk=by.pk)
    _check_admin(me)
    return me


def state_of(user) -> str:
    """已停用, 待设置密码 or 已激活 (the list's state column)."""
    if not user.is_active:
        return "removed"
    if not user.has_usable_password():
        return "invited"
    return "active"


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- Input ------------------------------------------------------------------------------


def _clean_colleague(values: dict) -> dict:
    errors = {}
    text = {k: " ".join(str(values.get(k) or "").split()) for k in ("name", "phone", "username")}
    email = str(values.get("email") or "").strip()
    if not text["name"]:
        errors["name"] = [_("请填写姓名。")]
    elif len(text["name"]) > 50:
        errors["name"] = [_("姓名不能超过50个字。")]
    if not MOBILE.match(text["phone"]):
        errors["phone"] = [_("请填写11位手机号码，如 13812345678。")]
    username_field = User._meta.get_field("username")
    try:
        # NFKC, as the login form reads it: “ｌｅａｄ” typed full-width is “lead”.
        username = username_field.clean(User.normalize_username(text["username"]), None)
        # Django allows any letter; a Cyrillic “о” in “cоunty” would pass for “county”.
        if not ASCII_USERNAME.fullmatch(username):
            raise ValidationError("not ascii")
    except ValidationError:
        username = ""
        errors["username"] = [
            _("用户名只能包含字母、数字和 @ . + - _，不超过150个字符。")
            if text["username"]
            else _("请填写用户名，同事用它登录。")
        ]
    try:
        email = User._meta.get_field("email").clean(email, None)
    except ValidationError:
        email = ""
        errors["email"] = [_("请填写有效的电子邮箱，邀请链接会发送到这个邮箱。")]
    if not email and "email" not in errors:
        errors["email"] = [_("请填写电子邮箱，邀请链接会发送到这个邮箱。")]
    if username and _username_taken(username):
        errors["username"] = [_("用户名“%(name)s”已被使用，请换一个。") % {"name": username}]
    if email and _email_taken(email):
        errors["email"] = [
            _("邮箱 %(email)s 已被其他账号使用（包括已停用的账号），请换一个。") % {"email": email}
        ]
    if errors:
        raise ValidationError(errors)
    return {**text, "username": username, "email": email}


def _username_taken(username: str) -> bool:
    return (
        User.objects.filter(username__iexact=username).exists()
        or Registration.objects.filter(username__iexact=username, state__in=OPEN_STATES).exists()
    )


def _email_taken(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or Registration.objects.filter(email__iexact=email, state__in=OPEN_STATES).exists()
    )


# --- Services ----------------------------------------------------------------------------


@transaction.atomic
def colleague_invite(*, by, values: dict) -> User:
    """A new user of ``by``'s unit (name, mobile, e-mail, user name), without a password:
    the invitation e-mail's link sets it."""
    _lock_admin(by)
    cleaned = _clean_colleague(values)
    last_name, first_name = split_name(cleaned["name"])
    user = User(
        username=cleaned["username"],
        email=cleaned["email"],
        phone=cleaned["phone"],
        last_name=last_name,
        first_name=first_name,
        role=Role.LEAD_UNIT,
        organisation_id=by.organisation_id,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same user name was taken between the check and the write.
        raise ValidationError(
            {"username": [_("用户名“%(name)s”已被使用，请换一个。") % {"name": user.username}]}
        ) from None
    record(
        subject=user,
        action="unit_user_invite",
        action_label=LABELS["invite"],
        actor=by,
        reason=in_log_language(
            lambda: (
                _("姓名：%(name)s；用户名：%(username)s；手机：%(phone)s；邮箱：%(email)s")
                % {**cleaned}
            )
        ),
    )
    outbox.enqueue(send_unit_invitation, user.pk)
    return user


@transaction.atomic
def colleague_resend_invitation(*, by, user) -> User:
    """A new invitation link; the earlier one dies (a new unusable password)."""
    _lock_admin(by)
    user = _lock_colleague(by, user)
    state = state_of(user)
    if state == "removed":
        raise ValidationError(_("%(name)s 已停用，不能再发送邀请。") % {"name": _name(user)})
    if state == "active":
        raise ValidationError(
            _("%(name)s 已设置密码，可以直接登录；忘记密码时请用登录页的“忘记密码”。")
            % {"name": _name(user)}
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    record(
        subject=user,
        action="unit_user_invitation_resend",
        action_label=LABELS["resend"],
        actor=by,
        reason=user.email,
    )
    outbox.enqueue(send_unit_invitation, user.pk)
    return user


@transaction.atomic
def colleague_remove(*, by, user, reason: str) -> User:
    """Deactivate a colleague (never deleted) and end their sessions."""
    me = _lock_admin(by)
    user = _lock_colleague(by, user)
    if user.pk == me.pk or user.is_unit_admin:
        raise ValidationError(
            _("单位管理员不能停用自己。请先把单位管理员移交给其他同事，再由新的管理员停用。")
        )
    if not user.is_active:
        raise ValidationError(_("%(name)s 已经停用。") % {"name": _name(user)})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明停用的原因，如“已调离本单位”。")]})
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions_of(user)
    record(
        subject=user,
        action="unit_user_remove",
        action_label=LABELS["remove"],
        actor=by,
        reason=in_log_language(
            lambda: (
                _("%(name)s（%(username)s）；原因：%(reason)s；结束会话%(n)s个")
                % {"name": _name(user), "username": user.username, "reason": reason, "n": ended}
            )
        ),
    )
    return user


@transaction.atomic
def admin_hand_over(*, by, to_user) -> User:
    """Make ``to_user`` the unit's administrator; ``by`` becomes an ordinary user."""
    # Both rows locked in one order (by primary key), so two hand-overs cannot deadlock.
    rows = {
        u.pk: u
        for u in User.objects.select_for_update().filter(pk__in=[by.pk, to_user.pk]).order_by("pk")
    }
    me = rows.get(by.pk)
    _check_admin(me)
    new = rows.get(to_user.pk)
    if new is None or new.role != Role.LEAD_UNIT or new.organisation_id != me.organisation_id:
        raise PermissionDenied
    if new.pk == me.pk:
        raise ValidationError(_("您已经是单位管理员，请选择其他同事。"))
    if state_of(new) != "active":
        raise ValidationError(
            _("只能移交给已设置密码、未停用的同事；%(name)s 现在不能接任。") % {"name": _name(new)}
        )
    # One administrator per unit (a database constraint): the old one first.
    me.is_unit_admin = False
    me.save(update_fields=["is_unit_admin"])
    new.is_unit_admin = True
    new.save(update_fields=["is_unit_admin"])
    record(
        subject=new,
        action="unit_admin_hand_over",
        action_label=LABELS["hand_over"],
        actor=me,
        reason=in_log_language(
            lambda: (
                _("单位管理员由 %(old)s 移交给 %(new)s")
                % {"old": f"{_name(me)}（{me.username}）", "new": f"{_name(new)}（{new.username}）"}
            )
        ),
    )
    outbox.enqueue(send_unit_admin_handed_over, me.pk, new.pk)
    by.is_unit_admin = False  # the caller's object too: its pages are no longer the admin's
    return new


@transaction.atomic
def invitation_accept(*, user, password: str) -> User:
    """The colleague sets the password through a valid link (checked by the page)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if state_of(user) != "invited" or user.role != Role.LEAD_UNIT:
        raise ValidationError(_("该邀请链接已失效，请联系本单位的单位管理员重新发送邀请。"))
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        subject=user,
        action="unit_user_invitation_accept",
        action_label=LABELS["accept"],
        actor=user,
    )
    return user
