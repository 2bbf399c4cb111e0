"""联盟 and 成员单位: filed (or revoked) alliances with their original filing numbers, and
their members keyed by filing number and credit code."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from filings.models import Alliance, AllianceMember, Filing
from filings.numbering import parse_filing_number
from policy import selectors as policy_selectors
from supervision.models import RevocationCase

from .. import cells
from ..columns import ALLIANCES, MEMBERS
from .base import SheetResource

IMPORTED_FACTS = "历史数据导入：纸质备案时期已取消备案。"


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def closed_to_import(alliance) -> str:
    """Why the paper register may not add to a stored alliance ("" when it may): one filed
    through the portal keeps its members, summaries and subsidies in the portal's own
    audited paths (member confirmation, 重大事项报告, review, evaluation), and one with an
    open revocation case is in the bureau's hands (penetration test, issue 16)."""
    if alliance.portal_filed:
        return _("该联盟经本平台备案，其成员单位、年度总结和补贴只能在平台上办理，不能导入。")
    if alliance.open_case:
        return _("该联盟有尚未办结的取消备案案件，不能导入其记录。")
    return ""


def stored_alliances(ctx, numbers) -> list:
    """The portal's alliances of ``numbers``, each one the register may not add to noted in
    ``ctx.closed_numbers`` with why — whichever sheet first names it (a 联盟 row matching it
    must not open it to the later sheets: re-test, issue 16)."""
    stored = list(
        Alliance.objects.filter(filing_number__in=numbers)
        .select_related("lead_unit")
        .annotate(
            portal_filed=Exists(Filing.objects.filter(alliance=OuterRef("pk"))),
            open_case=Exists(
                RevocationCase.objects.filter(
                    alliance=OuterRef("pk"), state__in=RevocationCase.OPEN_STATES
                )
            ),
        )
    )
    ctx.closed_numbers.update(
        {a.filing_number: why for a in stored if (why := closed_to_import(a))}
    )
    return stored


class ReferenceMixin:
    """Rows of later sheets name a unit by credit code and an alliance by filing number:
    one the file creates, or one the portal holds already (read for the whole sheet)."""

    def load_references(self, dataset, *, numbers=None, codes=None) -> None:
        ctx = self.ctx
        if numbers:
            wanted = {cells.filing_number(v) for v in dataset[self.sheet.header(numbers)]}
            wanted -= ctx.alliances.keys() | ctx.refused_numbers
            stored = stored_alliances(ctx, wanted)
            ctx.alliances.update({a.filing_number: a for a in stored})
        if codes:
            wanted = {cells.compact_code(v) for v in dataset[self.sheet.header(codes)]}
            wanted -= ctx.orgs.keys()
            ctx.orgs.update({o.uscc: o for o in Organisation.objects.filter(uscc__in=wanted)})

    def organisation(self, row, key):
        code = self.cell(row, key, cells.credit_code)
        if code is None:
            return None
        org = self.ctx.orgs.get(code)
        if org is None:
            if code in self.ctx.refused_codes:
                self.refuse(key, _("该单位在“单位”表中的行有错误，请先改正那一行。"))
            else:
                self.refuse(key, _("系统和“单位”表中都没有该单位，请先在“单位”表中填写。"))
        return org

    def alliance(self, row, key="filing_number"):
        number = self.cell(row, key, cells.number)
        if number is None:
            return None
        alliance = self.ctx.alliances.get(number)
        if number in self.ctx.closed_numbers:
            self.refuse(key, self.ctx.closed_numbers[number])
            return None
        if alliance is None:
            if number in self.ctx.refused_numbers:
                self.refuse(key, _("该联盟在“联盟”表中的行有错误，请先改正那一行。"))
            else:
                self.refuse(key, _("系统和“联盟”表中都没有该备案编号的联盟。"))
        return alliance


class AllianceResource(ReferenceMixin, SheetResource):
    sheet = ALLIANCES

    class Meta(SheetResource.Meta):
        model = Alliance

    def prepare(self, dataset):
        numbers = {cells.filing_number(n) for n in dataset[self.sheet.header("filing_number")]}
        self.stored = {a.filing_number: a for a in stored_alliances(self.ctx, numbers)}
        self.revocations = []
        self.load_references(dataset, codes="lead_unit")

    def parse(self, row):
        lookups, today = self.ctx.lookups, self.ctx.today
        number = self.cell(row, "filing_number", cells.number)
        filed_on = self.cell(row, "filed_on", cells.date, today=today)
        status = self.cell(row, "status", cells.choice, lookups.statuses, what=_("备案状态"))
        values = {
            "name": self.cell(row, "name", cells.text, max_length=200),
            "lead_unit": self.organisation(row, "lead_unit"),
            "filing_number": number,
            "filed_on": filed_on,
            "status": status,
            "office_contact_name": self.cell(
                row, "office_contact_name", cells.text, required=False, max_length=50
            ),
            "office_contact_phone": self.cell(
                row, "office_contact_phone", cells.text, required=False, max_length=30
            ),
            "office_contact_email": self.cell(row, "office_contact_email", cells.email),
            "chairperson": self.cell(row, "chairperson", cells.text, required=False, max_length=50),
            "secretary_general": self.cell(
                row, "secretary_general", cells.text, required=False, max_length=50
            ),
        }
        values["category"] = self.category(row, filed_on)
        self.revocation = self.revocation_of(row, status, filed_on)
        if number is None or not self.once("filing_number", number):
            return values, None
        parsed = parse_filing_number(number)
        if parsed and filed_on and parsed[0] != filed_on.year:
            self.refuse(
                "filing_number",
                _("编号中的年份%(year)d与备案日期%(date)s不符。")
                % {"year": parsed[0], "date": filed_on.isoformat()},
            )
        existing = self.stored.get(number)
        if existing is not None and not self.same(existing, values):
            self.refuse(
                "filing_number",
                _("该备案编号已被系统中的“%(name)s”使用，一个编号不能用两次。")
                % {"name": existing.name},
            )
        return values, existing

    def same(self, existing, values) -> bool:
        """The stored alliance is this row's (imported before): same name and lead unit."""
        lead = values["lead_unit"]
        return existing.name == values["name"] and lead is not None and existing.lead_unit == lead

    def category(self, row, filed_on):
        key = self.cell(
            row, "category", cells.choice, self.ctx.lookups.categories, what=_("联盟类别")
        )
        if key is None or filed_on is None:
            return key
        version = policy_selectors.rules_on(filed_on)
        if key not in policy_selectors.keys(version, "categories"):
            self.refuse(
                "category",
                _("%(date)s适用的《%(version)s》中没有该联盟类别。")
                % {"date": filed_on.isoformat(), "version": version},
            )
        return key

    def revocation_of(self, row, status, filed_on):
        revoked_on = self.cell(row, "revoked_on", cells.date, today=self.ctx.today, required=False)
        ground = self.cell(
            row,
            "revocation_ground",
            cells.choice,
            self.ctx.lookups.grounds,
            required=False,
            what=_("取消备案情形"),
        )
        if status == Alliance.Status.REVOKED:
            if revoked_on is None and self.sheet.header("revoked_on") not in self._errors:
                self.refuse("revoked_on", _("已取消备案的联盟须填写取消备案日期。"))
            if ground is None and self.sheet.header("revocation_ground") not in self._errors:
                self.refuse("revocation_ground", _("已取消备案的联盟须选择取消备案情形。"))
            if revoked_on and filed_on and revoked_on < filed_on:
                self.refuse("revoked_on", _("取消备案日期早于备案日期。"))
            return (revoked_on, ground)
        if status == Alliance.Status.FILED and (revoked_on or ground):
            self.refuse("status", _("备案状态为“已备案”时，不应填写取消备案日期和情形。"))
        return None

    def created(self, row_result, row):
        super().created(row_result, row)
        if self.revocation is not None:
            self.revocations.append((self._new_instance, row, *self.revocation))

    def registered(self, instance):
        self.ctx.alliances[instance.filing_number] = instance

    def refused(self, row):
        self.ctx.refused_numbers.add(str(row[self.sheet.header("filing_number")]).strip())

    def finish(self):
        # What later sheets may name: the stored alliances this sheet matched (not one
        # whose number a refused row claimed for another alliance).
        refused = self.ctx.refused_numbers
        self.ctx.alliances.update({n: a for n, a in self.stored.items() if n not in refused})
        cases = [
            RevocationCase(
                alliance=alliance,
                grounds=[ground],
                facts=IMPORTED_FACTS,
                state=RevocationCase.State.REVOKED,
                opened_by=self.ctx.user,
                opened_at=noon(revoked_on),
                statement_deadline=revoked_on,
                decision_reasons=IMPORTED_FACTS,
                decided_at=noon(revoked_on),
                policy_version=policy_selectors.rules_on(revoked_on),
            )
            for alliance, _row, revoked_on, ground in self.revocations
        ]
        RevocationCase.objects.bulk_create(cases)
        for case, (_alliance, row, *_rest) in zip(cases, self.revocations, strict=True):
            self.ctx.created_record(case, self.sheet.title, row)

    def describe_new(self, values):
        return _("新建联盟：%(name)s（%(number)s，%(status)s）") % {
            "name": values["name"],
            "number": values["filing_number"],
            "status": Alliance.Status(values["status"]).label,
        }

    def describe_match(self, existing):
        return _("联盟已存在，未作更改：%(name)s（%(number)s）") % {
            "name": existing.name,
            "number": existing.filing_number,
        }


class MemberResource(ReferenceMixin, SheetResource):
    sheet = MEMBERS

    class Meta(SheetResource.Meta):
        model = AllianceMember

    def prepare(self, dataset):
        self.load_references(dataset, numbers="filing_number", codes="uscc")
        ids = [a.pk for a in self.ctx.alliances.values()]
        self.stored = {
            (m["alliance_id"], m["organisation_id"])
            for m in AllianceMember.objects.filter(alliance_id__in=ids).values(
                "alliance_id", "organisation_id"
            )
        }

    def parse(self, row):
        alliance = self.alliance(row)
        org = self.organisation(row, "uscc")
        role = self.cell(row, "role", cells.choice, self.ctx.lookups.roles, what=_("联盟内角色"))
        values = {
            "alliance": alliance,
            "organisation": org,
            "role": role,
            "charter_signed": self.cell(row, "charter_signed", cells.yes_no),
            "task_division": self.cell(
                row, "task_division", cells.text, required=False, max_length=2000
            ),
        }
        if alliance is None or org is None:
            return values, None
        is_lead = org.pk == alliance.lead_unit_id
        if role == AllianceMember.Role.LEAD and not is_lead:
            self.refuse(
                "role",
                _("该联盟的牵头单位是%(lead)s，不是本行的单位。")
                % {"lead": alliance.lead_unit.name},
            )
        elif role and role != AllianceMember.Role.LEAD and is_lead:
            self.refuse("role", _("该单位是联盟的牵头单位，角色应为“牵头单位”。"))
        if not self.once("uscc", (alliance.filing_number, org.uscc)):
            return values, None
        stored = (alliance.pk, org.pk) in self.stored
        return values, (AllianceMember(**values) if stored else None)

    def describe_new(self, values):
        return _("新增成员：%(alliance)s · %(org)s（%(role)s）") % {
            "alliance": values["alliance"].name,
            "org": values["organisation"].name,
            "role": AllianceMember.Role(values["role"]).label,
        }

    def describe_match(self, existing):
        return _("成员已存在，未作更改：%(alliance)s · %(org)s") % {
            "alliance": existing.alliance.name,
            "org": existing.organisation.name,
        }


def alliances_without_lead_member(alliances) -> list:
    """New alliances whose lead unit the 成员单位 sheet did not list (added as lead)."""
    ids = [a.pk for a in alliances]
    with_lead = set(
        AllianceMember.objects.filter(alliance_id__in=ids)
        .filter(Q(role=AllianceMember.Role.LEAD))
        .values_list("alliance_id", flat=True)
    )
    return [a for a in alliances if a.pk not in with_lead]
