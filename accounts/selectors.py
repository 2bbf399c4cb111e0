from django.db.models import QuerySet

from .models import Organisation, Role, User


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
