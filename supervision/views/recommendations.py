"""Art. 17: recommending filed alliances to the province, the list, and its exports.

Municipal staff and administrators only; everyone else gets 403 (anonymous: login).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import STAFF_ROLES, role_required
from core.downloads import attachment_response
from filings.models import Alliance
from filings.selectors import (
    alliances_visible_to,
    hand_down_category_versions,
    with_category_version,
)

from .. import services
from ..exports_recommendations import export_filename, recommendations_pdf, recommendations_xlsx
from ..filters import RecommendationFilter
from ..forms.recommendations import RecommendationForm
from ..models import AnnualSummary
from ..models.summaries import owes_summary_q
from ..selectors import recommendations_visible_to
from .common import PAGE_SIZE


def _filtered(request):
    return RecommendationFilter(request.GET, queryset=recommendations_visible_to(request.user))


@role_required(*STAFF_ROLES)
def recommendation_list(request):
    filterset = _filtered(request)
    rows = with_category_version(filterset.qs, through="alliance")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = hand_down_category_versions(page.object_list, "alliance")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/recommendations/list.html",
        {"filter": filterset, "page_obj": page, "export_query": query.urlencode()},
    )


@role_required(*STAFF_ROLES)
def recommendation_candidates(request):
    """Which alliances may be recommended (Art. 17: filed ones), each with what speaks for
    it — last year's annual summary and earlier recommendations — and a 推荐 button."""
    last_year = timezone.localdate().year - 1
    summary = AnnualSummary.objects.filter(alliance=OuterRef("pk"), year=last_year)
    alliances = (
        alliances_visible_to(request.user)
        .filter(status=Alliance.Status.FILED)
        .select_related("lead_unit")
        .annotate(
            summary_state=Subquery(summary.values("state")[:1]),
            # Filed after that year: nothing owed (the one rule, issue 15 item 1).
            owes=ExpressionWrapper(owes_summary_q(last_year), output_field=BooleanField()),
            times_recommended=Count("provincial_recommendations"),
            last_recommended=Max("provincial_recommendations__recommended_on"),
        )
        .order_by("name", "pk")
    )
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        alliances = alliances.filter(name__icontains=query)
    page = Paginator(with_category_version(alliances), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    states = dict(AnnualSummary.State.choices)
    for alliance in page.object_list:
        if alliance.summary_state:
            alliance.summary_label = states[alliance.summary_state]
        else:
            alliance.summary_label = _("未提交") if alliance.owes else _("无需提交")
    return render(
        request,
        "supervision/recommendations/candidates.html",
        {"page_obj": page, "q": query, "summary_year": last_year},
    )


@role_required(*STAFF_ROLES)
def recommendation_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_create(
                alliance=alliance,
                by=request.user,
                kind=data["kind"],
                note=data["note"],
                recommended_on=data["recommended_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("已将“%(name)s”列入省级推荐名单。") % {"name": alliance.name}
            )
            return redirect("recommendations:list")
    return render(
        request,
        "supervision/recommendations/new.html",
        {
            "form": form,
            "alliance": alliance,
            "is_filed": alliance.status == Alliance.Status.FILED,
            "previous": recommendations_visible_to(request.user).filter(alliance=alliance),
        },
    )


@role_required(*STAFF_ROLES)
def export_excel(request):
    queryset = _filtered(request).qs
    return attachment_response(recommendations_xlsx(queryset), export_filename("xlsx"))


@role_required(*STAFF_ROLES)
def export_pdf(request):
    queryset = _filtered(request).qs
    return attachment_response(recommendations_pdf(queryset), export_filename("pdf"))
