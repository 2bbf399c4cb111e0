import pytest

from audit.chain import seal_pending
from audit.models import AuditEntry
from tests.factories import MunicipalStaffFactory

from .tampering import DECISIONS, record_decisions


@pytest.fixture
def staff(db):
    return MunicipalStaffFactory()


@pytest.fixture
def sealed_decisions(staff):
    """Five decisions, sealed as the portal seals them after commit."""
    record_decisions(staff)
    seal_pending()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) == len(DECISIONS) and all(e.seq for e in entries)
    return entries
