"""Every filing transition through its HTTP action view, as every role (Art. 11).

The expectations are written out here, not derived from the selectors under test: who
may take each transition, and who may see a filing in each state at all.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from filings import documents
from filings.models import Filing
from tests.factories import (
    PDF_BYTES,
    AdminFactory,
    AuditorFactory,
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    SecurityAdminFactory,
    filing_in_state,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
S = Filing.State
ACTORS = [
    "lead",
    "other_lead",
    "county",
    "other_county",
    "staff",
    "admin",
    "evaluator",
    "auditor",
    "security_admin",
]
#: Roles confined to their own pages (三员分立): 403 on every business page.
CONFINED = ("auditor", "security_admin")

# (transition, URL name, state it starts from, POST data, target state, the one allowed actor)
TRANSITIONS = [
    ("submit", "filings:submit", S.DRAFT, {}, S.COUNTY_REVIEW, "lead"),
    ("resubmit", "filings:submit", S.RETURNED, {}, S.COUNTY_REVIEW, "lead"),
    ("withdraw", "filings:withdraw", S.DRAFT, {}, S.WITHDRAWN, "lead"),
    ("withdraw", "filings:withdraw", S.COUNTY_REVIEW, {}, S.WITHDRAWN, "lead"),
    (
        "recommend",
        "filings:recommend",
        S.COUNTY_REVIEW,
        {"opinion": "同意推荐"},
        S.MUNICIPAL_REVIEW,
        "county",
    ),
    (
        "return_for_revision",
        "filings:return",
        S.COUNTY_REVIEW,
        {"reason": "请补充"},
        S.RETURNED,
        "county",
    ),
    ("reject", "filings:reject", S.COUNTY_REVIEW, {"reason": "不符合条件"}, S.REJECTED, "county"),
    (
        "return_for_revision",
        "filings:return",
        S.MUNICIPAL_REVIEW,
        {"reason": "请补充"},
        S.RETURNED,
        "staff",
    ),
    ("reject", "filings:reject", S.MUNICIPAL_REVIEW, {"reason": "不符合条件"}, S.REJECTED, "staff"),
    ("approve", "filings:approve", S.MUNICIPAL_REVIEW, {}, S.FILED, "staff"),
]
ROLE_OF = {"lead": "lead_unit", "county": "county_reviewer", "staff": "municipal_staff"}

# Who can see a filing at all: drafts are the lead unit's own; other units, other
# jurisdictions and evaluators see nothing (404, never a hint that it exists).
SEES_DRAFTS = {"lead"}
# Not the system administrator (三员分立): no business records without a business role.
SEES_SUBMITTED = {"lead", "county", "staff"}


@pytest.fixture(autouse=True)
def _fast_pdfs(monkeypatch):
    # This file is about who may act; the PDFs themselves are tested in test_review_views.
    monkeypatch.setattr(
        documents, "recommendation_letter_pdf", lambda filing, number, **kw: PDF_BYTES
    )
    monkeypatch.setattr(documents, "filing_notice_pdf", lambda filing, number, **kw: PDF_BYTES)


def make_actor(name, filing):
    home = filing.alliance.lead_unit.jurisdiction
    return {
        "lead": lambda: filing.created_by,
        "other_lead": LeadUnitUserFactory,
        "county": lambda: CountyReviewerFactory(jurisdiction=home),
        "other_county": lambda: CountyReviewerFactory(jurisdiction=jurisdiction("130683")),
        "staff": MunicipalStaffFactory,
        "admin": AdminFactory,
        "evaluator": EvaluatorFactory,
        "auditor": AuditorFactory,
        "security_admin": SecurityAdminFactory,
    }[name]()


def refused(actor) -> int:
    """A page the actor may not see: 404 (not even a hint it exists), but 403 for the
    security auditor and the security administrator, who reach no business page at all."""
    return 403 if actor in CONFINED else 404


def expected_refusal(actor, state) -> int:
    if actor in CONFINED:
        return 403  # the security auditor and administrator reach no business page at all
    visible = SEES_DRAFTS if state == S.DRAFT else SEES_SUBMITTED
    return 403 if actor in visible else 404


def post(client, url_name, filing, data, expected_state=None):
    # confirmed: the irreversible decisions ask first (core.confirm).
    payload = {"expected_state": expected_state or filing.state, "confirmed": "1", **data}
    return client.post(reverse(url_name, args=[filing.pk]), payload)


CASES = [
    pytest.param(*t, actor, id=f"{t[0]}-from-{t[2]}-as-{actor}")
    for t in TRANSITIONS
    for actor in ACTORS
]


@pytest.mark.parametrize(
    ("transition", "url_name", "source", "data", "target", "allowed", "actor"), CASES
)
def test_transition_by_role(client, transition, url_name, source, data, target, allowed, actor):
    filing = filing_in_state(source)
    user = make_actor(actor, filing)
    client.force_login(user)
    log_before = AuditEntry.objects.count()
    entries_before = AuditEntry.objects.for_object(filing).count()

    response = post(client, url_name, filing, data)

    state = Filing.objects.get(pk=filing.pk).state
    if actor == allowed:
        assert response.status_code == 302
        assert state == target
        entries = list(AuditEntry.objects.for_object(filing))
        assert len(entries) == entries_before + 1
        assert (entries[-1].action, entries[-1].source, entries[-1].target) == (
            transition,
            source,
            target,
        )
        assert entries[-1].actor_id == user.pk
        assert entries[-1].actor_role == ROLE_OF[actor]
        assert any(m.level_tag == "success" for m in get_messages(response.wsgi_request))
    else:
        assert response.status_code == expected_refusal(actor, source)
        assert state == source
        assert AuditEntry.objects.count() == log_before


# A forged POST for a transition the state does not allow: explained, nothing changes.
FORGED = [
    ("filings:approve", S.COUNTY_REVIEW, "staff", {}),
    ("filings:recommend", S.FILED, "county", {"opinion": "同意推荐"}),
    ("filings:recommend", S.MUNICIPAL_REVIEW, "county", {"opinion": "同意推荐"}),
    ("filings:submit", S.FILED, "lead", {}),
    ("filings:submit", S.COUNTY_REVIEW, "lead", {}),
    ("filings:withdraw", S.MUNICIPAL_REVIEW, "lead", {}),
    ("filings:return", S.FILED, "staff", {"reason": "请补充"}),
    ("filings:reject", S.WITHDRAWN, "staff", {"reason": "不符合条件"}),
    ("filings:approve", S.RETURNED, "staff", {}),
    # Empty text on a state that does not allow the action: the state is the news.
    ("filings:reject", S.FILED, "staff", {"reason": ""}),
    ("filings:recommend", S.REJECTED, "county", {"opinion": ""}),
]


@pytest.mark.parametrize(
    ("url_name", "state", "actor", "data"),
    [pytest.param(*f, id=f"{f[0]}-on-{f[1]}-as-{f[2]}") for f in FORGED],
)
def test_forged_post_for_a_state_that_does_not_allow_it_is_explained(
    client, url_name, state, actor, data
):
    filing = filing_in_state(state)
    client.force_login(make_actor(actor, filing))
    log_before = AuditEntry.objects.count()
    response = post(client, url_name, filing, data)
    assert response.status_code == 302
    assert response.url == reverse("filings:detail", args=[filing.pk])
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    label = str(Filing.State(state).label)
    assert any("不能执行" in e and label in e for e in errors), errors
    assert Filing.objects.get(pk=filing.pk).state == state
    assert AuditEntry.objects.count() == log_before


ACTION_URLS = [
    "filings:submit",
    "filings:withdraw",
    "filings:recommend",
    "filings:return",
    "filings:reject",
    "filings:approve",
]


@pytest.mark.parametrize("url_name", ACTION_URLS)
@pytest.mark.parametrize("actor", ["lead", "county", "staff"])
def test_get_on_an_action_url_is_405(client, url_name, actor):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(make_actor(actor, filing))
    response = client.get(reverse(url_name, args=[filing.pk]))
    assert response.status_code == 405
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW


@pytest.mark.parametrize("url_name", ACTION_URLS)
def test_anonymous_post_is_sent_to_login(client, url_name):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    response = post(client, url_name, filing, {"opinion": "同意", "reason": "理由"})
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert Filing.objects.get(pk=filing.pk).state == S.MUNICIPAL_REVIEW


def test_action_on_an_unknown_filing_is_404(client):
    client.force_login(MunicipalStaffFactory())
    assert client.post(reverse("filings:approve", args=[999999])).status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_page_visibility_by_role(client, actor):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(make_actor(actor, filing))
    response = client.get(reverse("filings:detail", args=[filing.pk]))
    assert response.status_code == (200 if actor in SEES_SUBMITTED else refused(actor))


@pytest.mark.parametrize("actor", ACTORS)
def test_draft_is_visible_to_its_lead_unit_only(client, actor):
    filing = filing_in_state(S.DRAFT)
    client.force_login(make_actor(actor, filing))
    response = client.get(reverse("filings:detail", args=[filing.pk]))
    assert response.status_code == (200 if actor in SEES_DRAFTS else refused(actor))


# The action buttons each role is offered on the filing page, by state.
OFFERED = [
    (S.DRAFT, "lead", {"submit", "withdraw"}),
    (S.RETURNED, "lead", {"resubmit", "withdraw"}),
    (S.COUNTY_REVIEW, "lead", {"withdraw"}),
    (S.COUNTY_REVIEW, "county", {"recommend", "return_for_revision", "reject"}),
    (S.COUNTY_REVIEW, "staff", set()),
    (S.MUNICIPAL_REVIEW, "county", set()),
    (S.MUNICIPAL_REVIEW, "staff", {"approve", "return_for_revision", "reject"}),
    (S.MUNICIPAL_REVIEW, "admin", set()),
    (S.MUNICIPAL_REVIEW, "lead", set()),
    (S.FILED, "staff", set()),
]


@pytest.mark.parametrize(("state", "actor", "actions"), OFFERED)
def test_detail_page_offers_exactly_the_actions_the_user_may_take(client, state, actor, actions):
    import re

    filing = filing_in_state(state)
    client.force_login(make_actor(actor, filing))
    body = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert set(re.findall(r'data-action="(\w+)" novalidate', body)) == actions
    if actions:
        assert f'name="expected_state" value="{state}"' in body
