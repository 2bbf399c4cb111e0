from django.shortcuts import render
from django.utils import timezone

from accounts.models import Jurisdiction, Role
from accounts.permissions import STAFF_ROLES, role_required

from ..dashboard import dashboard_data


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@role_required(*STAFF_ROLES, Role.COUNTY_REVIEWER)
def dashboard(request):
    """Municipal staff see the whole city (optionally one jurisdiction); a county reviewer
    sees the same charts limited to its own jurisdiction (the selectors scope it)."""
    this_year = timezone.localdate().year
    year = _int(request.GET.get("year"), this_year)
    year = min(max(year, 2018), this_year)  # the measures took effect in 2018
    jurisdiction = None
    jurisdictions = []
    if request.user.effective_role in STAFF_ROLES:
        jurisdictions = list(Jurisdiction.objects.all())
        chosen = _int(request.GET.get("jurisdiction"), None)
        jurisdiction = next((j for j in jurisdictions if j.pk == chosen), None)
    data = dashboard_data(request.user, year=year, jurisdiction=jurisdiction)
    return render(
        request,
        "portal/dashboard.html",
        {
            "data": data,
            "year": year,
            "years": range(this_year, 2017, -1),
            "jurisdictions": jurisdictions,
            "jurisdiction": jurisdiction,
            "scope": request.user.jurisdiction
            if request.user.effective_role == Role.COUNTY_REVIEWER
            else jurisdiction,
        },
    )
