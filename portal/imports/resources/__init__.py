"""The django-import-export resources of the import, one per sheet, in import order."""

from .alliances import AllianceResource, MemberResource
from .history import AwardResource, SummaryResource
from .units import OrganisationResource

RESOURCES = (
    OrganisationResource,
    AllianceResource,
    MemberResource,
    SummaryResource,
    AwardResource,
)
