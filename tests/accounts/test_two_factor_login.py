"""Two-factor login (等保2.0 三级): who must give a second factor, the way through the enrol
and code pages, where the user lands afterwards, and what a half-signed-in user reaches."""

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Role
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
)
from tests.two_factor import (
    LOGIN,
    code_at,
    enrolled,
    give_code,
    key_from_secret,
    password_login,
    time_step,
    usable_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")
HOME = reverse("portal:home")
QUEUE = reverse("filings:municipal_queue")

REQUIRED = [
    (CountyReviewerFactory, Role.COUNTY_REVIEWER),
    (MunicipalStaffFactory, Role.MUNICIPAL_STAFF),
    (EvaluatorFactory, Role.EVALUATOR),
    (AdminFactory, Role.ADMIN),
    (AuditorFactory, Role.AUDITOR),
]


def step(url: str, going_to: str) -> str:
    return f"{url}?{urlencode({'next': going_to})}"


def test_the_default_requires_every_role_but_lead_units(settings):
    from alliance_portal import settings as project_settings

    expected = set(Role.values) - {Role.LEAD_UNIT}
    assert set(project_settings.PORTAL_2FA_REQUIRED_ROLES) == expected
    assert set(settings.PORTAL_2FA_REQUIRED_ROLES) == expected  # what marked tests run with
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0
    assert settings.OTP_STATIC_THROTTLE_FACTOR > 0


@pytest.mark.parametrize(("factory", "role"), REQUIRED)
def test_a_required_role_is_sent_to_enrol_after_the_password(client, factory, role):
    user = factory()
    response = password_login(client, user)
    assert response.status_code == 302
    assert response.url == step(ENROL, HOME)
    # Signed in with the password, but nothing else opens.
    assert client.get(HOME).url == step(ENROL, HOME)
    page = client.get(ENROL).content.decode()
    assert "绑定身份验证器" in page and "按照网络安全等级保护要求" in page


@pytest.mark.parametrize(("factory", "role"), REQUIRED)
def test_a_required_role_with_an_authenticator_is_asked_for_its_code(client, factory, role):
    user = factory()
    device, _codes = enrolled(user)
    assert password_login(client, user).url == step(VERIFY, HOME)
    response = give_code(client, usable_code(device))
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


def test_the_setting_decides_per_role(client, settings):
    settings.PORTAL_2FA_REQUIRED_ROLES = [Role.ADMIN]
    staff = MunicipalStaffFactory()
    assert password_login(client, staff).url == HOME
    client.logout()
    settings.PORTAL_2FA_REQUIRED_ROLES = [Role.ADMIN, Role.MUNICIPAL_STAFF]
    assert password_login(client, staff).url == step(ENROL, HOME)


def test_a_lead_unit_logs_in_with_its_password_alone(client):
    lead = LeadUnitUserFactory()
    assert password_login(client, lead).url == HOME
    assert client.get(HOME).status_code == 200
    # The menu's password page leads to the account-security page, where it may enrol.
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert reverse("accounts:two_factor") in page
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "未启用" in page and "自愿启用" in page
    assert reverse("accounts:two_factor_enrol") in page


def test_a_lead_unit_that_enrols_is_asked_for_its_code_from_then_on(client):
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    page = client.get(f"{ENROL}?next={reverse('accounts:two_factor')}").content.decode()
    assert "按照网络安全等级保护要求" not in page  # optional for lead units
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    enrolled_at = time_step()
    response = client.post(ENROL, {"code": code_at(key_from_secret(secret), enrolled_at)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get(HOME).status_code == 200  # verified by the enrolment itself

    client.post(reverse("accounts:logout"))
    assert password_login(client, lead).url == step(VERIFY, HOME)
    assert client.get(HOME).status_code == 302
    code = code_at(key_from_secret(secret), max(time_step(), enrolled_at + 1))
    assert give_code(client, code).url == HOME


def test_the_enrol_page_shows_the_qr_code_inline_and_the_secret_as_text(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff)
    response = client.get(ENROL)
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page  # drawn here: no external service, no script
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    device = staff.totpdevice_set.get()
    assert key_from_secret(secret) == device.bin_key
    assert "no-store" in response["Cache-Control"]
    # A reload shows the same secret: what was scanned stays valid.
    assert secret in client.get(ENROL).content.decode()
    assert staff.totpdevice_set.count() == 1


def test_a_wrong_code_at_enrolment_keeps_what_was_typed_and_says_what_to_do(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff, next_url=QUEUE)
    client.get(step(ENROL, QUEUE))
    response = client.post(ENROL, {"code": "000000", "next": QUEUE})
    page = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确或已过期" in page
    assert 'value="000000"' in page
    assert f'name="next" value="{QUEUE}"' in page
    assert not staff.totpdevice_set.get().confirmed


def test_where_the_user_was_going_survives_the_second_step(client):
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    response = password_login(client, staff, next_url=QUEUE)
    assert response.url == step(VERIFY, QUEUE)
    page = client.get(response.url).content.decode()
    assert f'name="next" value="{QUEUE}"' in page
    assert give_code(client, usable_code(device), next_url=QUEUE).url == QUEUE


def test_a_page_opened_before_the_code_is_where_the_code_leads(client):
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    password_login(client, staff)
    assert client.get(f"{QUEUE}?page=2").url == step(VERIFY, f"{QUEUE}?page=2")


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x", "http:evil"])
def test_the_next_address_is_still_checked_against_other_hosts(client, evil):
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    assert password_login(client, staff, next_url=evil).url == step(VERIFY, HOME)
    response = client.get(step(VERIFY, evil))
    assert response.context["next"] == HOME
    assert f'<input type="hidden" name="next" value="{HOME}">' in response.content.decode()
    assert give_code(client, usable_code(device), next_url=evil).url == HOME


def test_after_enrolment_the_codes_page_continues_to_where_the_user_was_going(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff, next_url=QUEUE)
    client.get(step(ENROL, QUEUE))
    device = staff.totpdevice_set.get()
    response = client.post(ENROL, {"code": code_at(device.bin_key, time_step()), "next": QUEUE})
    assert f'href="{QUEUE}" data-testid="continue"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client.get(QUEUE).status_code == 200


def test_an_enrolled_user_cannot_enrol_a_second_authenticator_instead_of_giving_a_code(client):
    staff = MunicipalStaffFactory()
    enrolled(staff)
    password_login(client, staff)
    assert client.get(ENROL).url == step(VERIFY, HOME)
    response = client.post(ENROL, {"code": "123456"})
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert staff.totpdevice_set.count() == 1


def test_a_user_who_must_enrol_cannot_skip_to_the_code_page(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff)
    assert client.get(VERIFY).url == step(ENROL, HOME)
    assert give_code(client, "123456").url == step(ENROL, HOME)


def test_a_verified_session_is_not_downgraded(client):
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    password_login(client, staff)
    give_code(client, usable_code(device))
    # The login page, the code page, the language switch and a password change leave it
    # verified: none of them asks for a code again.
    assert client.get(LOGIN).url == HOME
    assert client.get(VERIFY).url == HOME
    client.post(reverse("set_language"), {"language": "en", "next": QUEUE})
    new = "Another-password-2026"
    change = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post(reverse("accounts:password_change"), change).status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_code_gives_the_session_a_new_key(client):
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    password_login(client, staff)
    before = client.session.session_key
    give_code(client, usable_code(device))
    assert client.session.session_key != before


def test_a_post_before_the_code_is_refused_with_what_to_do(client):
    staff = MunicipalStaffFactory()
    enrolled(staff)
    password_login(client, staff)
    response = client.post(reverse("accounts:organisation_create"), {"name": "x"})
    assert response.status_code == 403
    assert "请先完成两步验证" in response.content.decode()
    assert VERIFY in response.content.decode()


def test_htmx_is_sent_to_the_step_as_a_whole_page(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff)
    response = client.get(
        QUEUE, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/dashboard/"}
    )
    assert response["HX-Redirect"] == step(ENROL, "/dashboard/")


def test_logout_and_the_language_switch_answer_before_the_code(client):
    staff = MunicipalStaffFactory()
    password_login(client, staff)
    response = client.post(reverse("set_language"), {"language": "en", "next": ENROL})
    assert response.url == ENROL
    page = client.get(ENROL).content.decode()
    assert "退出登录" in page or "Log out" in page
    assert reverse("filings:municipal_queue") not in page  # no menu to pages that redirect
    assert client.post(reverse("accounts:logout")).url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_bare_word_as_next_leads_home_not_to_a_server_error(client):
    # Found by the fuzzer: redirect("abc") looks for a view named "abc".
    staff = MunicipalStaffFactory()
    device, _ = enrolled(staff)
    password_login(client, staff)
    assert give_code(client, usable_code(device), next_url="abc").url == HOME
    assert client.get(step(VERIFY, "abc")).url == HOME
