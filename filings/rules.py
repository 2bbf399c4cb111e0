"""Who may move a filing (``permission=``) and when the law lets it move (``conditions=``).

django-fsm calls permissions as ``f(filing, user)`` and conditions as ``f(filing)``.
"""


def is_lead_unit_of(filing, user) -> bool:
    # Art. 11: the lead unit applies, and only for its own alliance.
    return bool(
        user.is_authenticated
        and user.is_lead_unit
        and user.organisation_id == filing.alliance.lead_unit_id
    )


def is_county_reviewer_for(filing, user) -> bool:
    # Art. 11: the bureau of the lead unit's county or zone does the 初审.
    return bool(
        user.is_authenticated
        and user.is_county_reviewer
        and filing.jurisdiction_id is not None
        and user.jurisdiction_id == filing.jurisdiction_id
    )


def is_municipal_staff(filing, user) -> bool:
    return bool(user.is_authenticated and user.is_municipal_staff)


def is_reviewer_at_current_level(filing, user) -> bool:
    """Return and reject belong to whoever holds the filing now: county, then municipal."""
    if filing.state == "county_review":
        return is_county_reviewer_for(filing, user)
    if filing.state == "municipal_review":
        return is_municipal_staff(filing, user)
    return False


def policy_applies(filing) -> bool:
    """A first submission binds the filing to the version applied today; while the measures
    have lapsed and the portal refuses (PORTAL_POLICY_WHEN_LAPSED), there is none."""
    from policy import selectors

    return filing.policy_version_id is not None or selectors.applied() is not None


def conforms_to_art9(filing) -> bool:
    from .conformance import check_conformance

    return not any(result.failed for result in check_conformance(filing.alliance, filing))


def has_art8_category(filing) -> bool:
    from .conformance import filing_category_problem

    return filing_category_problem(filing) is None


def has_art10_materials(filing) -> bool:
    from .conformance import missing_materials

    return not missing_materials(filing)


def county_takes_part(filing) -> bool:
    jurisdiction = filing.alliance.lead_unit.jurisdiction
    return jurisdiction is not None and jurisdiction.enabled


def alliance_not_yet_filed(filing) -> bool:
    return filing.alliance.status == "unfiled"
