"""The reviewers' queues (Art. 11): the county's 初审 and the municipal 审核, oldest first."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import Role
from accounts.permissions import STAFF_ROLES, role_required

from .. import selectors
from ..filters import CountyQueueFilter, MunicipalQueueFilter

PAGE_SIZE = 25


def _queue(request, queryset, filter_class, *, title: str, municipal: bool):
    filterset = filter_class(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "municipal": municipal,
        "late_after_days": selectors.LATE_AFTER_DAYS,
        "title": title,
    }
    return render(request, "filings/review/queue.html", context)


@require_safe
@role_required(Role.COUNTY_REVIEWER)
def county_queue(request):
    """Art. 11 初审: only filings whose lead unit is in the reviewer's jurisdiction."""
    return _queue(
        request,
        selectors.county_queue(request.user),
        CountyQueueFilter,
        title=_("初审队列"),
        municipal=False,
    )


@require_safe
@role_required(*STAFF_ROLES)
def municipal_queue(request):
    """Art. 11 市级审核: recommended filings of every jurisdiction."""
    return _queue(
        request,
        selectors.municipal_queue(request.user),
        MunicipalQueueFilter,
        title=_("备案审核队列"),
        municipal=True,
    )
