"""The services' contract (issue 11): plain data in, state checked before input, and the
notice written to the outbox in the same transaction as the change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.models import OutboxMessage
from core.transitions import StaleRecord, TransitionRefused
from filings import documents, services
from filings.forms.application import ALLIANCE_FIELDS, MemberEditForm
from filings.models import Alliance, AllianceMember, Filing
from filings.tasks import send_filing_notification
from tests.factories import (
    PDF_BYTES,
    CountyReviewerFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    draft_filing,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State


@pytest.fixture(autouse=True)
def _fast_pdfs(monkeypatch):
    monkeypatch.setattr(
        documents, "recommendation_letter_pdf", lambda filing, number, **kw: PDF_BYTES
    )
    monkeypatch.setattr(documents, "filing_notice_pdf", lambda filing, number, **kw: PDF_BYTES)


def notices(filing) -> list[list]:
    return list(
        OutboxMessage.objects.filter(
            task=send_filing_notification.name, args__0=filing.pk
        ).values_list("args", flat=True)
    )


# --- The outbox row is written with the change (the bug of issue 11, point 4) -------------


def test_the_submit_notice_is_in_the_outbox_before_the_commit(
    django_capture_on_commit_callbacks,
):
    filing = draft_filing()
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        with transaction.atomic():
            services.filing_submit(filing=filing, by=filing.created_by)
            # Still inside the transaction: nothing has committed, the row is there.
            assert notices(filing) == [[filing.pk, "submit"]]
    assert on_commit, "the dispatch to the broker waits for the commit"
    assert OutboxMessage.objects.get(args=[filing.pk, "submit"]).dispatched_at is None


def test_a_decision_and_its_notice_are_written_together(django_capture_on_commit_callbacks):
    filing = filing_in_state(S.COUNTY_REVIEW)
    county = CountyReviewerFactory(jurisdiction=filing.jurisdiction)
    with django_capture_on_commit_callbacks(execute=False):
        services.filing_recommend(filing=filing, by=county, opinion="同意推荐")
        assert notices(filing)[-1] == [filing.pk, "recommend"]


def test_a_decision_that_fails_leaves_no_notice(monkeypatch):
    filing = filing_in_state(S.COUNTY_REVIEW)
    county = CountyReviewerFactory(jurisdiction=filing.jurisdiction)
    before = notices(filing)

    def broken(filing, number, **kw):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(documents, "recommendation_letter_pdf", broken)
    with pytest.raises(RuntimeError):
        services.filing_recommend(filing=filing, by=county, opinion="同意推荐")
    assert notices(filing) == before != []  # the submit's notice is there, no other
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW


# --- State first, then input -----------------------------------------------------------------


def county(filing):
    return CountyReviewerFactory(jurisdiction=filing.jurisdiction)


TEXT_DECISIONS = [
    ("recommend", lambda f, by, **kw: services.filing_recommend(filing=f, by=by, opinion="", **kw)),
    ("return", lambda f, by, **kw: services.filing_return(filing=f, by=by, reason="  ", **kw)),
    ("reject", lambda f, by, **kw: services.filing_reject(filing=f, by=by, reason="", **kw)),
]


@pytest.mark.parametrize(("name", "decide"), TEXT_DECISIONS, ids=[d[0] for d in TEXT_DECISIONS])
def test_a_stale_page_with_empty_text_is_told_the_record_changed(name, decide):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)  # the county's page still says county review
    with pytest.raises(StaleRecord):
        decide(filing, county(filing), expected_state=S.COUNTY_REVIEW)
    assert Filing.objects.get(pk=filing.pk).state == S.MUNICIPAL_REVIEW


@pytest.mark.parametrize(("name", "decide"), TEXT_DECISIONS, ids=[d[0] for d in TEXT_DECISIONS])
def test_a_state_that_does_not_allow_it_is_refused_before_the_empty_text(name, decide):
    filing = filing_in_state(S.WITHDRAWN)
    with pytest.raises(TransitionRefused) as refused:
        decide(filing, MunicipalStaffFactory())
    assert any("已撤回" in reason and "不能执行" in reason for reason in refused.value.reasons)


@pytest.mark.parametrize(("name", "decide"), TEXT_DECISIONS, ids=[d[0] for d in TEXT_DECISIONS])
def test_a_reviewer_of_another_county_is_refused_before_the_empty_text(name, decide):
    filing = filing_in_state(S.COUNTY_REVIEW)
    with pytest.raises(PermissionDenied):
        decide(filing, CountyReviewerFactory(jurisdiction=jurisdiction("130683")))


@pytest.mark.parametrize(("name", "decide"), TEXT_DECISIONS, ids=[d[0] for d in TEXT_DECISIONS])
def test_empty_text_in_the_right_state_is_a_field_error(name, decide):
    filing = filing_in_state(S.COUNTY_REVIEW)
    with pytest.raises(ValidationError) as invalid:
        decide(filing, county(filing))
    assert set(invalid.value.message_dict) == {"opinion" if name == "recommend" else "reason"}


def test_check_action_says_what_the_service_would_refuse_without_reading_input():
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    reviewer = county(filing)
    with pytest.raises(StaleRecord):
        services.filing_check_action(
            filing=filing, name="recommend", by=reviewer, expected_state=S.COUNTY_REVIEW
        )
    with pytest.raises(TransitionRefused):
        services.filing_check_action(filing=filing, name="recommend", by=reviewer)
    with pytest.raises(PermissionDenied):
        services.filing_check_action(filing=filing, name="approve", by=reviewer)
    services.filing_check_action(filing=filing, name="approve", by=MunicipalStaffFactory())


def test_a_draft_under_review_is_refused_before_its_invalid_data():
    filing = filing_in_state(S.COUNTY_REVIEW)
    with pytest.raises(TransitionRefused):
        services.filing_save_draft(
            filing=filing, by=filing.created_by, data={"office_contact_email": "不是邮箱"}
        )


# --- Plain data, and only what a lead unit may write -------------------------------------------


def test_save_draft_writes_the_values_given_and_nothing_else():
    filing = draft_filing()
    before = Alliance.objects.get(pk=filing.alliance_id)
    services.filing_save_draft(
        filing=filing,
        by=filing.created_by,
        data={"industry_chain": "制氢、储运", "office_fulltime_staff": 4},
    )
    after = Alliance.objects.get(pk=filing.alliance_id)
    assert (after.industry_chain, after.office_fulltime_staff) == ("制氢、储运", 4)
    assert (after.name, after.funding_rules) == (before.name, before.funding_rules)


@pytest.mark.parametrize(
    "data",
    [
        {"status": "filed"},
        {"filing_number": "保科联备〔2020〕999号"},
        {"filed_on": "2020-01-01"},
        {"lead_unit_id": 1},
        {"name": "改名", "liaison_officer": None},
    ],
)
def test_save_draft_never_writes_a_legal_fact(data):
    filing = draft_filing()
    with pytest.raises(TypeError, match="filing_save_draft does not accept"):
        services.filing_save_draft(filing=filing, by=filing.created_by, data=data)
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert (alliance.status, alliance.filing_number, alliance.name) == (
        Alliance.Status.UNFILED,
        None,
        "保定测试联盟",
    )


def test_save_draft_validates_in_the_service_keyed_by_field():
    filing = draft_filing()
    with pytest.raises(ValidationError) as invalid:
        services.filing_save_draft(
            filing=filing,
            by=filing.created_by,
            data={"name": "", "office_contact_email": "不是邮箱"},
        )
    assert set(invalid.value.message_dict) == {"name", "office_contact_email"}
    assert Alliance.objects.get(pk=filing.alliance_id).name == "保定测试联盟"


def test_member_update_writes_the_row_and_the_signature():
    filing = draft_filing()
    member = filing.alliance.members.exclude(role="lead").first()
    services.member_update(
        filing=filing,
        by=filing.created_by,
        member=member,
        data={"role": "council", "task_division": "人才培养", "charter_signed": False},
    )
    member.refresh_from_db()
    assert (member.role, member.task_division, member.charter_signed, member.signed_by) == (
        "council",
        "人才培养",
        False,
        "",
    )


def test_member_update_never_changes_the_organisation():
    filing = draft_filing()
    member = filing.alliance.members.exclude(role="lead").first()
    organisation = member.organisation_id
    with pytest.raises(TypeError, match="member_update does not accept organisation"):
        services.member_update(
            filing=filing,
            by=filing.created_by,
            member=member,
            data={"organisation": OrganisationFactory(), "task_division": "x"},
        )
    assert AllianceMember.objects.get(pk=member.pk).organisation_id == organisation


@pytest.mark.parametrize("lead_row", [True, False])
def test_only_the_lead_units_row_is_the_lead(lead_row):
    filing = draft_filing()
    members = filing.alliance.members
    member = members.get(role="lead") if lead_row else members.exclude(role="lead").first()
    with pytest.raises(ValidationError) as invalid:
        services.member_update(
            filing=filing,
            by=filing.created_by,
            member=member,
            data={"role": "member" if lead_row else "lead"},
        )
    assert set(invalid.value.message_dict) == {"role"}
    assert AllianceMember.objects.get(pk=member.pk).role == member.role


def test_a_member_of_another_alliance_is_refused():
    filing = draft_filing()
    foreign = draft_filing().alliance.members.exclude(role="lead").first()
    with pytest.raises(PermissionDenied):
        services.member_update(
            filing=filing, by=filing.created_by, member=foreign, data={"task_division": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.member_remove(filing=filing, by=filing.created_by, member=foreign)
    assert AllianceMember.objects.filter(pk=foreign.pk).exists()


def test_the_forms_edit_only_what_the_services_accept():
    # The whitelists are the services' own, so a form change cannot widen them; the forms
    # must stay within them.
    assert set(ALLIANCE_FIELDS) <= services.DRAFT_FIELDS
    assert set(MemberEditForm.FIELDS) == services.MEMBER_FIELDS


def test_save_draft_over_a_newer_version_is_refused():
    """Two tabs (or two people of the unit) on one draft: the later save of an older page
    must not silently undo the earlier one."""
    filing = draft_filing()
    lead = filing.created_by
    loaded = filing.alliance.updated_at.isoformat()
    services.filing_save_draft(
        filing=filing, by=lead, data={"innovation_goals": "第一个标签页"}, loaded_at=loaded
    )
    with pytest.raises(StaleRecord):
        services.filing_save_draft(
            filing=filing, by=lead, data={"decision_body": "第二个标签页"}, loaded_at=loaded
        )
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    assert alliance.innovation_goals == "第一个标签页"
    assert alliance.decision_body != "第二个标签页"
    fresh = alliance.updated_at.isoformat()
    services.filing_save_draft(
        filing=filing, by=lead, data={"decision_body": "核对后再保存"}, loaded_at=fresh
    )
    assert Alliance.objects.get(pk=filing.alliance_id).decision_body == "核对后再保存"
