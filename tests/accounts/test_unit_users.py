"""The unit administrator's services (单位管理员, issue 14): inviting, sending again,
removing and handing over; who may; what is audited and e-mailed."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import unit_users
from accounts.models import Registration, User
from accounts.names import split_name
from audit.models import AuditEntry
from core.models import Notification
from tests.factories import LeadUnitUserFactory, OrganisationFactory, jurisdiction

pytestmark = pytest.mark.django_db


def values(**overrides):
    data = {
        "name": "王小明",
        "phone": "13912345678",
        "email": "wangxm@example.test",
        "username": "wangxm",
    }
    return data | overrides


@pytest.fixture
def admin():
    return LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction()), is_unit_admin=True
    )


@pytest.fixture
def colleague(admin):
    """An active colleague (has a password)."""
    return LeadUnitUserFactory(organisation=admin.organisation, last_name="李", first_name="华")


def actions(user):
    return list(AuditEntry.objects.for_object(user).values_list("action", flat=True))


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("王小明", ("王", "小明")),
        ("欧阳修文", ("欧阳", "修文")),
        ("欧阳", ("欧", "阳")),
        (" 李  华 ", ("李 华", "")),
        ("Anna Schmidt", ("Anna Schmidt", "")),
        ("张", ("张", "")),
    ],
)
def test_one_name_field_gives_back_the_name_as_typed(typed, parts):
    assert split_name(typed) == parts
    user = User(last_name=parts[0], first_name=parts[1])
    assert user.get_full_name() == " ".join(typed.split())


# --- Invite ------------------------------------------------------------------------------


def test_invite_creates_a_unit_user_without_a_password_and_mails_the_link(
    admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user = unit_users.colleague_invite(by=admin, values=values())
    user.refresh_from_db()
    assert (user.role, user.organisation_id) == ("lead_unit", admin.organisation_id)
    assert (user.last_name, user.first_name, user.get_full_name()) == ("王", "小明", "王小明")
    assert (user.phone, user.email, user.username) == (
        "13912345678",
        "wangxm@example.test",
        "wangxm",
    )
    assert not user.has_usable_password() and user.is_active and not user.is_unit_admin
    assert unit_users.state_of(user) == "invited"
    [mail] = mailoutbox
    assert mail.to == ["wangxm@example.test"]
    assert "邀请您使用" in mail.subject
    assert "/accounts/invitation/" in mail.body and "wangxm" in mail.body
    assert admin.organisation.name in mail.body and "7天内" in mail.body
    # The link is not kept in the portal's inbox.
    assert not Notification.objects.filter(user=user).exists()
    entry = AuditEntry.objects.for_object(user).get()
    assert (entry.action, entry.actor_id) == ("unit_user_invite", admin.pk)
    assert "王小明" in entry.reason and "13912345678" in entry.reason


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("phone", "0312-1234567", "请填写11位手机号码"),
        ("phone", "1391234567", "请填写11位手机号码"),
        ("email", "not-an-email", "请填写有效的电子邮箱"),
        ("email", "", "请填写电子邮箱"),
        ("username", "bad name!", "用户名只能包含"),
        ("username", "", "请填写用户名"),
        ("name", "  ", "请填写姓名"),
    ],
)
def test_invalid_input_is_refused_per_field_in_chinese(admin, field, typed, message):
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(by=admin, values=values(**{field: typed}))
    assert message in caught.value.message_dict[field][0]
    assert User.objects.count() == 1


def test_duplicate_user_name_and_email_are_refused_whatever_the_case(admin, colleague):
    other_unit_user = LeadUnitUserFactory(username="Taken", email="Taken@Example.test")
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(
            by=admin, values=values(username="taken", email="taken@example.test")
        )
    errors = caught.value.message_dict
    assert errors["username"] == ["用户名“taken”已被使用，请换一个。"]
    assert "已被其他账号使用" in errors["email"][0]
    assert other_unit_user.organisation_id != admin.organisation_id


def test_a_full_width_user_name_is_stored_and_checked_as_the_login_form_reads_it(admin):
    LeadUnitUserFactory(username="zhang_san")
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(by=admin, values=values(username="ｚｈａｎｇ＿ｓａｎ"))
    assert caught.value.message_dict["username"] == ["用户名“zhang_san”已被使用，请换一个。"]
    invited = unit_users.colleague_invite(by=admin, values=values(username="ｌｉ＿ｓｉ"))
    assert invited.username == "li_si"


def test_a_removed_users_name_is_still_taken(admin, colleague):
    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(by=admin, values=values(username=colleague.username))
    assert "username" in caught.value.message_dict


def test_names_held_by_an_open_registration_are_taken(admin):
    fields = {f.name for f in Registration._meta.fields}
    assert {"username", "email", "state"} <= fields
    Registration.objects.bulk_create(
        [
            Registration(
                name="注册中单位",
                uscc="91130602MA0000000X",
                kind="enterprise",
                industry="C",
                legal_representative="某",
                address="保定",
                licence_size=1,
                applicant_name="某某",
                mobile="13800000000",
                email="pending@example.test",
                username="pending_user",
                password="!",
                state="pending",
            )
        ]
    )
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(
            by=admin, values=values(username="pending_user", email="pending@example.test")
        )
    assert set(caught.value.message_dict) == {"username", "email"}


def test_only_the_units_administrator_invites(admin, colleague):
    for by in (colleague, LeadUnitUserFactory(is_unit_admin=True)):
        if by.is_unit_admin:
            # Another unit's administrator invites into their own unit, never into this one.
            user = unit_users.colleague_invite(by=by, values=values())
            assert user.organisation_id == by.organisation_id != admin.organisation_id
            continue
        with pytest.raises(PermissionDenied):
            unit_users.colleague_invite(by=by, values=values())


def test_a_removed_administrator_cannot_invite(admin):
    User.objects.filter(pk=admin.pk).update(is_active=False)
    admin.refresh_from_db()
    with pytest.raises(PermissionDenied):
        unit_users.colleague_invite(by=admin, values=values())


# --- Resend ------------------------------------------------------------------------------


def test_resend_kills_the_earlier_link_and_sends_a_new_one(
    admin, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts.invitations import invitation_tokens

    with django_capture_on_commit_callbacks(execute=True):
        user = unit_users.colleague_invite(by=admin, values=values())
    first = invitation_tokens.make_token(user)
    with django_capture_on_commit_callbacks(execute=True):
        unit_users.colleague_resend_invitation(by=admin, user=user)
    user.refresh_from_db()
    assert not invitation_tokens.check_token(user, first)
    assert len(mailoutbox) == 2 and mailoutbox[0].body != mailoutbox[1].body
    assert actions(user) == ["unit_user_invite", "unit_user_invitation_resend"]


def test_resend_is_refused_for_an_active_or_removed_colleague(admin, colleague):
    with pytest.raises(ValidationError, match="已设置密码"):
        unit_users.colleague_resend_invitation(by=admin, user=colleague)
    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    with pytest.raises(ValidationError, match="已停用"):
        unit_users.colleague_resend_invitation(by=admin, user=colleague)


def test_resend_refused_to_a_colleague_and_for_another_units_user(admin, colleague):
    invited = unit_users.colleague_invite(by=admin, values=values())
    with pytest.raises(PermissionDenied):
        unit_users.colleague_resend_invitation(by=colleague, user=invited)
    other_admin = LeadUnitUserFactory(is_unit_admin=True)
    with pytest.raises(PermissionDenied):
        unit_users.colleague_resend_invitation(by=other_admin, user=invited)


# --- Remove ------------------------------------------------------------------------------


def test_remove_deactivates_keeps_the_row_ends_sessions_and_audits(admin, colleague, client):
    client.force_login(colleague)
    other = LeadUnitUserFactory(organisation=admin.organisation)
    other_client = type(client)()
    other_client.force_login(other)
    assert client.get("/").status_code == 200

    unit_users.colleague_remove(by=admin, user=colleague, reason="已调离本单位")

    colleague.refresh_from_db()
    assert colleague.is_active is False
    signed_in = {str(s.get_decoded().get(SESSION_KEY)) for s in Session.objects.all()}
    assert str(colleague.pk) not in signed_in and str(other.pk) in signed_in
    # The old cookie is anonymous now: a page needing login sends to the login page.
    response = client.get("/accounts/unit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    entry = AuditEntry.objects.for_object(colleague).get(action="unit_user_remove")
    assert (
        entry.actor_id == admin.pk
        and "已调离本单位" in entry.reason
        and "结束会话1个" in entry.reason
    )


def test_removed_user_cannot_log_in(admin, colleague, client):
    from tests.factories import PASSWORD

    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    response = client.post(
        "/accounts/login/", {"username": colleague.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_remove_needs_a_reason_and_refuses_oneself_and_twice(admin, colleague):
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_remove(by=admin, user=colleague, reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError, match="不能停用自己"):
        unit_users.colleague_remove(by=admin, user=admin, reason="x")
    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    with pytest.raises(ValidationError, match="已经停用"):
        unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    admin.refresh_from_db()
    assert admin.is_active


def test_a_colleague_cannot_remove_anyone(admin, colleague):
    third = LeadUnitUserFactory(organisation=admin.organisation)
    for target in (third, admin):
        with pytest.raises(PermissionDenied):
            unit_users.colleague_remove(by=colleague, user=target, reason="x")
    assert User.objects.filter(is_active=False).count() == 0


def test_another_units_admin_cannot_remove_this_units_user(admin, colleague):
    other_admin = LeadUnitUserFactory(is_unit_admin=True)
    with pytest.raises(PermissionDenied):
        unit_users.colleague_remove(by=other_admin, user=colleague, reason="x")
    colleague.refresh_from_db()
    assert colleague.is_active


# --- Hand over --------------------------------------------------------------------------


def test_hand_over_moves_the_flag_and_tells_both(
    admin, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        unit_users.admin_hand_over(by=admin, to_user=colleague)
    admin.refresh_from_db()
    colleague.refresh_from_db()
    assert (admin.is_unit_admin, colleague.is_unit_admin) == (False, True)
    assert User.objects.filter(organisation=admin.organisation, is_unit_admin=True).count() == 1
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert "您已成为单位管理员" in subjects[colleague.email]
    assert "您已不再是单位管理员" in subjects[admin.email]
    entry = AuditEntry.objects.for_object(colleague).get(action="unit_admin_hand_over")
    assert entry.actor_id == admin.pk and "李华" in entry.reason
    # The old administrator has no say any more; the new one has.
    with pytest.raises(PermissionDenied):
        unit_users.colleague_invite(by=admin, values=values())
    unit_users.colleague_invite(by=colleague, values=values())


def test_hand_over_refused_to_invited_removed_self_and_strangers(admin, colleague):
    invited = unit_users.colleague_invite(by=admin, values=values())
    with pytest.raises(ValidationError, match="已设置密码、未停用"):
        unit_users.admin_hand_over(by=admin, to_user=invited)
    unit_users.colleague_remove(by=admin, user=colleague, reason="调离")
    with pytest.raises(ValidationError, match="已设置密码、未停用"):
        unit_users.admin_hand_over(by=admin, to_user=colleague)
    with pytest.raises(ValidationError, match="已经是单位管理员"):
        unit_users.admin_hand_over(by=admin, to_user=admin)
    with pytest.raises(PermissionDenied):
        unit_users.admin_hand_over(by=admin, to_user=LeadUnitUserFactory())
    admin.refresh_from_db()
    assert admin.is_unit_admin


def test_a_colleague_cannot_take_the_role(admin, colleague):
    with pytest.raises(PermissionDenied):
        unit_users.admin_hand_over(by=colleague, to_user=colleague)


def test_the_database_refuses_a_second_administrator(admin, colleague):
    colleague.is_unit_admin = True
    with pytest.raises(IntegrityError), transaction.atomic():
        colleague.save(update_fields=["is_unit_admin"])


def test_a_look_alike_user_name_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        unit_users.colleague_invite(by=admin, values=values(username="cоunty_x"))  # Cyrillic о
    assert "字母、数字" in caught.value.message_dict["username"][0]
