"""What the API emits of each record: the fields the public pages show, by name.

Adding a field here publishes it: it must be on the record's public page
(templates/registry/, templates/subsidies/public/), and the field comparison test
(tests/portal/api/test_public_fields.py) fails otherwise.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from filings.selectors import filed_under
from subsidies.models import SubsidyRound

from ..views.registry import member_region


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="organisation.name", help_text=_("成员单位名称"))
    kind = serializers.CharField(
        source="organisation.get_kind_display",
        help_text=_("单位类型（企业、高等学校、科研机构、其他）"),
    )
    role = serializers.CharField(source="get_role_display", help_text=_("联盟内角色"))
    region = serializers.SerializerMethodField(help_text=_("所在地区（县（市、区）或省份）"))

    def get_region(self, member) -> str:
        return str(member_region(member.organisation))


class AllianceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("联盟编号（名录详情页地址中的数字）"))
    name = serializers.CharField(help_text=_("联盟名称"))
    category = serializers.CharField(source="category_title", help_text=_("联盟类别"))
    lead_unit = serializers.CharField(source="lead_unit.name", help_text=_("牵头单位"))
    lead_unit_region = serializers.CharField(
        source="lead_unit.jurisdiction.name",
        default=None,
        allow_null=True,
        help_text=_("牵头单位所在县（市、区）"),
    )
    members = MemberSerializer(many=True, source="public_members", help_text=_("成员单位"))
    filing_number = serializers.CharField(allow_null=True, help_text=_("备案编号"))
    filed_on = serializers.DateField(allow_null=True, help_text=_("备案日期"))
    page_url = serializers.SerializerMethodField(help_text=_("名录中的详情页"))

    def get_page_url(self, alliance) -> str:
        path = reverse("registry:alliance", args=[alliance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AllianceDetailSerializer(AllianceSerializer):
    filed_under = serializers.SerializerMethodField(help_text=_("备案依据（适用的实施办法）"))
    industry_chain = serializers.CharField(help_text=_("产业创新链及构建任务"))
    innovation_goals = serializers.CharField(help_text=_("创新目标"))

    def get_filed_under(self, alliance) -> str | None:
        version = filed_under(alliance)
        return version.citation if version else None


class RevocationSerializer(serializers.Serializer):
    decision_number = serializers.CharField(help_text=_("取消备案决定书文号"))
    decided_on = serializers.SerializerMethodField(help_text=_("决定日期"))
    alliance_name = serializers.CharField(source="alliance.name", help_text=_("联盟名称"))
    filing_number = serializers.CharField(
        source="alliance.filing_number", allow_null=True, help_text=_("原备案编号")
    )
    grounds = serializers.SerializerMethodField(help_text=_("取消备案情形（实施办法第十三条）"))

    def get_decided_on(self, case) -> str | None:
        return timezone.localdate(case.decided_at).isoformat() if case.decided_at else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_grounds(self, case) -> list:
        texts = self.context["ground_texts"].get(case.policy_version_id, {})
        return [texts.get(key, key) for key in case.grounds]


class AwardSerializer(serializers.Serializer):
    round_id = serializers.IntegerField(source="application.round_id", help_text=_("批次编号"))
    round_title = serializers.CharField(source="application.round.title", help_text=_("批次"))
    year = serializers.IntegerField(source="application.round.year", help_text=_("年度"))
    round_status = serializers.SerializerMethodField(help_text=_("公示中或已办结"))
    notice_starts_on = serializers.DateField(
        source="application.round.notice_starts_on", allow_null=True, help_text=_("公示期开始日期")
    )
    notice_ends_on = serializers.DateField(
        source="application.round.notice_ends_on", allow_null=True, help_text=_("公示期结束日期")
    )
    alliance_name = serializers.CharField(
        source="application.alliance.name", help_text=_("联盟名称")
    )
    lead_unit = serializers.CharField(
        source="application.alliance.lead_unit.name", help_text=_("牵头单位")
    )
    category = serializers.CharField(
        source="application.alliance.category_title", help_text=_("联盟类别")
    )
    amount_yuan = serializers.IntegerField(help_text=_("补贴金额（元）"))

    def get_round_status(self, award) -> str:
        if award.application.round.state == SubsidyRound.State.NOTICE:
            return gettext("公示中")
        return gettext("已办结")
