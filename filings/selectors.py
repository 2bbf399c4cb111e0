"""Every read of alliances and filings is scoped here, once."""

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Role
from policy import selectors as policy_selectors

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


def filed_under(alliance: Alliance):
    """The policy version an alliance was filed under: its filed filing's, or for an
    alliance filed before the portal (no filing) the version applied on its filing date."""
    filing = (
        Filing.objects.filter(alliance=alliance, state=Filing.State.FILED)
        .select_related("policy_version")
        .order_by("-decided_at")
        .first()
    )
    if filing is not None and filing.policy_version is not None:
        return filing.policy_version
    if alliance.filed_on is None:
        return None
    return policy_selectors.rules_on(alliance.filed_on)
