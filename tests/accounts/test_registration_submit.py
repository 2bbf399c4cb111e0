"""A unit registers itself (单位注册): the public form, what it refuses and says, the
jurisdiction its credit code gives, and the throttle per client address."""

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import registration as services
from accounts.models import Registration, User
from audit.models import AuditEntry
from tests.factories import (
    EvaluatorFactory,
    LeadUnitUserFactory,
    OrganisationFactory,
    filed_alliance,
    image_bytes,
    jurisdiction,
)

from .registration_helpers import HOME, OTHER, code, form_data, licence, submit

pytestmark = pytest.mark.django_db
URL = "/accounts/register/"
FILE_AGAIN = "请重新选择营业执照或法人证书文件"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(data, file=None, address="192.0.2.10"):
        payload = {**data, "licence": file if file is not None else licence()}
        if file is False:
            del payload["licence"]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, payload, REMOTE_ADDR=address)

    send.client = client
    return send


def errors_on(response, field) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_the_sent_page_shows_only_this_browsers_registration(client):
    assert client.get(reverse("accounts:register_sent")).url == URL
    registration = submit()
    session = client.session
    session["registration_sent"] = registration.pk
    session.save()
    assert registration.email in client.get(reverse("accounts:register_sent")).content.decode()


def test_the_form_is_public_and_linked_from_the_login_page(client):
    assert client.get(URL).status_code == 200
    login = client.get("/accounts/login/").content.decode()
    assert reverse("accounts:register") in login
    assert 'data-testid="register-link"' in login  # the header, for anonymous visitors


def test_a_registration_waits_for_the_email_to_be_confirmed(post):
    data = form_data(uscc=code(HOME).lower())  # typed in lower case: compacted
    response = post(data)

    # Redirected after the POST: a refresh shows the page again, it does not re-submit.
    assert response.status_code == 302 and response.url == reverse("accounts:register_sent")
    page = post.client.get(response.url).content.decode()
    assert "请查收邮件" in page and data["email"] in page
    assert post.client.get(response.url).status_code == 200
    registration = Registration.objects.get(username=data["username"])
    assert registration.state == Registration.State.UNCONFIRMED
    assert registration.uscc == data["uscc"].upper()
    assert registration.jurisdiction == registration.derived_jurisdiction == jurisdiction(HOME)
    assert registration.password != data["password1"]
    assert check_password(data["password1"], registration.password)
    assert registration.licence_type == "application/pdf"
    # The confirmation e-mail, to the applicant, with the signed link.
    [message] = mail.outbox
    assert message.to == [data["email"]]
    assert "请确认单位注册邮箱" in message.subject
    assert "/accounts/register/confirm/" in message.body
    entry = AuditEntry.objects.for_object(registration).get()
    assert entry.action == "submit" and entry.actor is None
    assert data["applicant_name"] in entry.reason and data["email"] in entry.reason


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"uscc": "91130602MA0000000"}, "uscc", "统一社会信用代码应为18位，您输入了17位"),
        ({"uscc": "91130602MA00000000"}, "uscc", "校验码不符"),
        ({"uscc": "91 1306 02MA0000 00001"}, "uscc", "统一社会信用代码应为18位，您输入了19位"),
        ({"uscc": ""}, "uscc", "这个字段是必填项"),
        ({"mobile": "0312-1234567"}, "mobile", "手机号码应为以1开头的11位数字"),
        ({"mobile": "2391234567"}, "mobile", "手机号码应为以1开头的11位数字"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "密码只包含数字"),
        ({"password1": "short", "password2": "short"}, "password1", "密码太短：至少需要10位"),
        ({"password2": "Another-2026!"}, "password2", "两次输入的密码不一致"),
    ],
)
def test_bad_input_is_refused_with_what_to_fix_and_the_form_keeps_it(post, changes, field, message):
    data = form_data(**changes)
    response = post(data)

    assert response.status_code == 200
    assert any(message in e for e in errors_on(response, field)), errors_on(response, field)
    assert not Registration.objects.exists()
    page = response.content.decode()
    assert f'value="{data["name"]}"' in page
    assert f'value="{data["legal_representative"]}"' in page
    assert FILE_AGAIN in page


def test_a_licence_that_is_not_a_pdf_or_image_is_refused(post):
    response = post(form_data(), file=licence("执照.pdf", b"<html>not a scan</html>"))
    assert any("不是PDF、JPEG或PNG文件" in e for e in errors_on(response, "licence"))
    assert not Registration.objects.exists()


def test_a_missing_licence_is_refused(post):
    response = post(form_data(), file=False)
    assert errors_on(response, "licence")
    assert not Registration.objects.exists()


def test_an_image_licence_is_accepted(post):
    post(form_data(), file=licence("执照.png", image_bytes("PNG"), "image/png"))
    assert Registration.objects.get().licence_type == "image/png"


def test_a_registered_unit_is_refused_with_its_administrator_to_contact(post):
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    LeadUnitUserFactory(organisation=organisation, last_name="赵", first_name="一")
    LeadUnitUserFactory(
        organisation=organisation, last_name="钱", first_name="二", is_unit_admin=True
    )
    response = post(form_data(uscc=organisation.uscc))

    [error] = errors_on(response, "uscc")
    assert organisation.name in error
    # Named so a colleague knows whom to ask, masked for a stranger who typed a public code.
    assert "单位管理员 钱* " in error and "钱二" not in error
    assert not Registration.objects.exists()


def test_a_unit_without_an_administrator_names_any_active_user(post):
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    LeadUnitUserFactory(organisation=organisation, last_name="孙", first_name="三")
    [error] = errors_on(post(form_data(uscc=organisation.uscc)), "uscc")
    assert "孙*" in error and "孙三" not in error


def test_a_unit_with_an_evaluator_only_may_register_and_the_expert_is_not_named(post):
    """An evaluator's employer is no unit user: the university registers, and a visitor
    does not learn who its expert is."""
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    EvaluatorFactory(organisation=organisation, last_name="陈", first_name="教授")
    response = post(form_data(uscc=organisation.uscc))
    assert "陈" not in response.content.decode()
    assert Registration.objects.get().uscc == organisation.uscc


def test_a_unit_whose_users_were_all_removed_cannot_be_claimed_by_registering(post):
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    LeadUnitUserFactory(organisation=organisation, is_active=False)
    [error] = errors_on(post(form_data(uscc=organisation.uscc)), "uscc")
    assert "账号已停用" in error and "恢复账号" in error
    assert not Registration.objects.exists()


def test_a_known_unit_is_reviewed_by_its_own_county_and_cannot_be_moved_by_registering(post):
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    [error] = errors_on(
        post(
            form_data(
                uscc=organisation.uscc,
                jurisdiction=str(jurisdiction(OTHER).pk),
                jurisdiction_reason="已迁址",
            )
        ),
        "jurisdiction",
    )
    assert "已在平台登记" in error and "申请变更登记信息" in error
    post(form_data(uscc=organisation.uscc))
    registration = Registration.objects.get()
    assert registration.jurisdiction == organisation.jurisdiction


def test_a_full_width_user_name_is_stored_as_the_login_form_reads_it(post):
    post(form_data(username="ｌｅａｄ＿ｗｉｄｅ"))
    assert Registration.objects.get().username == "lead_wide"


def test_a_member_unit_nobody_registered_for_may_register(post):
    """A lead unit added it as a member (no user): its legal person registers it."""
    organisation = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    post(form_data(uscc=organisation.uscc))
    assert Registration.objects.get().uscc == organisation.uscc


def test_a_code_with_an_open_registration_is_refused(post):
    taken = submit()
    [error] = errors_on(post(form_data(uscc=taken.uscc)), "uscc")
    assert "已有一份注册申请在办理中" in error
    assert Registration.objects.count() == 1


def test_an_email_or_login_already_used_is_refused(post):
    user = LeadUnitUserFactory(email="used@example.test", username="taken_name")
    open_ = submit()
    for n, (changes, field) in enumerate(
        [
            ({"email": "USED@example.test"}, "email"),
            ({"email": open_.email}, "email"),
            ({"username": user.username}, "username"),
            ({"username": open_.username}, "username"),
        ]
    ):
        response = post(form_data(**changes), address=f"192.0.2.{n + 1}")
        assert any("已被" in e for e in errors_on(response, field)), (changes, response.context)
    assert Registration.objects.count() == 1


# --- The jurisdiction -----------------------------------------------------------------------


def test_a_code_of_a_merged_district_goes_to_lianchi():
    registration = submit(uscc=code("130603"))
    assert registration.derived_jurisdiction == jurisdiction("130606")
    assert registration.jurisdiction == jurisdiction("130606")


def test_a_unit_outside_baoding_registers_as_a_possible_member_only(post):
    data = form_data(uscc=code("110105"))
    response = post(data)
    page = post.client.get(response.url).content.decode()
    registration = Registration.objects.get()
    assert registration.jurisdiction is None and registration.derived_jurisdiction is None
    assert not registration.may_lead
    assert "不能牵头组建联盟" in page


def test_a_city_level_code_must_choose_its_county(post):
    response = post(form_data(uscc=code("130600")))
    assert any("请选择单位所在的县" in e for e in errors_on(response, "jurisdiction"))
    # The page says what the typed code gives.
    assert 'data-testid="derived-jurisdiction"' in response.content.decode()


def test_another_jurisdiction_than_the_code_says_needs_a_reason(post):
    other = jurisdiction(OTHER)
    response = post(form_data(jurisdiction=str(other.pk)))
    [error] = errors_on(response, "jurisdiction_reason")
    assert "竞秀区" in error  # what the code says
    assert "竞秀区" in response.content.decode()  # shown above the form too

    post(form_data(jurisdiction=str(other.pk), jurisdiction_reason="已迁址至莲池区"))
    registration = Registration.objects.get()
    assert registration.jurisdiction == other
    assert registration.derived_jurisdiction == jurisdiction(HOME)
    assert registration.jurisdiction_corrected
    assert registration.jurisdiction_reason == "已迁址至莲池区"
    assert "已迁址至莲池区" in AuditEntry.objects.for_object(registration).get().reason


def test_a_reason_is_dropped_when_the_code_s_own_jurisdiction_is_kept():
    registration = submit(jurisdiction_reason="无关")
    assert registration.jurisdiction_reason == ""


# --- Throttle --------------------------------------------------------------------------------


def test_a_fourth_registration_from_one_address_within_minutes_is_throttled(post, settings):
    settings.PORTAL_THROTTLES = {
        **settings.PORTAL_THROTTLES,
        "register-address": (3, 600),
        "register-attempts": (20, 600),
    }
    # An applicant correcting one mistake after another is not locked out by them.
    for _attempt in range(5):
        post(form_data(mobile="bad"), address="198.51.100.1")
    for _registration in range(3):
        post(form_data(), address="198.51.100.1")
    assert Registration.objects.count() == 3
    response = post(form_data(), address="198.51.100.1")

    assert "提交注册过于频繁" in response.content.decode()
    assert Registration.objects.count() == 3
    post(form_data(), address="198.51.100.2")  # another address
    assert Registration.objects.count() == 4


def test_many_refused_attempts_from_one_address_are_throttled(post, settings):
    """A script probing credit codes, user names or e-mail addresses is slowed down."""
    settings.PORTAL_THROTTLES = {**settings.PORTAL_THROTTLES, "register-attempts": (4, 600)}
    for _attempt in range(4):
        response = post(form_data(mobile="bad"), address="198.51.100.9")
        assert "提交注册过于频繁" not in response.content.decode()
    response = post(form_data(), address="198.51.100.9")
    assert "提交注册过于频繁" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_throttle_is_the_service_s_own(settings):
    settings.PORTAL_THROTTLES = {**settings.PORTAL_THROTTLES, "register-address": (1, 600)}
    submit(client_ip="203.0.113.5")
    with pytest.raises(services.Throttled):
        submit(client_ip="203.0.113.5")


def test_a_unit_that_leads_an_alliance_cannot_be_claimed_after_its_user_moved_away(post):
    """The re-test: the unit's only user became an evaluator in the admin; the unit still
    leads its alliances, so it had a user, and is not free for the taking."""
    lead = LeadUnitUserFactory()
    unit = lead.organisation
    filed_alliance(lead_user=lead)
    User.objects.filter(pk=lead.pk).update(role="evaluator")
    [error] = errors_on(post(form_data(uscc=unit.uscc)), "uscc")
    assert "账号已停用" in error
    assert not Registration.objects.exists()


def test_a_unit_registered_outside_hebei_cannot_name_a_baoding_county(post):
    data = form_data(
        uscc=code("110105"),
        jurisdiction=str(jurisdiction(HOME).pk),
        jurisdiction_reason="在竞秀区办公",
    )
    [error] = errors_on(post(data), "jurisdiction")
    assert "河北省外登记" in error
    # A Hebei provincial authority's code may be a Baoding unit's (the reviewer checks).
    post(
        form_data(
            uscc=code("130000"),
            jurisdiction=str(jurisdiction(HOME).pk),
            jurisdiction_reason="省市场监管局登记",
        )
    )
    assert Registration.objects.get().jurisdiction == jurisdiction(HOME)


@pytest.mark.parametrize("username", ["lеad_cyrillic", "用户名", "a b"])
def test_a_user_name_is_ascii_only(post, username):
    [error] = errors_on(post(form_data(username=username)), "username")
    assert "英文字母、数字" in error
    assert not Registration.objects.exists()


def test_the_throttle_counts_before_the_work(settings):
    """Simultaneous submissions cannot all pass a check made before any counted: the
    place is taken first (core.throttle.take) and given back when the input is refused."""
    from core import throttle

    settings.PORTAL_THROTTLES = {**settings.PORTAL_THROTTLES, "register-address": (2, 600)}
    first = throttle.take("register-address", "198.51.100.77")
    second = throttle.take("register-address", "198.51.100.77")
    assert first and second
    assert throttle.take("register-address", "198.51.100.77") is None
    throttle.release(second)
    assert throttle.take("register-address", "198.51.100.77") is not None
    # A refused registration gives its place back.
    with pytest.raises(ValidationError):
        submit(client_ip="198.51.100.78", mobile="bad")
    assert throttle.recent("register-address", "198.51.100.78") == 0


@pytest.mark.parametrize(
    ("last", "first", "shown"),
    [
        ("赵", "敏", "赵*"),
        ("欧阳", "明月", "欧阳**"),
        ("Zhao Min", "", "Z*******"),
        ("赵 敏", "", "赵**"),
    ],
)
def test_the_administrators_name_is_masked_however_it_was_typed(last, first, shown):
    assert services.masked_name(LeadUnitUserFactory(last_name=last, first_name=first)) == shown
