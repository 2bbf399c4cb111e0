from .changes import OrganisationChange
from .people import Jurisdiction, Organisation, Role, User
from .registration import Registration

__all__ = ["Jurisdiction", "Organisation", "OrganisationChange", "Registration", "Role", "User"]
