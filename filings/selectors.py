"""Every read of alliances and filings is scoped here, once."""

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Role

from .models import Alliance, Filing

# A filing waiting longer than this is highlighted in the queues and on the reviewers'
# home pages (a policy number: a REVIEW_LATE_AFTER_DAYS setting overrides it).
LATE_AFTER_DAYS = getattr(settings, "REVIEW_LATE_AFTER_DAYS", 15)


def filings_visible_to(user) -> QuerySet[Filing]:
    qs = Filing.objects.select_related("alliance", "alliance__lead_unit", "jurisdiction")
    if not user.is_authenticated:
        return qs.none()
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        # Drafts are the lead unit's own work until submitted.
        return qs.exclude(state=Filing.State.DRAFT)
    if role == Role.COUNTY_REVIEWER:
        return qs.filter(jurisdiction_id=user.jurisdiction_id).exclude(state=Filing.State.DRAFT)
    if role == Role.LEAD_UNIT:
        return qs.filter(alliance__lead_unit_id=user.organisation_id)
    return qs.none()


def alliances_visible_to(user) -> QuerySet[Alliance]:
    qs = Alliance.objects.select_related("lead_unit", "lead_unit__jurisdiction")
    if not user.is_authenticated:
        return qs.none()
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if role == Role.COUNTY_REVIEWER:
        return qs.filter(lead_unit__jurisdiction_id=user.jurisdiction_id)
    if role == Role.LEAD_UNIT:
        return qs.filter(lead_unit_id=user.organisation_id)
    return qs.none()


def county_queue(user) -> QuerySet[Filing]:
    """Filings waiting for this county reviewer, oldest first (Art. 11 初审)."""
    return (
        filings_visible_to(user)
        .filter(state=Filing.State.COUNTY_REVIEW)
        .order_by("queued_at", "pk")
    )


def municipal_queue(user) -> QuerySet[Filing]:
    return (
        filings_visible_to(user)
        .filter(state=Filing.State.MUNICIPAL_REVIEW)
        .order_by("queued_at", "pk")
    )
