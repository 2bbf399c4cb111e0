"""归口审核 of a unit's registration: the county bureau of its jurisdiction (and municipal
staff) approve, return or refuse it; another county never sees it; approval creates the
unit and its administrator, or gives a member unit nobody registered its first one."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import registration_decisions as decisions
from accounts.models import Organisation, Registration
from audit.models import AuditEntry
from core.transitions import StaleRecord, TransitionRefused
from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    jurisdiction,
)

from .registration_helpers import (
    HOME,
    OTHER,
    PASSWORD,
    code,
    pending,
    returned,
    status_token,
)

pytestmark = pytest.mark.django_db
State = Registration.State


def registrations_pending_for(user):
    from accounts.selectors import pending_registrations

    return list(pending_registrations(user))


@pytest.fixture
def county(db):
    return CountyReviewerFactory(jurisdiction=jurisdiction(HOME))


@pytest.fixture
def other_county(db):
    return CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))


@pytest.fixture
def staff(db):
    return MunicipalStaffFactory()


def url(name, registration):
    return reverse(f"accounts:registration_{name}", args=[registration.pk])


@pytest.fixture
def decide(client, django_capture_on_commit_callbacks):
    def post(user, name, registration, reason="", expected_state="pending"):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url(name, registration), {"reason": reason, "expected_state": expected_state}
            )

    return post


# --- Who sees what ------------------------------------------------------------------------


def test_another_county_never_sees_the_registration(client, county, other_county, decide):
    registration = pending(name="保定竞秀注册单位")
    client.force_login(other_county)
    assert "保定竞秀注册单位" not in client.get("/accounts/registrations/").content.decode()
    assert client.get(url("detail", registration)).status_code == 404
    assert client.get(url("licence", registration)).status_code == 404
    for name in ("approve", "return", "refuse"):
        assert decide(other_county, name, registration, reason="x").status_code == 404
    with pytest.raises(PermissionDenied):
        decisions.registration_approve(registration=registration, by=other_county)
    registration.refresh_from_db()
    assert registration.state == State.PENDING

    client.force_login(county)
    assert "保定竞秀注册单位" in client.get("/accounts/registrations/").content.decode()
    assert client.get(url("detail", registration)).status_code == 200


def test_a_corrected_jurisdiction_goes_to_the_chosen_county_with_its_reason(
    client, county, other_county
):
    registration = pending(jurisdiction=jurisdiction(OTHER), jurisdiction_reason="已迁址至莲池区")
    # The county the code names reads it (where its units are being registered) but does
    # not decide it, and does not count it as waiting for it.
    client.force_login(county)
    assert client.get(url("detail", registration)).status_code == 200
    assert not registrations_pending_for(county)
    assert (
        client.post(url("approve", registration), {"expected_state": "pending"}).status_code == 403
    )
    client.force_login(other_county)
    page = client.get(url("detail", registration)).content.decode()
    assert 'data-testid="jurisdiction-corrected"' in page
    assert "已迁址至莲池区" in page and "竞秀区" in page


def test_the_licence_is_downloaded_as_an_attachment(client, county):
    registration = pending()
    client.force_login(county)
    response = client.get(url("licence", registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_outside_baoding_only_the_municipal_bureau_decides(client, county, staff, decide):
    registration = pending(uscc=code("110105"))
    client.force_login(county)
    assert client.get(url("detail", registration)).status_code == 404
    client.force_login(staff)
    page = client.get(url("detail", registration)).content.decode()
    assert 'data-testid="outside-warning"' in page

    assert decide(staff, "approve", registration).status_code == 302
    registration.refresh_from_db()
    assert registration.state == State.APPROVED
    assert registration.organisation.jurisdiction is None
    assert not registration.organisation.registered_in_baoding


def test_an_administrator_reads_but_does_not_decide(client, decide):
    registration = pending()
    admin = AdminFactory()
    client.force_login(admin)
    assert client.get(url("detail", registration)).status_code == 200
    assert decide(admin, "approve", registration).status_code == 403


def test_other_roles_have_no_queue(client):
    client.force_login(LeadUnitUserFactory())
    assert client.get("/accounts/registrations/").status_code == 403


# --- Approval ------------------------------------------------------------------------------


def test_approval_creates_the_unit_and_its_administrator_who_can_log_in(client, county, decide):
    registration = pending(name="保定新注册科技有限公司", applicant_name="欧阳明")
    response = decide(county, "approve", registration, reason="材料齐全")
    assert response.status_code == 302

    registration.refresh_from_db()
    assert registration.state == State.APPROVED
    assert registration.decided_by == county and registration.decision_reason == "材料齐全"
    organisation = registration.organisation
    assert organisation.name == "保定新注册科技有限公司"
    assert organisation.uscc == registration.uscc
    assert organisation.jurisdiction == jurisdiction(HOME)
    assert organisation.contact_email == registration.email
    user = registration.user
    assert (user.username, user.email, user.phone) == (
        registration.username,
        registration.email,
        registration.mobile,
    )
    assert user.role == "lead_unit" and user.is_unit_admin and user.is_active
    assert user.organisation == organisation
    assert user.get_full_name() == "欧阳明"
    # The password the applicant chose, never seen in clear by the portal.
    client.logout()
    client.post("/accounts/login/", {"username": registration.username, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)

    message = mail.outbox[-1]
    assert message.to == [registration.email]
    assert "单位注册已通过" in message.subject
    assert registration.username in message.body

    assert AuditEntry.objects.for_object(registration).filter(action="approve").exists()
    assert AuditEntry.objects.for_object(organisation).get().action == "register"
    assert AuditEntry.objects.for_object(user).filter(action="user_create").count() == 1


def test_approval_gives_a_member_unit_nobody_registered_its_first_administrator(
    client, county, decide
):
    member = OrganisationFactory(
        name="成员单位旧名称", jurisdiction=jurisdiction(HOME), legal_representative="甲"
    )
    # An evaluator it employs is no unit user.
    EvaluatorFactory(organisation=member)
    registration = pending(uscc=member.uscc, name="成员单位新名称", legal_representative="乙")
    client.force_login(county)
    page = client.get(url("detail", registration)).content.decode()
    assert 'data-testid="differences"' in page and "已登记“甲”，注册填写“乙”" in page

    decide(county, "approve", registration)

    member.refresh_from_db()
    assert Organisation.objects.filter(uscc=member.uscc).count() == 1
    # Its legal facts are not rewritten by a registration: the alliances it belongs to
    # were filed with them; a change goes through an OrganisationChange.
    assert (member.name, member.legal_representative) == ("成员单位旧名称", "甲")
    assert member.users.get(is_unit_admin=True).username == registration.username
    entry = AuditEntry.objects.for_object(registration).get(action="approve")
    assert "登记信息未改变" in entry.reason and "“甲” → “乙”" in entry.reason
    assert not AuditEntry.objects.for_object(member).filter(action="legal_facts_change").exists()


def test_a_unit_whose_users_were_removed_after_the_registration_cannot_be_claimed(county):
    member = OrganisationFactory(jurisdiction=jurisdiction(HOME))
    registration = pending(uscc=member.uscc)
    LeadUnitUserFactory(organisation=member, is_active=False)
    with pytest.raises(ValidationError, match="已全部停用"):
        decisions.registration_approve(registration=registration, by=county)


def test_the_reviewer_sees_earlier_registrations_and_look_alike_units(client, county, staff):
    refused = pending()
    decisions.registration_refuse(registration=refused, by=staff, reason="假冒单位")
    again = pending(uscc=refused.uscc, name="同名科技有限公司")
    OrganisationFactory(name="同名科技有限公司", jurisdiction=jurisdiction(HOME))
    client.force_login(county)
    page = client.get(url("detail", again)).content.decode()
    assert 'data-testid="earlier-registrations"' in page and "假冒单位" in page
    assert 'data-testid="similar-units"' in page


def test_approval_is_refused_when_the_unit_got_an_account_meanwhile(county, decide, client):
    registration = pending()
    organisation = OrganisationFactory(uscc=registration.uscc, jurisdiction=jurisdiction(HOME))
    LeadUnitUserFactory(organisation=organisation, last_name="周", first_name="五")
    with pytest.raises(ValidationError, match="已有账号"):
        decisions.registration_approve(registration=registration, by=county)
    response = decide(county, "approve", registration)
    assert response.status_code == 200
    assert "已有账号" in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == State.PENDING


# --- Return, resubmit, refuse ----------------------------------------------------------------


def test_returning_and_refusing_need_a_reason(county, decide):
    registration = pending()
    for name, message in (("return", "退回必须写明"), ("refuse", "不予通过必须写明")):
        response = decide(county, name, registration, reason="  ")
        assert message in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == State.PENDING


def test_a_returned_registration_is_corrected_and_resubmitted(
    client, county, decide, django_capture_on_commit_callbacks
):
    registration = pending(legal_representative="错名")
    decide(county, "return", registration, reason="法定代表人与执照不符")
    registration.refresh_from_db()
    assert registration.state == State.RETURNED
    message = mail.outbox[-1]
    assert message.to == [registration.email] and "退回修改" in message.subject
    assert "法定代表人与执照不符" in message.body
    token = status_token(registration)
    assert f"/accounts/register/status/{token}/" in message.body

    client.logout()
    page = client.get(f"/accounts/register/status/{token}/").content.decode()
    assert "法定代表人与执照不符" in page
    assert 'value="错名"' in page  # the correction form, prefilled

    data = {
        "name": registration.name,
        "uscc": registration.uscc,
        "kind": registration.kind,
        "industry": registration.industry,
        "legal_representative": "",
        "address": registration.address,
        "jurisdiction": "",
        "applicant_name": registration.applicant_name,
        "mobile": registration.mobile,
    }
    refused = client.post(f"/accounts/register/status/{token}/", data)
    assert "如需更换营业执照" in refused.content.decode()  # the file must be chosen again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/register/status/{token}/", {**data, "legal_representative": "王五"}
        )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == State.PENDING
    assert registration.legal_representative == "王五"
    entry = AuditEntry.objects.for_object(registration).get(action="resubmit")
    assert "“错名” → “王五”" in entry.reason
    # Resubmitting again is refused: it is pending.
    again = client.post(f"/accounts/register/status/{token}/", data)
    assert "不能修改" in again.content.decode()


def test_refusal_tells_the_applicant_why(county, decide):
    registration = pending()
    decide(county, "refuse", registration, reason="非独立法人")
    registration.refresh_from_db()
    assert registration.state == State.REFUSED
    message = mail.outbox[-1]
    assert "未通过" in message.subject and "非独立法人" in message.body
    assert AuditEntry.objects.for_object(registration).get(action="refuse").reason == "非独立法人"
    # A refused registration frees its code: the unit may register again.
    assert pending(uscc=registration.uscc).state == State.PENDING


def test_a_stale_page_is_refused(county, decide):
    registration = returned(by=county)
    response = decide(county, "approve", registration, expected_state="pending")
    assert "该记录已被他人修改" in response.content.decode()
    with pytest.raises(StaleRecord):
        decisions.registration_approve(
            registration=registration, by=county, expected_state="pending"
        )


@pytest.mark.parametrize("state", ["returned", "approved", "refused"])
def test_a_decided_registration_cannot_be_decided_again(county, state):
    registration = pending()
    if state == "returned":
        decisions.registration_return(registration=registration, by=county, reason="改")
    elif state == "approved":
        decisions.registration_approve(registration=registration, by=county)
    else:
        decisions.registration_refuse(registration=registration, by=county, reason="否")
    registration.refresh_from_db()
    for decision in (
        lambda: decisions.registration_approve(registration=registration, by=county),
        lambda: decisions.registration_refuse(registration=registration, by=county, reason="否"),
    ):
        with pytest.raises(TransitionRefused, match="当前状态为"):
            decision()


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_filters_and_counts_on_the_home_page(client, staff, county):
    mine = pending(name="甲注册单位")
    pending(name="乙注册单位", uscc=code(OTHER))
    outside = pending(name="丙注册单位", uscc=code("110105"))
    client.force_login(staff)
    listed = client.get("/accounts/registrations/", {"outside": "yes"}).content.decode()
    assert "丙注册单位" in listed and "甲注册单位" not in listed
    by_name = client.get("/accounts/registrations/", {"q": mine.uscc}).content.decode()
    assert "甲注册单位" in by_name and "乙注册单位" not in by_name
    by_county = client.get(
        "/accounts/registrations/", {"jurisdiction": jurisdiction(OTHER).pk}
    ).content.decode()
    assert "乙注册单位" in by_county and "甲注册单位" not in by_county
    assert outside.pk
    # The bureau's own to-do: the one outside Baoding (the counties' are theirs).
    home = client.get("/").content.decode()
    assert "待审核的单位注册申请（保定市外单位）" in home and "?awaiting=yes" in home
    assert 'data-todo="registrations"' in home
    assert "/accounts/registrations/?awaiting=yes" in home

    client.force_login(county)
    page = client.get("/accounts/registrations/").content.decode()
    assert "甲注册单位" in page and "乙注册单位" not in page and "丙注册单位" not in page
    home = client.get("/").content.decode()
    assert "待审核的单位注册申请" in home and "保定市外单位" not in home


def test_the_list_takes_as_many_queries_for_many_rows_as_for_few(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    pending()
    client.get("/accounts/registrations/")  # warm caches (content types, policy)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/accounts/registrations/").status_code == 200
    for _ in range(12):
        pending(jurisdiction=jurisdiction(OTHER), jurisdiction_reason="迁址")
    with django_assert_max_num_queries(len(few)):
        response = client.get("/accounts/registrations/")
    assert response.content.decode().count("迁址") == 0  # reasons are not in the list
    assert response.content.decode().count("已更正") == 12
