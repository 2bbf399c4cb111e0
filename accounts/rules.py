"""Who may change what about an organisation: permissions (``f(record, user)``) and
conditions (``f(record)``) of the OrganisationChange state machine, and the checks the
services and pages share."""


def is_lead_unit_of(organisation_id, user) -> bool:
    return bool(
        user.is_authenticated and user.is_lead_unit and user.organisation_id == organisation_id
    )


def may_edit_contact(organisation, user) -> bool:
    """Contact details: the unit itself, and the bureau's staff and administrators."""
    if not user.is_authenticated:
        return False
    if user.is_municipal_staff or user.is_administrator:
        return True
    return is_lead_unit_of(organisation.pk, user)


def may_request_change(organisation, user) -> bool:
    """A change of the unit's legal facts is asked for by the unit itself."""
    return is_lead_unit_of(organisation.pk, user)


def may_record_change(organisation, user) -> bool:
    """Municipal staff change a unit's legal facts themselves (decided as they record it)."""
    return bool(user.is_authenticated and user.is_municipal_staff)


# --- OrganisationChange transitions ----------------------------------------------------


def may_decide_change(change, user) -> bool:
    """Municipal staff decide every change; the county bureau of the unit's current
    jurisdiction decides its own units' changes, except a move to another jurisdiction,
    which takes the unit (and its alliances) out of the county's scope: municipal only."""
    if not user.is_authenticated:
        return False
    if user.is_municipal_staff:
        return True
    jurisdiction_id = change.organisation.jurisdiction_id
    return bool(
        user.is_county_reviewer
        and jurisdiction_id is not None
        and user.jurisdiction_id == jurisdiction_id
        and not change.moves_jurisdiction
    )


def is_requesting_unit(change, user) -> bool:
    return is_lead_unit_of(change.organisation_id, user)


def facts_unchanged_since_request(change) -> bool:
    """The request was made against the facts as they stand: approving it after they
    changed would silently undo the later change."""
    return change.old_facts() == change.current_facts()


# --- Registration transitions ------------------------------------------------------------


def may_decide_registration(registration, user) -> bool:
    """归口审核: the county bureau of the jurisdiction the registration names decides it;
    municipal staff decide every registration (and alone those outside Baoding, which
    have no county)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_municipal_staff:
        return True
    return bool(
        user.is_county_reviewer
        and registration.jurisdiction_id is not None
        and user.jurisdiction_id == registration.jurisdiction_id
    )


def is_unit_admin_of(organisation_id, user) -> bool:
    """The unit's administrator (单位管理员): adds and removes the unit's users, hands the
    role over, confirms the unit's memberships (Art. 9(3))."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_lead_unit
        and user.is_unit_admin
        and user.organisation_id == organisation_id
    )
