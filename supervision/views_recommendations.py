"""Art. 17: recommending filed alliances to the province, the list, and its exports.

Municipal staff and administrators only; everyone else gets 403 (anonymous: login).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accounts.permissions import STAFF_ROLES, role_required
from filings.models import Alliance
from filings.selectors import alliances_visible_to

from .exports_recommendations import (
    export_filename,
    recommendations_pdf,
    recommendations_visible_to,
    recommendations_xlsx,
)
from .forms_recommendations import RecommendationFilter, RecommendationForm
from .services.recommendations import recommendation_create

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request):
    return RecommendationFilter(request.GET, queryset=recommendations_visible_to(request.user))


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987 filename*=utf-8''…, with an ASCII-safe fallback for old clients.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@role_required(*STAFF_ROLES)
def recommendation_list(request):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/recommendations/list.html",
        {"filter": filterset, "page_obj": page, "export_query": query.urlencode()},
    )


@role_required(*STAFF_ROLES)
def recommendation_new(request, alliance_pk):
    alliance = get_object_or_404(alliances_visible_to(request.user), pk=alliance_pk)
    is_filed = alliance.status == Alliance.Status.FILED
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation_create(
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
            "is_filed": is_filed,
            "previous": recommendations_visible_to(request.user).filter(alliance=alliance),
        },
    )


@role_required(*STAFF_ROLES)
def export_excel(request):
    queryset = _filtered(request).qs
    return _download(recommendations_xlsx(queryset), XLSX, export_filename("xlsx"))


@role_required(*STAFF_ROLES)
def export_pdf(request):
    queryset = _filtered(request).qs
    return _download(recommendations_pdf(queryset), "application/pdf", export_filename("pdf"))
