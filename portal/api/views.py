"""The API's endpoints: GET (and HEAD, OPTIONS) only, the same for everyone."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound

from core.downloads import attachment_disposition
from filings.selectors import attach_category_versions
from policy.models import Ground
from subsidies.selectors import published_awards

from ..selectors import public_alliances, public_revocations
from .filters import AllianceFilter, AwardFilter, RevocationFilter
from .serializers import (
    AllianceDetailSerializer,
    AllianceSerializer,
    AwardSerializer,
    RevocationSerializer,
)
from .throttling import TooManyRequests

FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description=_("返回格式：json（默认）或 csv（UTF-8，带 BOM，可用 Excel 打开）"),
)


class PublicEndpoint:
    """Read only; a refusal of the rate limit says so in Chinese; CSV comes as a file."""

    http_method_names = ["get", "head", "options"]
    csv_name = "data"

    def throttled(self, request, wait):
        raise TooManyRequests(wait)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):  # not Django's English "No Alliance matches…"
            exc = NotFound()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
        ):
            response["Content-Disposition"] = attachment_disposition(self.csv_name, ".csv")
        return response


@extend_schema_view(
    list=extend_schema(
        summary=_("已备案联盟名录"),
        description=_(
            "与公开名录页相同：仅列出备案状态为“已备案”的联盟，按备案日期排列；"
            "可按名称（联盟、牵头单位或成员单位）、类别、牵头单位所在县（市、区）、备案年度筛选。"
        ),
        parameters=[FORMAT],
        tags=[_("联盟名录")],
    ),
    retrieve=extend_schema(
        summary=_("已备案联盟详情"),
        description=_("与名录中联盟详情页相同的公开信息；未备案或已取消备案的联盟返回 404。"),
        parameters=[FORMAT],
        tags=[_("联盟名录")],
    ),
)
class AllianceViewSet(PublicEndpoint, viewsets.ReadOnlyModelViewSet):
    filterset_class = AllianceFilter
    csv_name = "alliances"

    def get_queryset(self):
        return public_alliances()

    def get_serializer_class(self):
        return AllianceDetailSerializer if self.action == "retrieve" else AllianceSerializer

    def filter_queryset(self, queryset):
        if self.action == "retrieve":
            return queryset  # a record is found by its number, whatever the query string
        return super().filter_queryset(queryset)


@extend_schema(
    summary=_("取消备案公告"),
    description=_(
        "已决定取消备案的联盟：决定书文号、决定日期、联盟名称、原备案编号与取消情形，"
        "按决定日期倒序。立案中或决定不予取消的案件不公开。"
    ),
    parameters=[FORMAT],
    tags=[_("取消备案公告")],
)
class RevocationList(PublicEndpoint, generics.ListAPIView):
    serializer_class = RevocationSerializer
    filterset_class = RevocationFilter
    csv_name = "revocations"

    def get_queryset(self):
        return public_revocations()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["ground_texts"] = getattr(self, "_ground_texts", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The grounds' words of every version on the page, in one query.
        texts = {}
        versions = {case.policy_version_id for case in page or []}
        for version, key, text in Ground.objects.filter(version__in=versions).values_list(
            "version", "key", "text"
        ):
            texts.setdefault(version, {})[key] = text
        self._ground_texts = texts
        return page


@extend_schema(
    summary=_("联盟运行经费补贴结果"),
    description=_(
        "进入公示期或已办结批次的补贴结果，与补贴结果公示页相同；按年度、批次筛选。"
        "尚在准备、申报或评审中的批次不公开。"
    ),
    parameters=[FORMAT],
    tags=[_("补贴结果公示")],
)
class AwardList(PublicEndpoint, generics.ListAPIView):
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    csv_name = "awards"

    def get_queryset(self):
        return published_awards().order_by(
            "-application__round__year", "-application__round_id", "-amount_yuan", "pk"
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_category_versions([award.application.alliance for award in page or []])
        return page


class SchemaView(PublicEndpoint, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML by default, ``?format=json`` for JSON)."""
