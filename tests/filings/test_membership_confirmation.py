"""A registered member unit confirms its membership online (Art. 9(3)): the services, the
submission condition, the audit log and the notices."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from core.models import Notification
from core.transitions import StaleRecord, TransitionRefused
from filings import membership, services
from filings.conformance import check_conformance
from filings.models import AllianceMember, Filing
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    OrganisationFactory,
    draft_filing,
    unit_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return LeadUnitUserFactory()


@pytest.fixture
def filing(lead):
    return draft_filing(lead)


@pytest.fixture
def admin():
    """The administrator of a registered unit (a Beijing institute)."""
    return unit_admin(
        OrganisationFactory(kind="institute", industry="M", jurisdiction=None),
        email="admin@member.test",
    )


def add(filing, lead, organisation, **kwargs):
    kwargs.setdefault("role", AllianceMember.Role.MEMBER)
    kwargs.setdefault("task_division", "联合攻关关键技术")
    return services.member_add(filing=filing, by=lead, organisation=organisation, **kwargs)


@pytest.fixture
def member(filing, lead, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return add(filing, lead, admin.organisation)


def actions(filing):
    return list(AuditEntry.objects.for_object(filing).values_list("action", flat=True))


def status(member, editable=True):
    member = AllianceMember.objects.select_related("confirmed_by").get(pk=member.pk)
    return membership.confirmation_status(member, member.alliance.lead_unit_id, editable=editable)


# --- Adding a registered member -------------------------------------------------------------


def test_adding_a_registered_member_makes_it_pending_and_asks_its_admin(member, admin, filing):
    assert member.charter_signed is False
    assert status(member) == (membership.PENDING, "待成员单位确认")
    notice = Notification.objects.get(user=admin)
    assert notice.subject == "请确认贵单位的联盟成员身份"
    assert filing.alliance.name in notice.body and "联合攻关关键技术" in notice.body
    assert "/filings/memberships/" in notice.body
    sent = [m for m in mail.outbox if m.to == ["admin@member.test"]]
    assert len(sent) == 1 and "请确认贵单位的联盟成员身份" in sent[0].subject
    assert "member_confirmation_request" in actions(filing)


def test_the_notice_is_enqueued_in_the_transaction_not_sent_before_commit(
    filing, lead, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add(filing, lead, admin.organisation)
    assert callbacks and not Notification.objects.filter(user=admin).exists()


def test_only_the_units_active_administrator_is_asked(
    filing, lead, admin, django_capture_on_commit_callbacks
):
    colleague = LeadUnitUserFactory(organisation=admin.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        add(filing, lead, admin.organisation)
    assert Notification.objects.filter(user=admin).exists()
    assert not Notification.objects.filter(user=colleague).exists()


def test_an_unregistered_member_is_signed_for_by_the_lead_as_before(filing, lead):
    organisation = OrganisationFactory()
    LeadUnitUserFactory(organisation=organisation)  # users, but no unit administrator
    row = add(filing, lead, organisation, charter_signed=True)
    assert row.charter_signed and row.signed_by == organisation.legal_representative
    assert status(row) == (membership.UNREGISTERED, "未注册单位，由牵头单位登记签署")
    assert "member_confirmation_request" not in actions(filing)


def test_an_inactive_administrator_does_not_make_a_unit_registered(filing, lead):
    former = unit_admin(is_active=False)
    row = add(filing, lead, former.organisation, charter_signed=True)
    assert row.charter_signed


def test_the_lead_cannot_tick_the_signature_of_a_registered_member(filing, lead, admin):
    with pytest.raises(ValidationError) as refused:
        add(filing, lead, admin.organisation, charter_signed=True)
    assert "charter_signed" in refused.value.error_dict
    assert "须由该单位管理员在线确认" in str(refused.value)
    assert not AllianceMember.objects.filter(organisation=admin.organisation).exists()


def test_the_lead_cannot_tick_it_afterwards_either(filing, lead, member):
    with pytest.raises(ValidationError) as refused:
        services.member_update(filing=filing, by=lead, member=member, data={"charter_signed": True})
    assert "牵头单位不能代为勾选" in str(refused.value)
    member.refresh_from_db()
    assert member.charter_signed is False


def test_the_lead_units_own_row_is_never_asked(filing, lead):
    lead.is_unit_admin = True
    lead.save()
    own = filing.alliance.members.get(organisation=lead.organisation)
    services.member_update(filing=filing, by=lead, member=own, data={"charter_signed": True})
    own.refresh_from_db()
    assert own.charter_signed
    assert status(own)[0] == membership.LEAD


# --- The member's answer ---------------------------------------------------------------------


def test_the_members_admin_confirms(
    member, admin, lead, filing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership.membership_confirm(
            by=admin, member=member, seen_terms=membership.terms_digest(member)
        )
    member.refresh_from_db()
    assert member.confirmed_by == admin and member.confirmed_at is not None
    assert member.charter_signed is True
    assert member.signed_by == admin.organisation.legal_representative
    kind, text = status(member)
    assert kind == membership.CONFIRMED
    assert text.startswith(f"已在线确认：{admin.get_full_name()}，")
    entry = AuditEntry.objects.for_object(filing).get(action="member_confirm")
    assert entry.actor == admin and entry.action_label == "成员单位在线确认"
    assert admin.organisation.name in entry.reason
    notice = Notification.objects.get(user=lead, subject="成员单位已在线确认")
    assert admin.organisation.name in notice.body
    assert any(m.to == [lead.email] and "成员单位已在线确认" in m.subject for m in mail.outbox)


def test_the_members_admin_declines_with_a_reason(
    member, admin, lead, filing, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as refused:
        membership.membership_decline(by=admin, member=member, reason="  ")
    assert "reason" in refused.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        membership.membership_decline(by=admin, member=member, reason="未参与该联盟的筹建")
    member.refresh_from_db()
    assert member.declined_at is not None and member.decline_reason == "未参与该联盟的筹建"
    assert member.charter_signed is False and member.confirmed_at is None
    assert status(member) == (membership.DECLINED, "已拒绝：未参与该联盟的筹建")
    assert "member_decline" in actions(filing)
    notice = Notification.objects.get(user=lead, subject="成员单位拒绝确认")
    assert "未参与该联盟的筹建" in notice.body


def test_a_confirmation_clears_a_previous_decline_and_a_decline_withdraws_a_confirmation(
    member, admin
):
    membership.membership_decline(by=admin, member=member, reason="分工不清")
    membership.membership_confirm(by=admin, member=member)
    member.refresh_from_db()
    assert member.declined_at is None and member.decline_reason == ""
    assert member.confirmed_at is not None
    membership.membership_decline(by=admin, member=member, reason="改变主意")
    member.refresh_from_db()
    assert member.confirmed_at is None and member.confirmed_by is None
    assert member.charter_signed is False


def test_confirming_twice_is_refused(member, admin):
    membership.membership_confirm(by=admin, member=member)
    with pytest.raises(TransitionRefused, match="无需重复确认"):
        membership.membership_confirm(by=admin, member=member)


def test_a_colleague_who_is_not_the_administrator_may_not_answer(member, admin):
    colleague = LeadUnitUserFactory(organisation=admin.organisation)
    with pytest.raises(PermissionDenied):
        membership.membership_confirm(by=colleague, member=member)
    with pytest.raises(PermissionDenied):
        membership.membership_decline(by=colleague, member=member, reason="x")


def test_another_units_administrator_and_the_lead_may_not_answer(member, lead):
    with pytest.raises(PermissionDenied):
        membership.membership_confirm(by=unit_admin(), member=member)
    with pytest.raises(PermissionDenied):
        membership.membership_confirm(by=lead, member=member)


def test_no_answer_once_the_application_is_submitted(member, admin, filing, lead):
    membership.membership_confirm(by=admin, member=member)
    services.filing_submit(filing=filing, by=lead)
    with pytest.raises(TransitionRefused, match="没有可修改的备案申请"):
        membership.membership_decline(by=admin, member=member, reason="迟到的拒绝")
    member.refresh_from_db()
    assert member.confirmed_at is not None and member.declined_at is None


def test_an_answer_is_possible_again_when_the_application_is_returned(member, admin, filing, lead):
    membership.membership_confirm(by=admin, member=member)
    services.filing_submit(filing=filing, by=lead)
    county = CountyReviewerFactory(jurisdiction=filing.alliance.lead_unit.jurisdiction)
    services.filing_return(filing=filing, by=county, reason="请补充")
    membership.membership_decline(by=admin, member=member, reason="退回后撤回")
    member.refresh_from_db()
    assert member.declined_at is not None


def test_an_answer_to_terms_changed_meanwhile_is_stale(member, admin, filing, lead):
    seen = membership.terms_digest(member)
    services.member_update(
        filing=filing, by=lead, member=member, data={"task_division": "负责中试验证"}
    )
    with pytest.raises(StaleRecord):
        membership.membership_confirm(by=admin, member=member, seen_terms=seen)


def test_an_answer_for_a_removed_row_is_stale(member, admin, filing, lead):
    services.member_remove(filing=filing, by=lead, member=member)
    with pytest.raises(StaleRecord):
        membership.membership_confirm(by=admin, member=member)


# --- The lead changes what was confirmed --------------------------------------------------


@pytest.mark.parametrize(
    "change", [{"task_division": "负责中试验证"}, {"role": AllianceMember.Role.COUNCIL}]
)
def test_a_change_of_role_or_task_clears_the_confirmation_and_asks_again(
    member, admin, filing, lead, change, django_capture_on_commit_callbacks
):
    membership.membership_confirm(by=admin, member=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_update(filing=filing, by=lead, member=member, data=change)
    member.refresh_from_db()
    assert member.confirmed_at is None and member.confirmed_by is None
    assert member.charter_signed is False and member.signed_by == ""
    assert status(member)[0] == membership.PENDING
    entry = AuditEntry.objects.for_object(filing).get(action="member_confirmation_reset")
    assert entry.action_label == "成员单位确认因分工变更失效" and "此前" in entry.reason
    assert Notification.objects.filter(
        user=admin, subject="联盟成员信息已变更，请重新确认"
    ).exists()


def test_a_change_clears_a_decline_too(member, admin, filing, lead):
    membership.membership_decline(by=admin, member=member, reason="分工不清")
    services.member_update(
        filing=filing, by=lead, member=member, data={"task_division": "明确的分工说明"}
    )
    member.refresh_from_db()
    assert member.declined_at is None and member.decline_reason == ""


def test_saving_the_same_terms_keeps_the_confirmation(member, admin, filing, lead):
    membership.membership_confirm(by=admin, member=member)
    member.refresh_from_db()
    services.member_update(
        filing=filing,
        by=lead,
        member=member,
        data={"role": member.role, "task_division": member.task_division, "charter_signed": True},
    )
    member.refresh_from_db()
    assert member.confirmed_at is not None and member.charter_signed
    assert "member_confirmation_reset" not in actions(filing)


# --- Submission (Art. 9(3)) -------------------------------------------------------------------


def charter_failures(filing):
    filing = Filing.objects.get(pk=filing.pk)
    [charter] = [c for c in check_conformance(filing.alliance, filing) if c.key == "charter"]
    return charter.failures


def test_a_pending_registered_member_blocks_submission_naming_the_unit(member, filing, lead):
    name = member.organisation.name
    assert any(f"成员单位“{name}”尚未在线确认" in f for f in charter_failures(filing))
    with pytest.raises(TransitionRefused) as refused:
        services.filing_submit(filing=filing, by=lead)
    assert any(f"成员单位“{name}”尚未在线确认" in reason for reason in refused.value.reasons)
    # Said once: not again in the generic list of unsigned members.
    assert not any("尚未确认签署联盟协议（章程）：" in f for f in charter_failures(filing))


def test_a_declined_member_blocks_submission_with_its_reason(member, admin, filing, lead):
    membership.membership_decline(by=admin, member=member, reason="未参与筹建")
    with pytest.raises(TransitionRefused) as refused:
        services.filing_submit(filing=filing, by=lead)
    assert any("已拒绝确认（理由：未参与筹建）" in r for r in refused.value.reasons)


def test_a_signature_the_lead_recorded_before_the_unit_registered_does_not_count(filing, lead):
    organisation = OrganisationFactory()
    row = add(filing, lead, organisation, charter_signed=True)
    unit_admin(organisation)  # registers afterwards
    assert any("尚未在线确认" in f for f in charter_failures(filing))
    assert status(row)[0] == membership.PENDING


def test_once_confirmed_the_application_is_submitted(member, admin, filing, lead):
    membership.membership_confirm(by=admin, member=member)
    assert charter_failures(filing) == []
    services.filing_submit(filing=filing, by=lead)
    filing.refresh_from_db()
    assert filing.state == Filing.State.COUNTY_REVIEW


def test_after_submission_a_unit_registering_later_is_not_asked(filing, lead):
    organisation = OrganisationFactory()
    row = add(filing, lead, organisation, charter_signed=True)
    services.filing_submit(filing=filing, by=lead)
    unit_admin(organisation)
    assert charter_failures(filing) == []
    assert status(row, editable=False)[0] == membership.LEAD_RECORDED
