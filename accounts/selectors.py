from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Organisation, OrganisationChange, Registration, Role, User


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations a user may list: all for the municipal bureau, its own area for a county."""
    qs = Organisation.objects.select_related("jurisdiction")
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if role == Role.COUNTY_REVIEWER:
        return qs.filter(jurisdiction_id=user.jurisdiction_id)
    if role in (Role.LEAD_UNIT, Role.EVALUATOR):
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def organisation_changes_visible_to(user: User) -> QuerySet[OrganisationChange]:
    """Change requests a user may read: all for the municipal bureau; for a county, those
    of its units (and of units that were its own when they asked, e.g. to move away);
    for a lead unit, its own."""
    qs = OrganisationChange.objects.select_related(
        "organisation",
        "organisation__jurisdiction",
        "old_jurisdiction",
        "new_jurisdiction",
        "requested_by",
        "decided_by",
    )
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if role == Role.COUNTY_REVIEWER and user.jurisdiction_id:
        return qs.filter(
            Q(organisation__jurisdiction_id=user.jurisdiction_id)
            | Q(old_jurisdiction_id=user.jurisdiction_id)
        )
    if role == Role.LEAD_UNIT:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def organisation_changes_queue(user: User) -> QuerySet[OrganisationChange]:
    """The list page's order: pending requests first, then the decided; newest first."""
    pending_first = Case(
        When(state=OrganisationChange.State.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return organisation_changes_visible_to(user).order_by(pending_first, "-requested_at", "-pk")


def pending_organisation_changes(user: User) -> QuerySet[OrganisationChange]:
    return organisation_changes_visible_to(user).filter(state=OrganisationChange.State.PENDING)


def unit_users(user: User) -> QuerySet[User]:
    """The users of ``user``'s own unit (lead or member unit), for any of them to list:
    the administrator first, then the active, then the removed."""
    if user.effective_role != Role.LEAD_UNIT or not user.organisation_id:
        return User.objects.none()
    return User.objects.filter(role=Role.LEAD_UNIT, organisation_id=user.organisation_id).order_by(
        "-is_unit_admin", "-is_active", "last_name", "first_name", "username", "pk"
    )


def unit_activity(user: User):
    """What the users of ``user``'s unit did: the log entries they are the actor of,
    newest first. For the unit's administrator only (the page checks)."""
    from audit.models import AuditEntry

    if user.effective_role != Role.LEAD_UNIT or not user.organisation_id:
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(
            actor__role=Role.LEAD_UNIT, actor__organisation_id=user.organisation_id
        )
        .select_related("actor", "content_type")
        .order_by("-at", "-pk")
    )


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    """Unit registrations a user may read: all for the municipal bureau (it alone decides
    those outside Baoding); for a county, those naming its jurisdiction (归口审核), and
    those its credit code places there that the applicant moved to another county (read
    only: the county the code names sees where its units are being registered)."""
    qs = Registration.objects.select_related("jurisdiction", "derived_jurisdiction", "decided_by")
    role = user.effective_role
    if role in (Role.MUNICIPAL_STAFF, Role.ADMIN):
        return qs
    if role == Role.COUNTY_REVIEWER and user.jurisdiction_id:
        return qs.filter(
            Q(jurisdiction_id=user.jurisdiction_id)
            | Q(derived_jurisdiction_id=user.jurisdiction_id)
        )
    return qs.none()


def pending_registrations(user: User) -> QuerySet[Registration]:
    """The registrations waiting for ``user``'s decision: a county's own; the municipal
    bureau's own are those outside Baoding (it may decide any, but a county's queue is
    the county's work, not the bureau's to-do)."""
    return registrations_visible_to(user).filter(awaiting_decision_q(user))


def awaiting_decision_q(user: User) -> Q:
    """``pending_registrations`` as a condition on ``registrations_visible_to(user)``: the
    registration list's 待本部门审核 filter shows exactly the to-do list's count."""
    pending = Q(state=Registration.State.PENDING)
    if user.effective_role == Role.COUNTY_REVIEWER:
        return pending & Q(jurisdiction_id=user.jurisdiction_id)
    return pending & Q(jurisdiction__isnull=True)
