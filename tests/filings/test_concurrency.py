"""Two municipal staff deciding the same filing at the same moment: one decision wins,
the other is told the record changed (ARCHITECTURE.md, Concurrency)."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.transitions import StaleRecord, TransitionRefused
from filings import documents, services
from filings.models import Alliance, Filing, NumberSequence
from tests.factories import PDF_BYTES, MunicipalStaffFactory, filing_in_state

pytestmark = [
    pytest.mark.postgres,
    # No serialized_rollback: mixed with transactional tests that flush without it, its
    # reload of the migration-time rows collides with the content types the flush's
    # post_migrate recreated (duplicate key). Rows of data migrations come back through
    # tests.factories.jurisdiction().
    pytest.mark.django_db(transaction=True),
]
S = Filing.State
STALE_TEXT = "该记录已被他人修改"
DECISIONS = ("approve", "reject", "return_for_revision")


@pytest.fixture(autouse=True)
def _fast_pdfs(monkeypatch):
    monkeypatch.setattr(
        documents, "recommendation_letter_pdf", lambda filing, number, **kw: PDF_BYTES
    )
    monkeypatch.setattr(documents, "filing_notice_pdf", lambda filing, number, **kw: PDF_BYTES)


def decide_at_once(*calls):
    """Run ``calls`` in threads released together; return each one's outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(10)
            outcomes[i] = call()
        except Exception as error:  # the loser's exception is the point of the test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def approve(filing, staff):
    return lambda: services.filing_approve(
        filing=filing, by=staff, expected_state=S.MUNICIPAL_REVIEW
    )


def reject(filing, staff):
    return lambda: services.filing_reject(
        filing=filing, by=staff, reason="不符合第九条", expected_state=S.MUNICIPAL_REVIEW
    )


def decision_entries(filing):
    return AuditEntry.objects.for_object(filing).filter(action__in=DECISIONS)


@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_decisions_at_once_one_wins_the_other_is_stale(second):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    staff_a, staff_b = MunicipalStaffFactory(), MunicipalStaffFactory()
    other = {"approve": approve, "reject": reject}[second]

    outcomes = decide_at_once(approve(filing, staff_a), other(filing, staff_b))

    winners = [o for o in outcomes if isinstance(o, Filing)]
    losers = [o for o in outcomes if not isinstance(o, Filing)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1
    loser = losers[0]
    # The loser waited for the winner's row lock, then saw the state had moved on.
    assert isinstance(loser, StaleRecord | TransitionRefused), repr(loser)
    if isinstance(loser, StaleRecord):
        assert STALE_TEXT in str(loser.message)  # what the HTTP view shows

    filing.refresh_from_db()
    assert filing.state == winners[0].state
    assert decision_entries(filing).count() == 1
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    year = timezone.localdate().year
    numbers = list(
        Alliance.objects.exclude(filing_number=None).values_list("filing_number", flat=True)
    )
    if filing.state == S.FILED:
        assert numbers == [alliance.filing_number] == [f"保科联备〔{year}〕001号"]
        assert NumberSequence.objects.get(key=f"filing:{year}").last == 1  # no gap
        assert filing.documents.filter(kind="filing_notice").count() == 1
    else:
        assert filing.state == S.REJECTED
        assert numbers == []
        assert alliance.status == Alliance.Status.UNFILED


def test_two_staff_clicking_approve_at_once_over_http():
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(MunicipalStaffFactory())
        clients.append(client)
    url = reverse("filings:approve", args=[filing.pk])

    responses = decide_at_once(
        *[
            lambda c=c: c.post(url, {"expected_state": S.MUNICIPAL_REVIEW, "confirmed": "1"})
            for c in clients
        ]
    )

    assert [r.status_code for r in responses] == [302, 302]
    texts = [[str(m) for m in get_messages(r.wsgi_request)] for r in responses]
    won = [t for t in texts if any("已予以备案" in m for m in t)]
    stale = [t for t in texts if any(STALE_TEXT in m for m in t)]
    assert len(won) == 1, texts
    assert len(stale) == 1, texts
    filing.refresh_from_db()
    assert filing.state == S.FILED
    assert decision_entries(filing).count() == 1
    assert Alliance.objects.exclude(filing_number=None).count() == 1
