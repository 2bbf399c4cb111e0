"""Two-factor codes: a wrong code is refused and throttled, a backup code works once,
backup codes are regenerated, the security administrator's reset is audited and forces enrolment
again; every event is in the audit log, and no secret or code ever is."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from audit.models import AuditEntry
from tests.factories import (
    AdminFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
)
from tests.two_factor import code_at, enrolled, give_code, password_login, usable_code

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

HOME = reverse("portal:home")
QUEUE = reverse("filings:municipal_queue")


def actions(user) -> list[str]:
    return list(
        AuditEntry.objects.for_object(user)
        .filter(action__startswith="two_factor")
        .order_by("pk")  # tests travel in time
        .values_list("action", flat=True)
    )


def later(seconds: int):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def staff(db):
    return MunicipalStaffFactory()


def test_a_wrong_code_is_refused_with_what_to_do_and_audited(client, staff):
    device, _ = enrolled(staff)
    password_login(client, staff)
    response = give_code(client, wrong(usable_code(device)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确或已过期" in page and "备用码" in page
    assert client.get(QUEUE).status_code == 302
    assert actions(staff)[-1] == "two_factor_failed"


def test_wrong_codes_are_throttled_even_when_the_next_one_is_right(client, staff):
    device, _ = enrolled(staff)
    password_login(client, staff)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        for _ in range(3):
            give_code(client, "000000")
        device.refresh_from_db()
        assert device.throttling_failure_count >= 1
        # Locked for 1, 2, 4… seconds after each failure: the right code is not even compared.
        response = give_code(client, usable_code(device))
        assert "验证码错误次数过多" in response.content.decode()
        assert client.get(QUEUE).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert give_code(client, usable_code(device)).url == HOME
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert "two_factor_failed" in actions(staff)


def test_wrong_backup_codes_are_throttled_too(client, staff):
    _device, codes = enrolled(staff)
    password_login(client, staff)
    with time_machine.travel(timezone.now(), tick=False):
        give_code(client, "aaaaaaaa")
        response = give_code(client, codes[0])
    assert "验证码错误次数过多" in response.content.decode()
    assert StaticDevice.objects.get(user=staff).token_set.filter(token=codes[0]).exists()


def test_a_code_works_once(client, staff):
    device, _ = enrolled(staff)
    code = usable_code(device)
    password_login(client, staff)
    assert give_code(client, code).url == HOME
    client.post(reverse("accounts:logout"))
    password_login(client, staff)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        response = give_code(client, code)
    assert "验证码不正确或已过期" in response.content.decode()


def test_a_backup_code_works_once(client, staff):
    _device, codes = enrolled(staff)
    password_login(client, staff)
    response = give_code(client, codes[0].upper()[:4] + " " + codes[0][4:], follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "您使用了一个备用码，还剩 9 个" in response.content.decode()
    assert actions(staff)[-1] == "two_factor_backup_used"
    client.post(reverse("accounts:logout"))

    password_login(client, staff)
    response = give_code(client, codes[0])
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(QUEUE).status_code == 302
    with time_machine.travel(later(2)):  # past the 1-second lock after a wrong code
        assert give_code(client, codes[1]).url == HOME


def test_backup_codes_are_regenerated_and_the_old_ones_stop_working(client, staff):
    device, old = enrolled(staff)
    password_login(client, staff)
    give_code(client, usable_code(device))
    assert "还有 10 个未使用的备用码" in client.get(reverse("accounts:two_factor")).content.decode()

    response = client.post(reverse("accounts:two_factor_backup_codes"))
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert "no-store" in response["Cache-Control"]
    assert actions(staff)[-1] == "two_factor_backup_regenerated"
    # Shown once: the security page tells how many are left, never which.
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert not any(code in page for code in new)

    client.post(reverse("accounts:logout"))
    password_login(client, staff)
    assert "验证码不正确" in give_code(client, old[0]).content.decode()
    with time_machine.travel(later(2)):
        assert give_code(client, new[0]).url == HOME


def test_backup_codes_cannot_be_made_without_an_authenticator(client):
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    response = client.post(reverse("accounts:two_factor_backup_codes"), follow=True)
    assert "请先绑定身份验证器" in response.content.decode()
    assert not StaticDevice.objects.filter(user=lead).exists()


def test_enrolment_verification_and_backup_use_are_audited(client, staff):
    password_login(client, staff)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("accounts:two_factor_enrol"), {"code": "999999x"})
    with time_machine.travel(later(2)):  # past the 1-second lock after a wrong code
        response = client.post(reverse("accounts:two_factor_enrol"), {"code": usable_code(device)})
    codes = response.context["codes"]
    client.post(reverse("accounts:logout"))
    password_login(client, staff)
    give_code(client, codes[3])
    client.post(reverse("accounts:logout"))
    password_login(client, staff)
    with time_machine.travel(later(31)):
        give_code(client, usable_code(device))

    assert actions(staff) == [
        "two_factor_failed",
        "two_factor_enrolled",
        "two_factor_backup_used",
        "two_factor_verified",
    ]
    entries = AuditEntry.objects.for_object(staff)
    assert {e.actor_id for e in entries if e.action.startswith("two_factor")} == {staff.pk}
    assert entries.get(action="two_factor_enrolled").action_label == "绑定身份验证器（两步验证）"
    assert "剩余 9 个" in entries.get(action="two_factor_backup_used").reason


def test_no_secret_and_no_code_is_ever_logged(client, staff):
    device, codes = enrolled(staff)
    password_login(client, staff)
    give_code(client, "123456")
    give_code(client, codes[0])
    secret = two_factor.secret_text(device).replace(" ", "")
    logged = " ".join(f"{e.action_label} {e.reason}" for e in AuditEntry.objects.all()).lower()
    for value in [device.key, secret, "123456", *codes]:
        assert value.lower() not in logged


def test_a_security_administrators_reset_is_audited_and_forces_enrolment_again(client, staff):
    device, codes = enrolled(staff)
    password_login(client, staff)
    give_code(client, usable_code(device))
    assert client.get(QUEUE).status_code == 200

    security = SecurityAdminFactory()
    security_client = type(client)()
    security_client.force_login(security)
    session = security_client.session
    session["otp_device_id"] = enrolled(security)[0].persistent_id
    session.save()
    response = security_client.post(
        reverse("security:two_factor_reset", args=[staff.pk]),
        {"confirm": "on", "reason": "手机丢失，本人来电核实"},
        follow=True,
    )
    assert "原身份验证器和备用码已作废" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.for_object(staff).get(action="two_factor_reset")
    assert entry.actor == security and entry.actor_role == "security_admin"
    assert "手机丢失，本人来电核实" in entry.reason

    # The staff member's verified session is verified no more: enrol again.
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_enrol"))


def test_the_admin_shows_who_has_two_factor_login_and_never_a_secret(client, staff):
    enrolled(staff)
    admin = AdminFactory(is_staff=True)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = enrolled(admin)[0].persistent_id
    session.save()
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "两步验证" in page
    # Resetting it is the security administrator's (三员分立), not an admin action.
    assert "重置两步验证" not in page and "reset_two_factor" not in page
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff.pk]},
    )
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert not AuditEntry.objects.filter(action="two_factor_reset").exists()
    # django-otp's own device pages (keys, QR codes, adding a device for someone) are gone.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_a_misspelt_role_fails_the_system_check(settings):
    from django.core.management.base import SystemCheckError

    settings.PORTAL_2FA_REQUIRED_ROLES = ["municipal_staf"]
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check")


def test_administrators_without_a_second_factor_fail_the_deploy_check(settings):
    from django.core.management.base import SystemCheckError

    settings.PORTAL_2FA_REQUIRED_ROLES = ["municipal_staff"]
    with pytest.raises(SystemCheckError, match="accounts.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
    settings.PORTAL_2FA_REQUIRED_ROLES = ["municipal_staff", "admin"]  # not the auditor
    with pytest.raises(SystemCheckError, match="accounts.W001.*auditor"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
    settings.PORTAL_2FA_REQUIRED_ROLES = ["municipal_staff", "admin", "auditor"]
    with pytest.raises(SystemCheckError, match="accounts.W001.*security_admin"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_the_middleware_order_is_checked(settings):
    from django.core.management.base import SystemCheckError

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "OTPMiddleware" not in m]
    with pytest.raises(SystemCheckError, match="accounts.E002"):
        call_command("check", "--tag", "security")


def test_a_code_for_the_next_step_is_accepted_for_clock_drift(client, staff):
    device, _ = enrolled(staff)
    password_login(client, staff)
    t = (int(timezone.now().timestamp()) // 30) + 1
    assert give_code(client, code_at(device.bin_key, t)).url == HOME
