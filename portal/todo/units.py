"""The units' to-do lists: the lead unit's and the evaluator's."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_unit_admin_of
from filings import selectors as filing_selectors
from filings.filters import MembershipFilter, MyFilingFilter
from subsidies import selectors as subsidy_selectors
from subsidies.filters import AssignmentFilter
from supervision import selectors as supervision_selectors
from supervision.filters import EventFilter, SummaryFilter

from .items import TODO_ROWS, TodoItem, TodoRow, cases_item, list_item, present, returned_row


def lead_unit_todo(user) -> list[TodoItem]:
    """A lead unit: drafts, what was returned (with the reason), summaries due (with their
    date), cases waiting for its 陈述申辩 (with the deadline), memberships to confirm."""
    filings = filing_selectors.filings_visible_to(user).order_by("-created_at")
    summaries = supervision_selectors.summaries_visible_to(user).order_by(
        "year", "alliance__name", "pk"
    )
    events = supervision_selectors.events_visible_to(user).order_by("-created_at", "-pk")

    def filing_item(key, label, state, row):
        return list_item(key, label, "filings:mine", {"state": state}, MyFilingFilter, filings, row)

    def summary_item(key, label, state, row, **kwargs):
        return list_item(
            key,
            label,
            "supervision:summary_list",
            {"state": state},
            SummaryFilter,
            summaries,
            row,
            **kwargs,
        )

    def event_item(key, label, state, row=None):
        return list_item(
            key, label, "supervision:event_list", {"state": state}, EventFilter, events, row
        )

    items = [
        filing_item(
            "filing_drafts",
            _("未提交的备案申请草稿"),
            "draft",
            lambda f: TodoRow(f.alliance.name, reverse("filings:edit", args=[f.pk])),
        ),
        filing_item(
            "filings_returned",
            _("退回修改的备案申请"),
            "returned",
            lambda f: returned_row("filings:edit", f, f.alliance.name),
        ),
        _summaries_due(user, summary_item),
        summary_item(
            "summaries_returned",
            _("退回修改的年度工作总结"),
            "returned",
            lambda s: returned_row(
                "supervision:summary_edit", s, _summary_title(s.alliance, s.year)
            ),
        ),
        event_item("event_drafts", _("未提交的重大事项报告草稿"), "draft"),
        event_item(
            "events_returned",
            _("退回修改的重大事项报告"),
            "returned",
            lambda e: returned_row("supervision:event_edit", e, f"{e.alliance.name} · {e.title}"),
        ),
        cases_item(
            user,
            "cases_statement_due",
            _("取消备案告知：待陈述申辩"),
            supervision_selectors.CASE_STATEMENT_DUE,
        ),
    ]
    if is_unit_admin_of(user.organisation_id, user):
        items.append(
            list_item(
                "memberships_awaiting",
                _("待本单位确认的联盟成员身份"),
                "filings:memberships",
                {"status": "awaiting"},
                MembershipFilter,
                filing_selectors.memberships_of(user),
            )
        )
    return present(items)


def _summary_title(alliance, year) -> str:
    return _("%(alliance)s %(year)s年度") % {"alliance": alliance.name, "year": year}


def _summary_row(alliance, year, due, pk=None) -> TodoRow:
    """A summary due: to continue (a draft) or to start (the summaries page's 填报)."""
    url = (
        reverse("supervision:summary_edit", args=[pk])
        if pk
        else reverse("supervision:summary_list")
    )
    return TodoRow(
        text=_summary_title(alliance, year),
        url=url,
        date=due,
        date_label=_("报送截止"),
        late=due < timezone.localdate(),
    )


def _summaries_due(user, summary_item) -> TodoItem:
    """The years not yet started (the summaries page lists them above its table) and the
    drafts (the table, filtered to drafts), earliest due first."""
    missing = supervision_selectors.summaries_missing(user)
    due = summary_item(
        "summaries_due",
        _("待提交的年度工作总结"),
        "draft",
        lambda s: _summary_row(s.alliance, s.year, s.due_date, s.pk),
        extra=len(missing),
    )
    started = due.rows
    due.rows = sorted(
        [_summary_row(r["alliance"], r["year"], r["due"]) for r in missing] + started,
        key=lambda r: r.date,
    )[:TODO_ROWS]
    if due.rows:
        due.deadline, due.deadline_label = due.rows[0].date, _("最早的报送截止日期")
        due.late = due.rows[0].late
    return due


def _assignment_row(url_name):
    def row(assignment) -> TodoRow:
        return TodoRow(
            text=assignment.application.alliance.name,
            url=reverse(url_name, args=[assignment.pk]),
            note=assignment.application.round.title,
        )

    return row


def evaluator_todo(user) -> list[TodoItem]:
    """An evaluator: declarations of no conflict due, then score sheets due."""
    assignments = subsidy_selectors.assignment_list_for(user)
    return present(
        [
            list_item(
                key,
                label,
                "subsidies:assignment_list",
                {"due": due},
                AssignmentFilter,
                assignments,
                _assignment_row(url_name),
            )
            for due, key, label, url_name in (
                (
                    subsidy_selectors.DUE_DECLARATION,
                    "declarations_due",
                    _("待声明利益冲突的评审任务"),
                    "subsidies:declare",
                ),
                (
                    subsidy_selectors.DUE_SCORES,
                    "scores_due",
                    _("待评分的评审任务"),
                    "subsidies:score_sheet",
                ),
            )
        ]
    )
