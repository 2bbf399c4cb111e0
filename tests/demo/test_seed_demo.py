"""`manage.py seed_demo`: demo filings in every state, and running it twice changes nothing.

One test seeds once and re-seeds once (each seeding renders ~50 PDFs), and checks
everything on that data.
"""

import io
import re

import pytest
from django.core.management import call_command

from accounts.models import Organisation, Registration, User
from accounts.selectors import pending_registrations
from audit.models import AuditEntry
from filings.conformance import check_conformance
from filings.models import (
    Alliance,
    Category,
    Filing,
    FilingDocument,
    FilingMaterial,
    IssuedDocument,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]

REVIEWED = (Filing.State.COUNTY_REVIEW, Filing.State.MUNICIPAL_REVIEW, Filing.State.FILED)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Alliance,
            Filing,
            AuditEntry,
            FilingDocument,
            FilingMaterial,
            Registration,
        )
    }


def test_seed_demo_covers_every_state_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    assert first["Filing"] >= 12
    assert "新建" in out.getvalue()
    # One security auditor (三员分立), printed with the other demo logins.
    assert User.objects.get(username="auditor").role == "auditor"
    assert re.search(r"安全审计员\s+auditor ", out.getvalue())
    # And one security administrator, the third of the three.
    assert User.objects.get(username="security").role == "security_admin"
    assert re.search(r"安全管理员\s+security ", out.getvalue())

    # 单位管理员: each seeded unit's first user administers it; 保定瑞驰 has invited a
    # colleague who has not set a password yet.
    for lead in User.objects.filter(role="lead_unit").exclude(username="ruichi_zhao"):
        assert lead.is_unit_admin, lead
    colleague = User.objects.get(username="ruichi_zhao")
    assert colleague.organisation == User.objects.get(username="lead_ruichi").organisation
    assert not colleague.is_unit_admin and not colleague.has_usable_password()
    assert colleague.is_active

    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert _counts() == first
    assert "未做修改" in again.getvalue()

    filings = Filing.objects.select_related("alliance", "jurisdiction")
    # Every state of the filing state machine, and all three Art. 8 categories.
    assert set(filings.values_list("state", flat=True)) == set(Filing.State.values)
    assert set(Alliance.objects.values_list("category", flat=True)) >= set(Category)

    # Filed alliances carry their number, and their filing the letter and the notice.
    filed_alliances = Alliance.objects.filter(status=Alliance.Status.FILED)
    assert filed_alliances.count() >= 3
    assert not filed_alliances.filter(filing_number__isnull=True).exists()
    for filing in filings.filter(state=Filing.State.FILED):
        kinds = set(filing.documents.values_list("kind", flat=True))
        assert kinds == set(FilingDocument.Kind.values), filing
        assert filing.documents.get(kind="filing_notice").reference_number == (
            filing.alliance.filing_number
        )
    # Every document the demo issued went through the pipeline (issue 18): each kind is
    # registered with a code, and the issuing records hand out the registered file.
    issued = IssuedDocument.objects.all()
    assert set(issued.values_list("kind", flat=True)) == set(IssuedDocument.Kind.values)
    assert set(FilingDocument.objects.values_list("file", flat=True)) <= set(
        issued.values_list("file", flat=True)
    )

    # Both queues hold at least two filings, waiting for different numbers of days.
    for state in (Filing.State.COUNTY_REVIEW, Filing.State.MUNICIPAL_REVIEW):
        queue = list(filings.filter(state=state))
        assert len(queue) >= 2, state
        waits = {filing.days_waiting() for filing in queue}
        assert None not in waits and len(waits) >= 2, (state, waits)

    reviewed = filings.filter(state__in=REVIEWED)
    assert reviewed.values("jurisdiction").distinct().count() >= 3

    # Submitted filings have their three materials; the history is in the audit log.
    for filing in filings.exclude(state=Filing.State.DRAFT):
        kinds = set(filing.materials.values_list("kind", flat=True))
        assert kinds == set(FilingMaterial.Kind), filing
        actions = set(AuditEntry.objects.for_object(filing).values_list("action", flat=True))
        assert {"create", "submit"} <= actions, filing

    # One draft is deliberately incomplete: its checklist shows failures.
    drafts = filings.filter(state=Filing.State.DRAFT)
    assert any(
        any(result.failed for result in check_conformance(draft.alliance)) for draft in drafts
    )

    # Every county reviewer the demo seeds has a pending registration in the queue (one
    # of them with a jurisdiction corrected from what its code says, and its reason).
    reviewers = User.objects.filter(role="county_reviewer")
    assert reviewers.count() == 5
    for reviewer in reviewers:
        # Its own queue (a county also reads, without deciding, one moved away from it).
        queue = pending_registrations(reviewer)
        assert queue.count() == 1, reviewer
        registration = queue.get()
        assert registration.email_confirmed_at and registration.licence_size > 0
    corrected = [r for r in Registration.objects.all() if r.jurisdiction_corrected]
    assert len(corrected) == 1 and corrected[0].jurisdiction_reason
