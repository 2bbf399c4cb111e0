"""The public registry (名录) of filed alliances, their published awards and the list of
revocation decisions (取消备案公告). No login: everything here is public by design, so
every query starts from what may be published and selects only public fields.

See docs/registry.md for what is published and what is not.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.downloads import attachment_response
from filings.selectors import filed_under
from subsidies.selectors import published_awards

from ..api.throttling import DownloadRateThrottle, refused
from ..filters_registry import RegistryFilter
from ..registry_download import FORMATS
from ..selectors import public_alliances, public_revocations

PAGE_SIZE = 25

# GB/T 2260 province-level codes (first two digits of a credit code's division): the
# public page names a member's province when it is outside Baoding's jurisdictions.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip


def member_region(organisation) -> str:
    if organisation.jurisdiction_id:
        return organisation.jurisdiction.name
    return PROVINCES.get(organisation.province_code) or _("保定市外")


def registry(request):
    filterset = RegistryFilter(request.GET, queryset=public_alliances())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/list.html", {"filter": filterset, "page_obj": page})


def alliance(request, pk):
    alliance = get_object_or_404(public_alliances(), pk=pk)
    members = [(m, member_region(m.organisation)) for m in alliance.public_members]
    awards = published_awards().filter(application__alliance=alliance)
    context = {
        "alliance": alliance,
        "members": members,
        "awards": awards,
        "filed_under": filed_under(alliance),
    }
    return render(request, "registry/alliance.html", context)


def revocations(request):
    page = Paginator(public_revocations(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/revocations.html", {"page_obj": page})


@require_safe
def download(request, fmt):
    """The whole registry as a file, built now from the filed alliances (docs/api.md)."""
    if fmt not in FORMATS:
        raise Http404
    too_many = refused(DownloadRateThrottle(), request, _("下载过于频繁，请在 %(wait)d 秒后重试。"))
    if too_many:
        return too_many
    build, content_type = FORMATS[fmt]
    built_at = timezone.localtime()
    name = _("保定市产业创新战略联盟名录") + built_at.strftime("_%Y%m%d_%H%M%S.") + fmt
    # A CSV has no signature to detect; the xlsx is detected from its bytes like any file.
    built_as = (content_type, ".csv") if fmt == "csv" else None
    response = attachment_response(build(), name, built_as=built_as)
    response["Last-Modified"] = http_date(built_at.timestamp())
    return response
