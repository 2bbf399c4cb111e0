"""The filing graph is exactly ARCHITECTURE.md's, and each step obeys Art. 9–11."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.transitions import StaleRecord, TransitionRefused
from filings import services
from filings.models import Alliance, Filing, FilingDocument
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    draft_filing,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State

EXPECTED_GRAPH = {
    ("submit", S.DRAFT, S.COUNTY_REVIEW),
    ("resubmit", S.RETURNED, S.COUNTY_REVIEW),
    ("withdraw", S.DRAFT, S.WITHDRAWN),
    ("withdraw", S.RETURNED, S.WITHDRAWN),
    ("withdraw", S.COUNTY_REVIEW, S.WITHDRAWN),
    ("recommend", S.COUNTY_REVIEW, S.MUNICIPAL_REVIEW),
    ("return_for_revision", S.COUNTY_REVIEW, S.RETURNED),
    ("return_for_revision", S.MUNICIPAL_REVIEW, S.RETURNED),
    ("reject", S.COUNTY_REVIEW, S.REJECTED),
    ("reject", S.MUNICIPAL_REVIEW, S.REJECTED),
    ("approve", S.MUNICIPAL_REVIEW, S.FILED),
}


def test_graph_is_exactly_the_architecture():
    field = Filing._meta.get_field("state")
    found = {(t.name, t.source, t.target) for t in field.get_all_transitions(Filing)}
    assert found == EXPECTED_GRAPH
    assert {s.value for s in S} == {
        "draft",
        "county_review",
        "returned",
        "municipal_review",
        "filed",
        "rejected",
        "withdrawn",
    }


def test_state_field_is_protected():
    filing = draft_filing()
    with pytest.raises(AttributeError):
        filing.state = S.FILED


def test_full_path_files_the_alliance_with_a_sequential_number():
    first = filing_in_state(S.FILED)
    second = filing_in_state(S.FILED)
    first.alliance.refresh_from_db()
    second.alliance.refresh_from_db()
    assert first.alliance.status == Alliance.Status.FILED
    year = first.alliance.filed_on.year
    assert first.alliance.filing_number == f"保科联备〔{year}〕001号"
    assert second.alliance.filing_number == f"保科联备〔{year}〕002号"
    kinds = set(first.documents.values_list("kind", flat=True))
    assert kinds == {FilingDocument.Kind.RECOMMENDATION_LETTER, FilingDocument.Kind.FILING_NOTICE}


def test_every_transition_is_logged_with_actor_role_and_states():
    filing = filing_in_state(S.FILED)
    log = list(
        AuditEntry.objects.for_object(filing).values_list(
            "action", "source", "target", "actor_role"
        )
    )
    assert log == [
        ("create", "", "draft", "lead_unit"),
        ("submit", "draft", "county_review", "lead_unit"),
        ("recommend", "county_review", "municipal_review", "county_reviewer"),
        ("approve", "municipal_review", "filed", "municipal_staff"),
    ]


def test_submit_is_refused_while_a_condition_fails():
    filing = draft_filing()
    filing.alliance.members.exclude(role="lead").update(charter_signed=False)
    with pytest.raises(TransitionRefused) as refused:
        services.filing_submit(filing=filing, by=filing.created_by)
    assert any("尚未确认签署" in r for r in refused.value.reasons)
    filing.refresh_from_db()
    assert filing.state == S.DRAFT


def test_submit_is_refused_without_the_materials():
    filing = draft_filing()
    filing.materials.filter(kind="charter").delete()
    with pytest.raises(TransitionRefused) as refused:
        services.filing_submit(filing=filing, by=filing.created_by)
    assert any("创新联盟协议书（章程）" in r for r in refused.value.reasons)


def test_county_reviewer_of_another_county_cannot_recommend():
    filing = filing_in_state(S.COUNTY_REVIEW)
    other = CountyReviewerFactory(jurisdiction=jurisdiction("130683"))
    with pytest.raises(PermissionDenied):
        services.filing_recommend(filing=filing, by=other, opinion="同意")
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW


def test_return_requires_a_reason():
    from django.core.exceptions import ValidationError

    filing = filing_in_state(S.COUNTY_REVIEW)
    county = CountyReviewerFactory(jurisdiction=filing.jurisdiction)
    with pytest.raises(ValidationError):
        services.filing_return(filing=filing, by=county, reason="  ")


def test_returned_filing_is_resubmitted_to_county_review():
    filing = filing_in_state(S.RETURNED)
    services.filing_submit(filing=filing, by=filing.created_by)
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW
    assert AuditEntry.objects.for_object(filing).last().action == "resubmit"


def test_stale_state_is_refused():
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    staff = MunicipalStaffFactory()
    services.filing_approve(filing=filing, by=staff, expected_state=S.MUNICIPAL_REVIEW)
    with pytest.raises(StaleRecord):
        services.filing_reject(
            filing=filing, by=staff, reason="迟到的决定", expected_state=S.MUNICIPAL_REVIEW
        )


def test_lead_unit_of_another_alliance_cannot_submit():
    filing = draft_filing()
    with pytest.raises(PermissionDenied):
        services.filing_submit(filing=filing, by=LeadUnitUserFactory())


def test_disabled_jurisdiction_cannot_receive_filings():
    j = jurisdiction("130682")  # 定州: disabled by default
    lead = LeadUnitUserFactory(organisation__jurisdiction=j)
    filing = draft_filing(lead)
    with pytest.raises(TransitionRefused) as refused:
        services.filing_submit(filing=filing, by=lead)
    assert any("定州市目前未参与" in r for r in refused.value.reasons)


def test_emails_go_to_the_county_on_submit_and_the_lead_unit_on_decisions(
    mailoutbox, django_capture_on_commit_callbacks
):
    filing = draft_filing()
    county = CountyReviewerFactory(jurisdiction=filing.alliance.lead_unit.jurisdiction)
    other_county = CountyReviewerFactory(jurisdiction=jurisdiction("130683"))
    with django_capture_on_commit_callbacks(execute=True):
        services.filing_submit(filing=filing, by=filing.created_by)
    to = [m.to[0] for m in mailoutbox]
    assert county.email in to
    assert other_county.email not in to
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.filing_return(filing=filing, by=county, reason="请补充经费管理制度")
    assert [m.to[0] for m in mailoutbox] == [filing.created_by.email]
    assert mailoutbox[0].subject.endswith("备案申请被退回修改")
    assert "请补充经费管理制度" in mailoutbox[0].body
