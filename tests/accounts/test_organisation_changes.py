"""A unit's legal facts change only through a request the bureau decides (issue 12, High:
"a lead unit rewrites its own organisation, unaudited, and escapes its county")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Organisation, OrganisationChange
from audit.models import AuditEntry
from core.models import Notification
from core.transitions import StaleRecord, TransitionRefused
from demo.accounts import demo_uscc
from tests.factories import (
    CountyReviewerFactory,
    OrganisationFactory,
    jurisdiction,
)

from .conftest import HOME, OTHER, form_facts, request_change

pytestmark = pytest.mark.django_db
State = OrganisationChange.State


def change_url(name, change):
    return reverse(f"accounts:change_{name}", args=[change.pk])


def actions_of(subject):
    return list(AuditEntry.objects.for_object(subject).values_list("action", flat=True))


# --- Notices -------------------------------------------------------------------------------


def test_the_bureau_is_told_of_a_new_request(
    lead, staff, county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_change(lead, legal_representative="李四")
    assert Notification.objects.filter(user=staff, subject="有单位登记信息变更申请待审核").exists()
    assert Notification.objects.filter(user=county, subject="有单位登记信息变更申请待审核").exists()


def test_a_move_is_announced_to_municipal_staff_only(
    lead, staff, county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_change(lead, jurisdiction=jurisdiction(OTHER))
    assert Notification.objects.filter(user=staff).exists()
    assert not Notification.objects.filter(user=county).exists()


# --- Approval ---------------------------------------------------------------------------------


def test_staff_approval_applies_the_new_values_and_audits_old_and_new(
    client, lead, staff, county, django_capture_on_commit_callbacks
):
    organisation = lead.organisation
    old_name = organisation.name
    new_county = CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))
    change = request_change(
        lead,
        name="保定新名称有限公司",
        legal_representative="李四",
        jurisdiction=jurisdiction(OTHER),
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url("approve", change), {"expected_state": "pending", "reason": "与营业执照一致"}
        )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "保定新名称有限公司"
    assert organisation.legal_representative == "李四"
    assert organisation.jurisdiction.code == OTHER
    change.refresh_from_db()
    assert change.state == State.APPROVED
    assert (change.decided_by, change.decision_reason) == (staff, "与营业执照一致")
    assert change.decided_at is not None
    approve = AuditEntry.objects.for_object(change).get(action="approve")
    assert (approve.actor, approve.source, approve.target) == (staff, "pending", "approved")
    assert f"单位名称：“{old_name}” → “保定新名称有限公司”" in approve.reason
    assert "法定代表人：“张三” → “李四”" in approve.reason
    assert "审核意见：与营业执照一致" in approve.reason
    applied = AuditEntry.objects.for_object(organisation).get(action="legal_facts_change")
    assert "所在县（市、区）/开发区：“竞秀区” → “莲池区”" in applied.reason
    assert Notification.objects.filter(user=lead, subject="单位登记信息变更已批准").exists()
    for reviewer in (county, new_county):
        assert Notification.objects.filter(
            user=reviewer, subject="单位所在县（市、区）已变更"
        ).exists()


def test_the_county_approves_its_own_units_change_of_name(client, lead, county):
    change = request_change(lead, name="保定新名称有限公司")
    client.force_login(county)
    response = client.post(change_url("approve", change), {"expected_state": "pending"})
    assert response.status_code == 302
    lead.organisation.refresh_from_db()
    assert lead.organisation.name == "保定新名称有限公司"


def test_the_county_cannot_approve_a_move_to_another_county(client, lead, county):
    change = request_change(lead, jurisdiction=jurisdiction(OTHER))
    client.force_login(county)
    page = client.get(change_url("detail", change)).content.decode()
    assert 'data-testid="municipal-only"' in page
    assert 'data-testid="approve-button"' not in page

    response = client.post(change_url("approve", change), {"expected_state": "pending"})

    assert response.status_code == 403
    change.refresh_from_db()
    assert change.state == State.PENDING
    assert lead.organisation.jurisdiction.code == HOME
    with pytest.raises(PermissionDenied):
        services.organisation_change_reject(change=change, by=county, reason="不同意")


def test_a_county_reviewer_of_another_county_sees_404(client, lead, other_county):
    change = request_change(lead, name="保定新名称有限公司")
    client.force_login(other_county)
    assert client.get(change_url("detail", change)).status_code == 404
    assert (
        client.post(change_url("approve", change), {"expected_state": "pending"}).status_code == 404
    )
    assert (
        client.get(reverse("accounts:organisation_detail", args=[lead.organisation.pk])).status_code
        == 404
    )
    change.refresh_from_db()
    assert change.state == State.PENDING


def test_a_credit_code_registered_since_the_request_is_refused_at_approval(client, lead, staff):
    organisation = lead.organisation
    new_code = demo_uscc("保定另一家科技有限公司", authority="91", division=HOME)
    change = request_change(lead, uscc=new_code)
    other = OrganisationFactory(uscc=new_code, name="保定另一家科技有限公司")
    client.force_login(staff)

    response = client.post(
        change_url("approve", change), {"expected_state": "pending", "reason": "已核对执照"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f"统一社会信用代码 {new_code} 已登记为“{other.name}”" in body
    assert "不能批准" in body
    assert "已核对执照" in body  # the opinion as typed
    change.refresh_from_db()
    organisation.refresh_from_db()
    assert change.state == State.PENDING
    assert organisation.uscc != new_code
    assert actions_of(change) == ["request"]
    assert not AuditEntry.objects.for_object(organisation).exists()


def test_an_invalid_credit_code_is_refused_at_approval(lead, staff):
    organisation = lead.organisation
    # Stored without the service's check (an older rule, an import): approval checks again.
    change = OrganisationChange.objects.create(
        organisation=organisation,
        requested_by=lead,
        reason="执照变更",
        **{f"old_{f}": getattr(organisation, f) for f in Organisation.LEGAL_FACTS},
        **{f"new_{f}": getattr(organisation, f) for f in Organisation.LEGAL_FACTS if f != "uscc"},
        new_uscc="91340600MA2PBM9HXA",
    )
    with pytest.raises(ValidationError) as refused:
        services.organisation_change_approve(change=change, by=staff)
    assert "校验码不符：按前17位计算，第18位应为“D”，而不是“A”" in refused.value.messages[0]
    change.refresh_from_db()
    organisation.refresh_from_db()
    assert change.state == State.PENDING
    assert organisation.uscc != "91340600MA2PBM9HXA"


def test_a_stale_approve_is_refused(client, lead, staff):
    change = request_change(lead, name="保定新名称有限公司")
    services.organisation_change_reject(change=change, by=staff, reason="与执照不符")
    client.force_login(staff)

    response = client.post(
        change_url("approve", change), {"expected_state": "pending", "reason": "同意"}
    )

    assert "该记录已被他人修改，请刷新页面后重试。" in response.content.decode()
    change.refresh_from_db()
    lead.organisation.refresh_from_db()
    assert change.state == State.REJECTED
    assert lead.organisation.name != "保定新名称有限公司"
    with pytest.raises(StaleRecord):
        services.organisation_change_approve(change=change, by=staff, expected_state="pending")


def test_approval_is_refused_when_the_facts_changed_since_the_request(client, lead, staff):
    change = request_change(lead, legal_representative="李四")
    Organisation.objects.filter(pk=lead.organisation_id).update(name="别处改过的名称")
    client.force_login(staff)
    page = client.get(change_url("detail", change)).content.decode()
    assert "申请提交后该单位的登记信息已有变化" in page
    assert 'data-testid="approve-button"' not in page
    with pytest.raises(TransitionRefused):
        services.organisation_change_approve(change=change, by=staff)
    lead.organisation.refresh_from_db()
    assert lead.organisation.legal_representative == "张三"


# --- Rejection and withdrawal --------------------------------------------------------------


def test_rejection_needs_a_reason_and_keeps_the_page(
    client, lead, staff, django_capture_on_commit_callbacks
):
    change = request_change(lead, name="保定新名称有限公司")
    client.force_login(staff)
    response = client.post(
        change_url("reject", change), {"expected_state": "pending", "reason": " "}
    )
    assert response.status_code == 200
    assert "不予批准必须写明理由，申请单位会收到。" in response.content.decode()
    change.refresh_from_db()
    assert change.state == State.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url("reject", change), {"expected_state": "pending", "reason": "名称未经核准"}
        )

    change.refresh_from_db()
    assert (change.state, change.decision_reason) == (State.REJECTED, "名称未经核准")
    assert "理由：名称未经核准" in AuditEntry.objects.for_object(change).get(action="reject").reason
    notice = Notification.objects.get(user=lead, subject="单位登记信息变更申请未予批准")
    assert "名称未经核准" in notice.body


def test_a_decided_request_is_refused_for_its_state_before_its_input(lead, staff):
    change = request_change(lead, name="保定新名称有限公司")
    services.organisation_change_approve(change=change, by=staff)
    # No reason either: the state is what the user must learn.
    with pytest.raises(TransitionRefused) as refused:
        services.organisation_change_reject(change=change, by=staff, reason="")
    assert refused.value.reasons == ["当前状态为“已批准”，不能执行“不予批准单位登记信息变更”。"]


def test_the_unit_withdraws_its_pending_request(client, lead):
    change = request_change(lead, name="保定新名称有限公司")
    client.force_login(lead)
    client.post(change_url("withdraw", change), {"expected_state": "pending"})
    change.refresh_from_db()
    assert change.state == State.WITHDRAWN
    assert actions_of(change) == ["request", "withdraw"]
    # Withdrawn, the unit may ask again.
    assert request_change(lead, name="保定另一新名称有限公司").state == State.PENDING


# --- Asking -------------------------------------------------------------------------------------


def test_one_pending_request_at_a_time_and_nothing_typed_is_lost(client, lead):
    request_change(lead, name="保定新名称有限公司")
    client.force_login(lead)
    response = client.post(
        reverse("accounts:organisation_change_new", args=[lead.organisation_id]),
        {**form_facts(lead.organisation, legal_representative="王五"), "reason": "法人变更"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "您已有一份" in body and "待审核，请等待审核结果，或撤回后重新申请。" in body
    assert 'value="王五"' in body and "法人变更" in body
    assert OrganisationChange.objects.count() == 1


def test_an_invalid_credit_code_is_refused_when_asked_with_what_to_fix(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("accounts:organisation_change_new", args=[lead.organisation_id]),
        {**form_facts(lead.organisation, uscc="91340600MA2PBM9HXA"), "reason": "换发执照"},
    )
    body = response.content.decode()
    assert "校验码不符：按前17位计算，第18位应为“D”，而不是“A”" in body
    assert 'value="91340600MA2PBM9HXA"' in body and "换发执照" in body
    assert not OrganisationChange.objects.exists()


def test_a_request_that_changes_nothing_says_where_contact_details_go(lead):
    with pytest.raises(ValidationError) as refused:
        request_change(lead)
    assert "登记信息没有任何变化" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        request_change(lead, reason=" ", name="保定新名称有限公司")
    assert refused.value.message_dict["reason"] == ["请写明变更理由，如营业执照变更情况。"]


def test_another_unit_cannot_ask_for_a_change_of_this_one(lead):
    from tests.factories import LeadUnitUserFactory

    with pytest.raises(PermissionDenied):
        services.organisation_change_submit(
            organisation=lead.organisation, by=LeadUnitUserFactory(), values={}, reason="x"
        )


def test_staff_change_is_the_same_record_decided_in_one_step(
    client, lead, staff, django_capture_on_commit_callbacks
):
    organisation = lead.organisation
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation_change_new", args=[organisation.pk]),
            {**form_facts(organisation, legal_representative="李四"), "reason": "依变更登记通知书"},
        )

    assert response.status_code == 302
    change = OrganisationChange.objects.get(organisation=organisation)
    assert change.state == State.APPROVED
    assert change.requested_by == change.decided_by == staff
    organisation.refresh_from_db()
    assert organisation.legal_representative == "李四"
    assert actions_of(change) == ["record", "approve"]
    assert actions_of(organisation) == ["legal_facts_change"]
    assert Notification.objects.filter(user=lead, subject="单位登记信息已由市科技局变更").exists()


def test_the_list_is_filterable_and_scoped(client, lead, county, staff):
    moving = request_change(lead, jurisdiction=jurisdiction(OTHER))
    services.organisation_change_withdraw(change=moving, by=lead)
    renaming = request_change(lead, name="保定新名称有限公司")
    elsewhere = OrganisationFactory(jurisdiction=jurisdiction("130683"))
    from tests.factories import LeadUnitUserFactory

    other = request_change(LeadUnitUserFactory(organisation=elsewhere), legal_representative="赵六")

    def listed(user, query=""):
        client.force_login(user)
        body = client.get(reverse("accounts:change_list") + query).content.decode()
        return {c.pk for c in (moving, renaming, other) if change_url("detail", c) in body}

    assert listed(staff) == {moving.pk, renaming.pk, other.pk}
    assert listed(county) == {moving.pk, renaming.pk}
    assert listed(staff, "?state=pending") == {renaming.pk, other.pk}
    assert listed(staff, "?moves=yes") == {moving.pk}
    assert listed(staff, "?q=" + elsewhere.name) == {other.pk}


def test_municipal_home_counts_pending_requests_and_the_nav_links_the_list(
    client, lead, staff, county
):
    request_change(lead, name="保定新名称有限公司")
    client.force_login(staff)
    home = client.get("/").content.decode()
    # The to-do item, its count and the list it opens (portal.todo).
    assert 'data-todo="changes_pending"' in home and "待审核的单位登记信息变更" in home
    assert reverse("accounts:change_list") + "?state=pending" in home
    assert reverse("accounts:change_list") in home
    client.force_login(county)
    assert reverse("accounts:change_list") in client.get("/").content.decode()
    client.force_login(lead)
    assert reverse("accounts:change_list") not in client.get("/").content.decode()
