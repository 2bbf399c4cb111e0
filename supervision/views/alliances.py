"""Alliance records under supervision (Art. 12), liaison officers (Art. 16), compliance."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Jurisdiction, Role
from accounts.permissions import STAFF_ROLES, role_required
from core.refusals import REFUSALS, show_refusal
from filings.models import Alliance
from filings.selectors import alliances_visible_to

from .. import selectors, services
from ..filters import AllianceFilter
from ..models import RevocationCase
from .common import PAGE_SIZE, READERS

# The record as filed (Art. 9) and as changed since (Art. 12(2)).
PROFILE_FIELDS = [
    "name",
    "category",
    "lead_unit",
    "industry_chain",
    "innovation_goals",
    "beijing_tianjin_partners",
    "decision_body",
    "executive_body",
    "liable_entity",
    "chairperson",
    "secretary_general",
    "office_address",
    "office_fulltime_staff",
    "office_contact_name",
    "office_contact_phone",
    "office_contact_email",
    "funding_rules",
    "ip_mechanism",
    "openness_mechanism",
]


@role_required(*READERS)
def alliance_list(request):
    user = request.user
    filterset = AllianceFilter(
        request.GET,
        queryset=selectors.supervised_alliances(user),
        show_jurisdiction=user.effective_role in STAFF_ROLES,
        show_liaison=user.effective_role != Role.LEAD_UNIT,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "supervision/alliances/list.html", {"filter": filterset, "page_obj": page}
    )


def _profile(alliance):
    rows = []
    for name in PROFILE_FIELDS:
        field = alliance._meta.get_field(name)
        if name == "category":
            value = alliance.category_title  # the title of its policy version
        elif field.choices:
            value = getattr(alliance, f"get_{name}_display")()
        else:
            value = getattr(alliance, name)
        rows.append((field.verbose_name, "—" if value in (None, "") else value))
    return rows


def _summary_years(alliance):
    if alliance.filed_on is None:
        return []
    return list(range(timezone.localdate().year, alliance.filed_on.year - 1, -1))


@role_required(*READERS)
def alliance_detail(request, pk):
    user = request.user
    alliance = get_object_or_404(
        alliances_visible_to(user).select_related("liaison_officer"), pk=pk
    )
    is_filed = alliance.status == Alliance.Status.FILED
    is_staff = user.is_municipal_staff
    is_own_lead = user.is_lead_unit and user.organisation_id == alliance.lead_unit_id
    years = _summary_years(alliance)
    cases = list(selectors.cases_visible_to(user).filter(alliance=alliance))
    context = {
        "alliance": alliance,
        "profile": _profile(alliance),
        "members": alliance.members.select_related("organisation"),
        "history": selectors.alliance_history(alliance),
        "summaries": selectors.summaries_visible_to(user).filter(alliance=alliance),
        "events": selectors.events_visible_to(user).filter(alliance=alliance),
        "cases": cases,
        "invitations": selectors.invitations_of(alliance),
        "open_case": next((c for c in cases if c.state in RevocationCase.OPEN_STATES), None),
        "can_assign_liaison": is_staff and is_filed,
        "officers": selectors.liaison_officers() if is_staff and is_filed else [],
        "can_open_case": is_staff and is_filed,
        # Art. 17: recommend a filed alliance to the province; the audit dossier of any.
        "can_recommend": is_staff and is_filed,
        "can_build_dossier": is_staff,
        "can_report": is_own_lead and is_filed,
        "summary_years": years,
        "default_year": years[1] if len(years) > 1 else (years[0] if years else None),
    }
    return render(request, "supervision/alliances/detail.html", context)


@require_POST
@role_required(Role.MUNICIPAL_STAFF)
def liaison_assign(request, pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=pk)
    officer_id = request.POST.get("officer", "").strip()
    officer = selectors.user_named_by(officer_id) if officer_id else None
    if officer_id and officer is None:
        messages.error(request, _("所选人员不存在，请重新选择。"))
        return redirect("supervision:alliance_detail", pk=alliance.pk)
    try:
        services.liaison_assign(alliance=alliance, by=request.user, officer=officer)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        if officer is None:
            messages.success(request, _("已取消该联盟的科技联络员。"))
        else:
            messages.success(
                request,
                _("已指定%(officer)s为该联盟的科技联络员。") % {"officer": officer.get_full_name()},
            )
    return redirect("supervision:alliance_detail", pk=alliance.pk)


# The compliance view's ?status=: its label and the rows it keeps (selectors.compliance's
# annotations).
COMPLIANCE_STATUSES = {
    "missing": (gettext_lazy("未提交"), {"handed_in": False}),
    "late": (gettext_lazy("逾期提交"), {"handed_in": True, "on_time": False}),
    "on_time": (gettext_lazy("按期提交"), {"on_time": True}),
}


def _year(value, default):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2018 <= year <= default + 1 else default


@role_required(*STAFF_ROLES, Role.COUNTY_REVIEWER)
def compliance_view(request):
    user = request.user
    last_year = timezone.localdate().year - 1
    year = _year(request.GET.get("year"), last_year)
    jurisdictions, jurisdiction = [], None
    if user.effective_role in STAFF_ROLES:
        jurisdictions = Jurisdiction.objects.all()
        code = request.GET.get("jurisdiction", "")
        jurisdiction = next((j for j in jurisdictions if j.code == code), None)
    # A county reviewer's scope is its own jurisdiction already (selectors).
    report = selectors.compliance(user, year, jurisdiction)
    rows, totals = report["rows"], report["totals"]
    # Which alliances the table lists: the home's card "N 个联盟未提交" opens the N.
    status = request.GET.get("status", "")
    if status in COMPLIANCE_STATUSES:
        rows = rows.filter(**COMPLIANCE_STATUSES[status][1])
    else:
        status = ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/alliances/compliance.html",
        {
            "year": year,
            "due": report["due"],
            "totals": totals,
            "page_obj": page,
            "years": list(range(last_year + 1, 2017, -1)),
            "jurisdictions": jurisdictions,
            "jurisdiction": jurisdiction,
            "status": status,
            "statuses": [(key, label) for key, (label, _q) in COMPLIANCE_STATUSES.items()],
        },
    )
