from .changes import OrganisationChange
from .people import Jurisdiction, Organisation, Role, User

__all__ = ["Jurisdiction", "Organisation", "OrganisationChange", "Role", "User"]
