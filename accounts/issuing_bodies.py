"""The bodies that issue documents in their own name, each with its signing certificate
(core.signing): the municipal bureau, and every county bureau that recommends filings."""

from django.conf import settings
from django.db import DatabaseError

from core.signing import MUNICIPAL
from core.signing_ca import Body


def issuing_bodies(*, enabled_only: bool = False) -> list[Body]:
    """The municipal bureau, then the jurisdictions' bureaus. Before the first migration
    (no table yet) the municipal bureau alone."""
    from .models import Jurisdiction

    bodies = [Body(MUNICIPAL, settings.PORTAL_BUREAU_NAME)]
    jurisdictions = Jurisdiction.objects.order_by("sort_order", "code")
    if enabled_only:
        jurisdictions = jurisdictions.filter(enabled=True)
    try:
        bodies += [Body(j.code, j.bureau_name) for j in jurisdictions]
    except DatabaseError:
        pass
    return bodies
