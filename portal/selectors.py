"""What the public may see: every query starts from what may be published (docs/registry.md)."""

from django.db.models import Prefetch, QuerySet

from filings.models import Alliance, AllianceMember
from filings.selectors import with_category_version
from supervision.models import RevocationCase


def public_alliances() -> QuerySet[Alliance]:
    """Filed alliances only: unfiled ones were never published, revoked ones leave (Art. 13).

    Members come in one extra query for the whole page (ordered by pk, as filed), so the
    number of queries does not grow with the number of rows.
    """
    members = AllianceMember.objects.select_related("organisation__jurisdiction").order_by("pk")
    return (
        with_category_version(Alliance.objects.filter(status=Alliance.Status.FILED))
        .select_related("lead_unit__jurisdiction")
        .prefetch_related(Prefetch("members", queryset=members, to_attr="public_members"))
        .order_by("filed_on", "filing_number", "pk")
    )


def public_revocations() -> QuerySet[RevocationCase]:
    """Decided revocations only; open and dismissed cases are not public."""
    return (
        RevocationCase.objects.filter(state=RevocationCase.State.REVOKED)
        .select_related("alliance")
        .order_by("-decided_at", "-pk")
    )
