"""A unit's registration (单位注册), from the applicant's side: submitting it, confirming
the e-mail address, and correcting it after a return. The bureau's decisions are in
``registration_decisions``.

Plain data in (no forms). The applicant has no user yet: the signed links
(``registration_links``) stand in for a login, and the audit log names the applicant in
the entry's reason.
"""

import re

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import outbox, throttle, transitions
from core.uploads import check_upload

from . import registration_links as links
from .models import Jurisdiction, Organisation, Registration, Role, User
from .models.changes import describe_changes, describe_values, fact_changes
from .models.registration import OPEN_STATES
from .tasks import send_registration_notice
from .uscc import compact, is_baoding_division, uscc_division, uscc_problem

State = Registration.State
THROTTLE_SCOPE = "register-address"
ATTEMPTS_SCOPE = "register-attempts"
#: The jurisdiction the credit code gives, unless the applicant chooses another.
DERIVED = "derived"
# Districts merged into 莲池区 in 2015; codes issued before still carry them.
MERGED_DIVISIONS = {"130603": "130606", "130604": "130606"}
MOBILE = re.compile(r"1\d{10}")
ASCII_USERNAME = re.compile(r"[A-Za-z0-9@.+_-]+")
UNIT_FIELDS = ("name", "uscc", "kind", "industry", "legal_representative", "address")
APPLICANT_FIELDS = ("applicant_name", "mobile")
ACCOUNT_FIELDS = ("email", "username")
# What a correction may change (the address and the login stay as confirmed).
CORRECTABLE = (*UNIT_FIELDS, "jurisdiction", "jurisdiction_reason", *APPLICANT_FIELDS)
LABELS = {
    "submit": gettext_lazy("提交单位注册"),
    "confirm_email": gettext_lazy("确认注册邮箱"),
    "resubmit": gettext_lazy("修改后重新提交单位注册"),
    "expire": gettext_lazy("单位注册过期（未确认邮箱）"),
}


class Throttled(Exception):
    message = gettext_lazy("同一网络地址提交注册过于频繁，请10分钟后再试。")


# --- The jurisdiction a credit code gives ------------------------------------------------


def derived_division(code: str) -> str | None:
    """The Baoding division code the credit code gives (merged districts mapped to their
    successor), or None outside Baoding. ``derive_jurisdiction`` looks it up; a bulk
    reader (portal.imports) looks it up in jurisdictions it has already read."""
    division = uscc_division(code)
    if not is_baoding_division(division):
        return None
    return MERGED_DIVISIONS.get(division, division)


def derive_jurisdiction(code: str) -> Jurisdiction | None:
    """The Baoding county or zone the code's registering authority belongs to, or None
    (outside Baoding, a city-level or provincial authority, an unknown division)."""
    division = derived_division(code)
    if division is None:
        return None
    return Jurisdiction.objects.filter(code=division).first()


def unit_administrator(organisation) -> User | None:
    """Whom to contact about a unit's accounts: its administrator, or else any active
    user of the unit. Unit users only: an evaluator employed by the unit is not one (the
    unit may register although its experts have accounts)."""
    users = organisation.users.filter(role=Role.LEAD_UNIT, is_active=True)
    return users.order_by("-is_unit_admin", "pk").first()


def had_unit_users(organisation) -> bool:
    """A unit whose users were all removed — or moved to another unit or role — is not
    free for the taking: its filings and its log stay with it, and only the bureau gives
    it an account again. A unit that leads an alliance had a user (who filed it), whatever
    became of that user."""
    return (
        organisation.users.filter(role=Role.LEAD_UNIT).exists()
        or organisation.led_alliances.exists()
    )


def person_name(user) -> str:
    return user.get_full_name() or user.username


def masked_name(user) -> str:
    """“赵*”, “欧阳**”: enough for a colleague to know whom to ask, not a stranger's full
    name for anyone who types a company's public credit code. A name not split into
    family and given name (“Zhao Min”, typed whole) shows its first character only."""
    family, given = user.last_name.strip(), user.first_name.strip()
    if not family or not given:
        shown = (family + given) or user.username
        return shown[:1] + "*" * max(len(shown) - 1, 1)
    return family + "*" * len(given)


def existing_unit(code: str) -> Organisation | None:
    return Organisation.objects.select_related("jurisdiction").filter(uscc=code).first()


# --- Input ---------------------------------------------------------------------------------


def _clean_fields(values: dict, names, errors: dict) -> dict:
    """Each text through its column's own checks (required, length, choices, e-mail)."""
    cleaned = {}
    for name in names:
        value = values.get(name)
        value = (value or "").strip() if isinstance(value, str) or value is None else value
        field = Registration._meta.get_field(name)
        try:
            cleaned[name] = field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    return cleaned


def _code_refusal(code: str, *, exclude_pk=None) -> str | None:
    """What stops ``code`` from being registered now, or None."""
    problem = uscc_problem(code)
    if problem:
        return problem
    organisation = existing_unit(code)
    if organisation is not None:
        admin = unit_administrator(organisation)
        if admin is not None:
            return _(
                "统一社会信用代码 %(code)s 已注册为“%(name)s”，该单位已有账号，不能再注册。"
                "请联系该单位的单位管理员 %(admin)s 为您添加账号。"
            ) % {"code": code, "name": organisation.name, "admin": masked_name(admin)}
        if had_unit_users(organisation):
            return _(
                "统一社会信用代码 %(code)s 已登记为“%(name)s”，该单位的账号已停用，"
                "不能通过注册重新取得。请持营业执照或法人证书联系保定市科学技术局恢复账号。"
            ) % {"code": code, "name": organisation.name}
    open_ = Registration.objects.filter(uscc=code, state__in=OPEN_STATES).exclude(pk=exclude_pk)
    if open_.exists():
        return _(
            "统一社会信用代码 %(code)s 已有一份注册申请在办理中，不能重复注册。"
            "如是您单位提交的，请查收当时填写的邮箱中的链接。"
        ) % {"code": code}
    return None


def _jurisdiction_errors(cleaned: dict, chosen, reason: str, errors: dict):
    """Sets the derived and the chosen jurisdiction; a chosen one that differs from what
    the code says needs a reason the reviewer reads."""
    derived = derive_jurisdiction(cleaned["uscc"])
    organisation = existing_unit(cleaned["uscc"])
    if organisation is not None:
        # A unit the portal knows (a lead unit added it as a member) stays where it is
        # registered: its own county decides, and a move is a change of its legal facts
        # that the municipal bureau decides after approval (rules.may_decide_change).
        known = organisation.jurisdiction
        if chosen not in (DERIVED, known):
            errors["jurisdiction"] = [
                _(
                    "该单位已在平台登记，所在县（市、区）为“%(name)s”，注册申请由其科技主管部门审核。"
                    "如单位已迁址，请在注册通过后申请变更登记信息。"
                )
                % {"name": known.name if known else _("保定市外")}
            ]
            return
        cleaned["derived_jurisdiction"] = derived
        cleaned["jurisdiction"] = known
        cleaned["jurisdiction_reason"] = ""
        return
    if chosen == DERIVED:
        chosen = derived
    if chosen is not None and not uscc_division(cleaned["uscc"]).startswith("13"):
        # Registered outside Hebei: not in Baoding, whatever county it names (Art. 9(1)).
        # (A Hebei provincial or city authority's code may be a Baoding unit's: the
        # reviewer checks the licence.)
        errors["jurisdiction"] = [
            _(
                "统一社会信用代码显示单位在河北省外登记，不是保定市的单位，不能选择保定市的县（市、区）；"
                "请选择“保定市外”（可以作为成员单位参加联盟）。"
            )
        ]
        return
    elif chosen is not None and not isinstance(chosen, Jurisdiction):
        errors["jurisdiction"] = [_("请从列表中选择县（市、区）或开发区。")]
        return
    cleaned["derived_jurisdiction"] = derived
    cleaned["jurisdiction"] = chosen
    cleaned["jurisdiction_reason"] = reason if chosen != derived else ""
    if chosen is None and is_baoding_division(uscc_division(cleaned["uscc"])):
        errors["jurisdiction"] = [
            _(
                "信用代码显示单位在保定市登记，但不能确定所在县（市、区）。"
                "请选择单位所在的县（市、区）或开发区。"
            )
        ]
    elif chosen != derived and not reason:
        derived_name = derived.name if derived else _("保定市外")
        errors["jurisdiction_reason"] = [
            _(
                "按统一社会信用代码，单位所在地为“%(derived)s”。选择其他县（市、区）时，"
                "请写明理由（如单位已迁址），审核人员会看到。"
            )
            % {"derived": derived_name}
        ]


def _clean_unit(values: dict, errors: dict, *, exclude_pk=None) -> dict:
    texts = dict(values)
    texts["uscc"] = compact(texts.get("uscc") or "")
    # The code is checked as a code (its length too), not as an 18-character column.
    cleaned = _clean_fields(
        texts, [f for f in (*UNIT_FIELDS, "applicant_name") if f != "uscc"], errors
    )
    cleaned["uscc"] = texts["uscc"]
    mobile = "".join(str(values.get("mobile") or "").split())
    if MOBILE.fullmatch(mobile):
        cleaned["mobile"] = mobile
    else:
        errors["mobile"] = [_("手机号码应为以1开头的11位数字，请检查后重新输入。")]
    if "uscc" not in errors:
        refusal = _code_refusal(cleaned["uscc"], exclude_pk=exclude_pk)
        if refusal:
            errors["uscc"] = [refusal]
        else:
            reason = (values.get("jurisdiction_reason") or "").strip()
            chosen = values.get("jurisdiction", DERIVED)
            _jurisdiction_errors(cleaned, chosen, reason, errors)
    return cleaned


def _clean_account(values: dict, errors: dict) -> dict:
    cleaned = _clean_fields(values, ACCOUNT_FIELDS, errors)
    username = cleaned.get("username")
    if username:
        # As the login form reads it (NFKC): “ｌｅａｄ” typed full-width is “lead”.
        username = cleaned["username"] = User.normalize_username(username)
        if not ASCII_USERNAME.fullmatch(username):
            # Django allows any letter; a Cyrillic “е” in “lеad” would pass for “lead”.
            errors["username"] = [_("登录名只能使用英文字母、数字和 @ . + - _。")]
            username = None
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as error:
            errors["username"] = error.messages
        else:
            taken = (
                User.objects.filter(username__iexact=username).exists()
                or (
                    Registration.objects.filter(username__iexact=username, state__in=OPEN_STATES)
                ).exists()
            )
            if taken:
                errors["username"] = [
                    _("登录名“%(name)s”已被使用，请换一个。") % {"name": username}
                ]
    email = cleaned.get("email")
    if email is not None:
        used = User.objects.filter(email__iexact=email).exists() or (
            Registration.objects.filter(email__iexact=email, state__in=OPEN_STATES).exists()
        )
        if used:
            errors["email"] = [
                _(
                    "邮箱 %(email)s 已被其他账号或注册申请使用，请换一个邮箱。"
                    "如您已有账号，请直接登录或使用“忘记密码”。"
                )
                % {"email": email}
            ]
    password = values.get("password") or ""
    try:
        probe = User(
            username=username or "",
            email=email or "",
            last_name=(values.get("applicant_name") or "").strip(),
        )
        validate_password(password, user=probe)
    except ValidationError as error:
        errors["password"] = error.messages
    cleaned["password"] = password
    return cleaned


def _check_licence(licence, errors: dict, *, required: bool):
    if licence is None:
        if required:
            errors["licence"] = [_("请上传营业执照或事业单位法人证书的扫描件（PDF或图片）。")]
        return None
    try:
        return check_upload(licence)
    except ValidationError as error:
        errors["licence"] = error.messages
        return None


def _store_licence(registration, licence, checked):
    registration.licence_name = checked.original_name
    registration.licence_type = checked.content_type
    registration.licence_size = checked.size
    registration.licence_sha256 = checked.sha256
    registration.licence.save(f"licence{checked.extension}", licence, save=False)


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


def _save(registration):
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # Another registration took the code, user name or address since the check.
        raise ValidationError(
            _("该统一社会信用代码、登录名或邮箱刚被另一份注册申请使用，请检查后重新提交。")
        ) from None


def applicant_as_actor(registration) -> str:
    """Who acted, in the log, for the applicant's own steps (no account yet)."""
    return in_log_language(
        lambda: _("%(name)s（注册申请人）") % {"name": registration.applicant_name}
    )[:150]


def _applicant(registration) -> str:
    return _("申请人：%(name)s（%(email)s，%(mobile)s）") % {
        "name": registration.applicant_name,
        "email": registration.email,
        "mobile": registration.mobile,
    }


def _jurisdiction_note(registration) -> str:
    if not registration.jurisdiction_corrected:
        return ""
    derived = registration.derived_jurisdiction
    return _("所在县（市、区）由“%(derived)s”更正为“%(chosen)s”，理由：%(reason)s") % {
        "derived": derived.name if derived else _("保定市外"),
        "chosen": registration.jurisdiction.name if registration.jurisdiction else _("保定市外"),
        "reason": registration.jurisdiction_reason,
    }


# --- The applicant's steps -------------------------------------------------------------------


def registration_submit(*, values: dict, licence, client_ip: str) -> Registration:
    """A new registration, waiting for its e-mail address to be confirmed.

    Two limits per client address: registrations accepted (a second unit registered from
    the same address within minutes), and attempts of any outcome, much higher — an
    applicant who corrects one mistake after another is not locked out, a script that
    probes credit codes, user names and addresses is."""
    if throttle.take(ATTEMPTS_SCOPE, client_ip) is None:
        raise Throttled
    # The registration's place is taken before the work (hashing, storing the file), and
    # given back if the input is refused: simultaneous submissions cannot all pass.
    place = throttle.take(THROTTLE_SCOPE, client_ip)
    if place is None:
        raise Throttled
    try:
        return _submit(values, licence)
    except BaseException:
        throttle.release(place)
        raise


@transaction.atomic
def _submit(values: dict, licence) -> Registration:
    errors = {}
    unit = _clean_unit(values, errors)
    account = _clean_account(values, errors)
    checked = _check_licence(licence, errors, required=True)
    _raise(errors)
    password = account.pop("password")
    registration = Registration(**unit, **account, password=make_password(password))
    _store_licence(registration, licence, checked)
    _save(registration)
    record(
        subject=registration,
        action="submit",
        action_label=LABELS["submit"],
        actor=None,
        actor_name=applicant_as_actor(registration),
        target=registration.state,
        reason=in_log_language(
            lambda: "；".join(
                filter(
                    None,
                    [
                        _applicant(registration),
                        describe_values(
                            ("name", "uscc", "kind", "industry", "legal_representative"),
                            registration,
                        ),
                        _jurisdiction_note(registration),
                    ],
                )
            )
        ),
    )
    outbox.enqueue(send_registration_notice, registration.pk, "submitted")
    return registration


def registration_for_confirm_token(token: str) -> Registration:
    """The registration a confirmation link names (BadLink when tampered or expired;
    DoesNotExist when it is gone)."""
    pk = links.pk_from_confirm_token(token)
    return Registration.objects.select_related("jurisdiction", "derived_jurisdiction").get(pk=pk)


def registration_for_status_token(token: str) -> Registration:
    pk = links.pk_from_status_token(token)
    return Registration.objects.select_related(
        "jurisdiction", "derived_jurisdiction", "organisation"
    ).get(pk=pk)


@transaction.atomic
def registration_confirm(token: str) -> Registration:
    """The applicant confirmed the e-mail address: the registration goes to its county
    bureau (or, outside Baoding, to the municipal bureau). Confirming twice is harmless."""
    pk = links.pk_from_confirm_token(token)
    registration = transitions.lock(Registration.objects.all(), pk)
    if registration.state != State.UNCONFIRMED and registration.email_confirmed_at:
        return registration
    if registration.state == State.EXPIRED:
        raise transitions.TransitionRefused([_("该注册申请因未按时确认邮箱已过期，请重新注册。")])
    transitions.run(
        registration,
        "confirm_email",
        None,
        label=LABELS["confirm_email"],
        log_reason=in_log_language(lambda: _applicant(registration)),
        actor_name=applicant_as_actor(registration),
    )
    outbox.enqueue(send_registration_notice, registration.pk, "pending")
    return registration


@transaction.atomic
def registration_resubmit(*, token: str, values: dict, licence=None) -> Registration:
    """A returned registration, corrected by the applicant, goes back to its reviewers.
    The e-mail address and the login stay as confirmed; a new licence is optional."""
    pk = links.pk_from_status_token(token)
    registration = transitions.lock(
        Registration.objects.select_related("jurisdiction", "derived_jurisdiction"), pk
    )
    transitions.check(registration, "resubmit", None, label=LABELS["resubmit"])
    errors = {}
    unit = _clean_unit(values, errors, exclude_pk=registration.pk)
    checked = _check_licence(licence, errors, required=False)
    _raise(errors)
    old = {f: getattr(registration, f) for f in (*UNIT_FIELDS, *APPLICANT_FIELDS)}
    old["jurisdiction"] = registration.jurisdiction
    for field, value in unit.items():
        setattr(registration, field, value)
    new = {**{f: unit[f] for f in (*UNIT_FIELDS, *APPLICANT_FIELDS)}}
    new["jurisdiction"] = unit["jurisdiction"]
    if checked is not None:
        _store_licence(registration, licence, checked)

    def describe():
        fields = ("name", "uscc", "kind", "industry", "legal_representative", "jurisdiction")
        text = describe_changes(fact_changes(fields, old, new))
        others = [
            f"{Registration._meta.get_field(f).verbose_name}：“{old[f]}” → “{new[f]}”"
            for f in ("address", "applicant_name", "mobile")
            if old[f] != new[f]
        ]
        if checked is not None:
            others.append(_("重新上传了营业执照或法人证书"))
        parts = [text, *others, _jurisdiction_note(registration)]
        return "；".join(p for p in parts if p) or _("未修改内容")

    transitions.perform(
        registration,
        "resubmit",
        None,
        label=LABELS["resubmit"],
        log_reason=in_log_language(describe),
        actor_name=applicant_as_actor(registration),
    )
    outbox.enqueue(send_registration_notice, registration.pk, "resubmitted")
    return registration


def expire_unconfirmed() -> int:
    """Registrations whose e-mail address was not confirmed in time: expired, which frees
    their credit code, login name and address. Run daily (Celery beat)."""
    from django.utils import timezone

    cutoff = timezone.now() - links.confirm_max_age()
    stale = Registration.objects.filter(state=State.UNCONFIRMED, created_at__lt=cutoff)
    expired = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            registration = transitions.lock(Registration.objects.all(), pk)
            if registration.state != State.UNCONFIRMED:
                continue
            transitions.run(
                registration,
                "expire",
                None,
                label=LABELS["expire"],
                log_reason=in_log_language(
                    lambda r=registration: (
                        _("%(hours)s小时内未确认邮箱。%(applicant)s")
                        % {
                            "hours": settings.PORTAL_REGISTRATION_CONFIRM_HOURS,
                            "applicant": _applicant(r),
                        }
                    )
                ),
            )
            expired += 1
    return expired
