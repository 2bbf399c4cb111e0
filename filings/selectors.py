"""Every read of alliances and filings is scoped here, once."""

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import Role
from policy import selectors as policy_selectors

from .models import Alliance, AllianceMember, Filing

# A filing waiting longer than this is highlighted in the queues and on the reviewers'
# home pages (a policy number: a REVIEW_LATE_AFTER_DAYS setting overrides it).
LATE_AFTER_DAYS = getattr(settings, "REVIEW_LATE_AFTER_DAYS", 15)


def filings_visible_to(user) -> QuerySet[Filing]:
    qs = Filing.objects.select_related("alliance", "alliance__lead_unit", "jurisdiction")
    if not user.is_authenticated:
        return qs.none()
    role = user.effective_role
    if role == Role.MUNICIPAL_STAFF:
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
    if role == Role.MUNICIPAL_STAFF:
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


def _latest_filing_version(alliance_ref):
    return Subquery(
        Filing.objects.filter(alliance=alliance_ref).order_by("-pk").values("policy_version")[:1]
    )


def with_category_version(queryset: QuerySet, through: str = "") -> QuerySet:
    """Rows with ``category_version_pk``: the version the latest filing of the row's
    alliance is bound to (``Alliance.category_version``), in the same query, for pages
    that list categories. ``through``: the foreign key from the row to its alliance ("" when
    the rows are alliances); then ``hand_down_category_versions`` gives it to the alliances."""
    alliance = OuterRef(f"{through}_id" if through else "pk")
    return queryset.annotate(category_version_pk=_latest_filing_version(alliance))


def hand_down_category_versions(rows, through: str) -> list:
    """Rows of ``with_category_version(queryset, through)``, each alliance (reached by the
    dotted path ``through``) given its row's version."""
    rows = list(rows)
    for row in rows:
        alliance = row
        for name in through.split("__"):
            alliance = getattr(alliance, name)
        alliance.category_version_pk = row.category_version_pk
    return rows


def attach_category_versions(alliances) -> None:
    """``category_version_pk`` for alliances a page reaches through a foreign key (an
    application's, a recommendation's): one query for all of them, not one per row."""
    alliances = [a for a in alliances if "category_version_pk" not in a.__dict__]
    if not alliances:
        return
    found = {}
    for alliance_id, version_id in (
        Filing.objects.filter(alliance_id__in={a.pk for a in alliances})
        .order_by("alliance_id", "-pk")
        .values_list("alliance_id", "policy_version_id")
    ):
        found.setdefault(alliance_id, version_id)
    for alliance in alliances:
        alliance.category_version_pk = found.get(alliance.pk)


def memberships_of(user) -> QuerySet:
    """The alliances ``user``'s unit was added to by another lead unit (its own alliances'
    lead rows are not memberships to answer), for the unit's users; none for anyone else.
    Each row knows whether its answer is awaited now (``awaiting``: the alliance has an
    application open to changes and the row has neither been confirmed nor declined) and
    its open application (``open_filing_id``); awaited rows first."""
    if not (user.is_authenticated and user.is_lead_unit and user.organisation_id):
        return AllianceMember.objects.none()
    editable = Filing.objects.filter(
        alliance_id=OuterRef("alliance_id"), state__in=Filing.EDITABLE_STATES
    )
    return (
        AllianceMember.objects.filter(organisation_id=user.organisation_id)
        .exclude(alliance__lead_unit_id=user.organisation_id)
        .select_related("alliance", "alliance__lead_unit", "organisation", "confirmed_by")
        .annotate(
            open_filing_id=Subquery(editable.order_by("-pk").values("pk")[:1]),
            awaiting=Case(
                When(
                    Q(Exists(editable), confirmed_at__isnull=True, declined_at__isnull=True),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-awaiting", "-joined_at", "-pk")
    )
