"""年度总结 and 补贴: the annual summaries and the operating subsidies of past years.

A past award needs an application in a round (``subsidies``): each year's imported
awards go into one round of that year marked ``imported`` (办结, no window, no
evaluation), created the first time an award of that year is imported (docs/decisions.md)."""

import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from policy import selectors as policy_selectors
from subsidies.models import Application, Award, SubsidyRound
from supervision.models import AnnualSummary
from supervision.services.summaries import NUMBER_FIELDS

from .. import cells
from ..columns import AWARDS, SUMMARIES
from .alliances import ReferenceMixin, noon
from .base import SheetResource

FIRST_YEAR = 2016


class YearMixin:
    def year_of(self, row, alliance, *, latest):
        year = self.cell(
            row, "year", cells.whole_number, required=True, minimum=FIRST_YEAR, maximum=latest
        )
        if year and alliance is not None and alliance.filed_on and year < alliance.filed_on.year:
            self.refuse(
                "year",
                _("该联盟%(filed)d年备案，没有%(year)d年度的记录。")
                % {"filed": alliance.filed_on.year, "year": year},
            )
        return year


class SummaryResource(YearMixin, ReferenceMixin, SheetResource):
    sheet = SUMMARIES

    class Meta(SheetResource.Meta):
        model = AnnualSummary

    FIGURES = NUMBER_FIELDS

    def prepare(self, dataset):
        self.load_references(dataset, numbers="filing_number")
        ids = [a.pk for a in self.ctx.alliances.values()]
        self.stored = set(
            AnnualSummary.objects.filter(alliance_id__in=ids).values_list("alliance_id", "year")
        )

    def parse(self, row):
        today = self.ctx.today
        alliance = self.alliance(row)
        # A year's summary is handed in the following year: the last full year at most.
        year = self.year_of(row, alliance, latest=today.year - 1)
        submitted = self.cell(row, "submitted_on", cells.date, today=today)
        accepted = self.cell(row, "accepted_on", cells.date, today=today, required=False)
        if submitted and year and submitted.year < year:
            self.refuse("submitted_on", _("提交日期早于所总结的年度。"))
        if submitted and accepted and accepted < submitted:
            self.refuse("accepted_on", _("受理日期早于提交日期。"))
        values = {
            "alliance": alliance,
            "year": year,
            "state": AnnualSummary.State.ACCEPTED if accepted else AnnualSummary.State.SUBMITTED,
            "submitted_at": noon(submitted) if submitted else None,
            "accepted_at": noon(accepted) if accepted else None,
            "work_done": self.cell(row, "work_done", cells.text, required=False, max_length=5000),
        }
        for key in self.FIGURES:
            values[key] = self.cell(row, key, cells.whole_number, maximum=10**15)
        if alliance is None or year is None:
            return values, None
        if not self.once("year", (alliance.filing_number, year)):
            return values, None
        stored = (alliance.pk, year) in self.stored
        return values, (AnnualSummary(**values) if stored else None)

    def describe_new(self, values):
        return _("新增年度总结：%(alliance)s %(year)d年度（%(state)s）") % {
            "alliance": values["alliance"].name,
            "year": values["year"],
            "state": AnnualSummary.State(values["state"]).label,
        }

    def describe_match(self, existing):
        return _("年度总结已存在，未作更改：%(alliance)s %(year)d年度") % {
            "alliance": existing.alliance.name,
            "year": existing.year,
        }


class AwardResource(YearMixin, ReferenceMixin, SheetResource):
    """Saved row by row (an award needs its application's key): past awards are few."""

    sheet = AWARDS

    class Meta(SheetResource.Meta):
        model = Award
        use_bulk = False

    def prepare(self, dataset):
        self.load_references(dataset, numbers="filing_number")
        ids = [a.pk for a in self.ctx.alliances.values()]
        self.stored = set(
            Award.objects.filter(application__alliance_id__in=ids).values_list(
                "application__alliance_id", "application__round__year"
            )
        )
        self.rounds = {r.year: r for r in SubsidyRound.objects.filter(imported=True)}
        # A year the portal ran a round of its own is decided there, not on paper.
        self.portal_years = set(
            SubsidyRound.objects.filter(imported=False).values_list("year", flat=True)
        )
        self.added = {}  # year → yuan added to that year's round

    def parse(self, row):
        today = self.ctx.today
        alliance = self.alliance(row)
        # Past years only: this year's subsidies go through a round (evaluation, 公示).
        year = self.year_of(row, alliance, latest=today.year - 1)
        if year in self.portal_years:
            self.refuse(
                "year",
                _("%(year)d年度的补贴已在平台上评审（有该年度的补贴批次），不能导入。")
                % {"year": year},
            )
            year = None
        values = {
            "alliance": alliance,
            "year": year,
            "amount_yuan": self.cell(
                row, "amount_yuan", cells.whole_number, required=True, minimum=1, maximum=2**31 - 1
            ),
            "notice_number": self.cell(
                row, "notice_number", cells.text, required=False, max_length=50
            ),
            "disbursed_on": self.cell(row, "disbursed_on", cells.date, today=today, required=False),
        }
        if alliance is None or year is None:
            return values, None
        if not self.once("year", (alliance.filing_number, year)):
            return values, None
        return values, (values if (alliance.pk, year) in self.stored else None)

    def build(self, values):
        year = values["year"]
        application = Application(
            round=self.round_of(year),
            alliance=values["alliance"],
            state=Application.State.SUBMITTED,
            created_by=self.ctx.user,
            summary=_("历史数据导入"),
        )
        award = Award(
            application=application,
            amount_yuan=values["amount_yuan"],
            decided_by=self.ctx.user,
            notice_number=values["notice_number"] or "",
            disbursed_on=values["disbursed_on"],
            disbursed_yuan=values["amount_yuan"] if values["disbursed_on"] else None,
        )
        return award

    def do_instance_save(self, instance, is_create):
        application = instance.application
        application.save()
        instance.application = application
        instance.save(force_insert=True)
        self.ctx.created_record(application, self.sheet.title, self._row)
        year = application.round.year
        self.added[year] = self.added.get(year, 0) + instance.amount_yuan

    def round_of(self, year: int) -> SubsidyRound:
        if year not in self.rounds:
            self.rounds[year] = SubsidyRound.objects.create(
                year=year,
                title=_("%(year)d年度联盟运行经费补贴（历史数据导入）") % {"year": year},
                budget_yuan=0,
                evaluators_per_application=0,
                notice_working_days=0,
                policy_version=policy_selectors.rules_on(datetime.date(year, 12, 31)),
                state=SubsidyRound.State.FINAL,
                finalised_at=timezone.now(),
                created_by=self.ctx.user,
                imported=True,
            )
            self.ctx.created_record(self.rounds[year], self.sheet.title, None)
        return self.rounds[year]

    def finish(self):
        for year, added in self.added.items():
            round_ = self.rounds[year]
            SubsidyRound.objects.filter(pk=round_.pk).update(budget_yuan=F("budget_yuan") + added)
            record(
                subject=round_,
                action="import_total",
                action_label=gettext_lazy("导入历史补贴，批次总额增加"),
                actor=self.ctx.user,
                reason=in_log_language(
                    lambda added=added: (
                        _("增加%(yuan)d元，文件SHA-256：%(sha)s")
                        % {"yuan": added, "sha": self.ctx.sha256}
                    )
                ),
            )

    def describe_new(self, values):
        return _("新增补贴：%(alliance)s %(year)d年度 %(amount)d元") % {
            "alliance": values["alliance"].name,
            "year": values["year"],
            "amount": values["amount_yuan"],
        }

    def describe_match(self, existing):
        return _("补贴已存在，未作更改：%(alliance)s %(year)d年度") % {
            "alliance": existing["alliance"].name,
            "year": existing["year"],
        }
