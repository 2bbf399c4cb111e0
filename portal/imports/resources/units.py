"""单位: organisations by credit code. A code the portal already has is matched and left
as it is (a unit's legal facts change only through a decided change request)."""

from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.uscc import is_baoding_division, uscc_division

from .. import cells
from ..columns import ORGANISATIONS
from .base import SheetResource


class OrganisationResource(SheetResource):
    sheet = ORGANISATIONS

    class Meta(SheetResource.Meta):
        model = Organisation

    def prepare(self, dataset):
        header = self.sheet.header("uscc")
        codes = {cells.compact_code(v) for v in dataset[header]}
        for org in Organisation.objects.filter(uscc__in=codes):
            self.ctx.orgs[org.uscc] = org

    def parse(self, row):
        lookups = self.ctx.lookups
        code = self.cell(row, "uscc", cells.credit_code)
        values = {
            "name": self.cell(row, "name", cells.text, max_length=200),
            "uscc": code,
            "kind": self.cell(row, "kind", cells.choice, lookups.kinds, what=_("单位类型")),
            "industry": self.cell(
                row, "industry", cells.choice, lookups.industries, what=_("所属行业")
            ),
            "legal_representative": self.cell(
                row, "legal_representative", cells.text, max_length=50
            ),
            "address": self.cell(row, "address", cells.text, required=False, max_length=200),
            "contact_person": self.cell(
                row, "contact_person", cells.text, required=False, max_length=50
            ),
            "contact_phone": self.cell(
                row, "contact_phone", cells.text, required=False, max_length=30
            ),
        }
        chosen = self.cell(
            row,
            "jurisdiction",
            cells.choice,
            lookups.jurisdictions,
            required=False,
            what=_("县（市、区）/开发区"),
        )
        if code is None or not self.once("uscc", code):
            return values, None
        derived = self.ctx.jurisdiction_of(code)
        if chosen is not None and not is_baoding_division(uscc_division(code)):
            # Registered outside Baoding: no county of the city is its own (re-test).
            self.refuse(
                "jurisdiction",
                _("统一社会信用代码显示该单位登记在保定市外，不属于%(chosen)s，请留空。")
                % {"chosen": chosen.name},
            )
        elif chosen is not None and derived is not None and chosen != derived:
            self.refuse(
                "jurisdiction",
                _("统一社会信用代码显示该单位登记在%(derived)s，与填写的%(chosen)s不一致。")
                % {"derived": derived.name, "chosen": chosen.name},
            )
        values["jurisdiction"] = chosen or derived
        return values, self.ctx.orgs.get(code)

    def registered(self, instance):
        self.ctx.orgs[instance.uscc] = instance

    def refused(self, row):
        self.ctx.refused_codes.add(cells.compact_code(row[self.sheet.header("uscc")]))

    def describe_new(self, values):
        return _("新建单位：%(name)s（%(code)s）") % {
            "name": values["name"],
            "code": values["uscc"],
        }

    def describe_match(self, existing):
        return _("单位已存在，未作更改：%(name)s（%(code)s）") % {
            "name": existing.name,
            "code": existing.uscc,
        }
