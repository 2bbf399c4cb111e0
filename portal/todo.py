"""Each role's to-do list (待办事项) on its home page: one selector per role.

An item is a button to a list page, with the query string that makes that list show
exactly the item's records. Its count is taken from the same selector and the same
FilterSet, with the same parameters, as the list page: ``_listed`` builds the URL and the
queryset from one dict, so the count and the list cannot drift (tests/portal/test_todo*.py
open every item's list and count its rows). Items with nothing waiting are left out.

Each item costs a count and, when it shows rows, one query for its first rows: the home
pages' query counts do not grow with the records.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.filters import OrganisationChangeFilter, RegistrationFilter
from accounts.rules import is_unit_admin_of
from filings import selectors as filing_selectors
from filings.filters import (
    CountyQueueFilter,
    MembershipFilter,
    MunicipalQueueFilter,
    MyFilingFilter,
)
from subsidies import selectors as subsidy_selectors
from subsidies.filters import AssignmentFilter, RoundFilter
from supervision import selectors as supervision_selectors
from supervision.filters import CaseFilter, EventFilter, SummaryFilter

# The first rows an item shows under its button (oldest or most urgent first).
TODO_ROWS = 5


@dataclass
class TodoRow:
    """One record under an item: what it is, where it opens, and what the user needs to
    know before opening it (a return reason, a deadline, days waiting)."""

    text: str
    url: str
    note: str = ""
    date: datetime.date | None = None
    date_label: str = ""
    days: int | None = None
    late: bool = False


@dataclass
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    # The nearest deadline (a statement period's last day, a summary's due date).
    deadline: datetime.date | None = None
    deadline_label: str = ""
    # How long the oldest record has waited (the reviewers' queues).
    oldest_days: int | None = None
    late: bool = False
    rows: list[TodoRow] = field(default_factory=list)


def _listed(url_name, params, filter_class, queryset, **filter_kwargs):
    """(URL, queryset) of a list page filtered by ``params``, as the page filters it."""
    query = QueryDict(mutable=True)
    query.update(params)
    filterset = filter_class(query, queryset=queryset, **filter_kwargs)
    url = reverse(url_name)
    if params:
        url = f"{url}?{urlencode(params)}"
    return url, filterset.qs


def _item(key, label, url, queryset, row=None, *, extra=0, **kwargs) -> TodoItem:
    """An item counting ``queryset`` (+ ``extra`` records the same page lists apart); its
    first rows made by ``row`` when given."""
    count = queryset.count() + extra
    rows = [row(record) for record in queryset[:TODO_ROWS]] if row and count else []
    return TodoItem(key=key, label=label, count=count, url=url, rows=rows, **kwargs)


def _present(items) -> list[TodoItem]:
    return [item for item in items if item.count]


def _queue_item(key, label, url, queryset) -> TodoItem:
    """A reviewers' queue (oldest first): days waiting per row and for the oldest."""
    late_after = filing_selectors.LATE_AFTER_DAYS

    def row(filing):
        days = filing.days_waiting()
        return TodoRow(
            text=filing.alliance.name,
            url=reverse("filings:detail", args=[filing.pk]),
            note=filing.alliance.lead_unit.name,
            days=days,
            late=days is not None and days > late_after,
        )

    item = _item(key, label, url, queryset, row)
    if item.rows:
        item.oldest_days = item.rows[0].days
        item.late = item.rows[0].late
    return item


def _registrations_item(user, label) -> TodoItem:
    url, qs = _listed(
        "accounts:registration_list",
        {"awaiting": "yes"},
        RegistrationFilter,
        account_selectors.registrations_visible_to(user),
        user=user,
    )
    return _item("registrations", label, url, qs)


def _with_deadline(item: TodoItem, label: str) -> TodoItem:
    """The nearest deadline not yet passed among the item's rows."""
    today = timezone.localdate()
    upcoming = [r.date for r in item.rows if r.date is not None and r.date >= today]
    if upcoming:
        item.deadline, item.deadline_label = min(upcoming), label
    return item


def _case_row(case) -> TodoRow:
    return TodoRow(
        text=case.alliance.name,
        url=reverse("supervision:case_detail", args=[case.pk]),
        note=case.get_state_display(),
        date=case.statement_deadline,
        date_label=_("陈述申辩截止"),
        late=case.statement_deadline < timezone.localdate(),
    )


def _cases_item(user, key, label, stage) -> TodoItem:
    url, qs = _listed(
        "supervision:case_list",
        {"stage": stage},
        CaseFilter,
        supervision_selectors.cases_visible_to(user),
    )
    item = _item(key, label, url, qs.order_by("statement_deadline", "pk"), _case_row)
    return _with_deadline(item, _("最近的陈述申辩截止日期"))


def _returned_row(url_name, record, text) -> TodoRow:
    return TodoRow(
        text=text,
        url=reverse(url_name, args=[record.pk]),
        note=record.last_reason or "—",
    )


# --- The roles ---------------------------------------------------------------------------


def county_todo(user) -> list[TodoItem]:
    """A county reviewer: 待初审 (oldest first, days waiting), registrations to decide."""
    url, qs = _listed(
        "filings:county_queue", {}, CountyQueueFilter, filing_selectors.county_queue(user)
    )
    return _present(
        [
            _queue_item("county_queue", _("待初审的备案申请"), url, qs),
            _registrations_item(user, _("待审核的单位注册申请")),
        ]
    )


def municipal_todo(user) -> list[TodoItem]:
    """The municipal bureau: 待备案, summaries and event reports to accept, open cases with
    their statement deadlines, rounds whose 公示 has ended; unit changes and registrations
    outside Baoding to decide."""
    url, qs = _listed(
        "filings:municipal_queue", {}, MunicipalQueueFilter, filing_selectors.municipal_queue(user)
    )
    items = [_queue_item("municipal_queue", _("待备案审核的申请"), url, qs)]

    url, qs = _listed(
        "supervision:summary_list",
        {"state": "submitted"},
        SummaryFilter,
        supervision_selectors.summaries_visible_to(user),
    )
    items.append(_item("summaries_submitted", _("待受理的年度工作总结"), url, qs))

    url, qs = _listed(
        "supervision:event_list",
        {"state": "submitted"},
        EventFilter,
        supervision_selectors.events_visible_to(user),
    )
    items.append(_item("events_submitted", _("待受理的重大事项报告"), url, qs))

    items.append(
        _cases_item(user, "cases_open", _("办理中的取消备案案件"), supervision_selectors.CASE_OPEN)
    )

    url, qs = _listed(
        "subsidies:round_list",
        {"stage": subsidy_selectors.ROUND_NOTICE_OVER},
        RoundFilter,
        subsidy_selectors.round_list_for(user),
    )
    items.append(
        _item(
            "rounds_notice_over",
            _("公示期已满、待办结的补贴批次"),
            url,
            qs,
            lambda r: TodoRow(
                text=r.title,
                url=reverse("subsidies:round_detail", args=[r.pk]),
                date=r.notice_ends_on,
                date_label=_("公示截止"),
            ),
        )
    )

    url, qs = _listed(
        "accounts:change_list",
        {"state": "pending"},
        OrganisationChangeFilter,
        account_selectors.organisation_changes_queue(user),
    )
    items.append(_item("changes_pending", _("待审核的单位登记信息变更"), url, qs))
    items.append(_registrations_item(user, _("待审核的单位注册申请（保定市外单位）")))
    return _present(items)


def lead_unit_todo(user) -> list[TodoItem]:
    """A lead unit: drafts, what was returned (with the reason), summaries due (with their
    date), cases waiting for its 陈述申辩 (with the deadline), memberships to confirm."""
    filings = filing_selectors.filings_visible_to(user).order_by("-created_at")
    summaries = supervision_selectors.summaries_visible_to(user).order_by(
        "year", "alliance__name", "pk"
    )
    events = supervision_selectors.events_visible_to(user).order_by("-created_at", "-pk")
    items = []

    url, qs = _listed("filings:mine", {"state": "draft"}, MyFilingFilter, filings)
    items.append(
        _item(
            "filing_drafts",
            _("未提交的备案申请草稿"),
            url,
            qs,
            lambda f: TodoRow(f.alliance.name, reverse("filings:edit", args=[f.pk])),
        )
    )
    url, qs = _listed("filings:mine", {"state": "returned"}, MyFilingFilter, filings)
    items.append(
        _item(
            "filings_returned",
            _("退回修改的备案申请"),
            url,
            qs,
            lambda f: _returned_row("filings:edit", f, f.alliance.name),
        )
    )

    # Due: the years not yet started (the summaries page lists them above its table) and
    # the drafts (the table, filtered to drafts).
    missing = supervision_selectors.summaries_missing(user)
    url, qs = _listed("supervision:summary_list", {"state": "draft"}, SummaryFilter, summaries)
    due = _item(
        "summaries_due",
        _("待提交的年度工作总结"),
        url,
        qs,
        lambda s: _summary_row(s.alliance, s.year, s.due_date, s.pk),
        extra=len(missing),
    )
    due.rows = sorted(
        [_summary_row(r["alliance"], r["year"], r["due"]) for r in missing] + due.rows,
        key=lambda r: r.date,
    )[:TODO_ROWS]
    if due.rows:
        due.deadline, due.deadline_label = due.rows[0].date, _("最早的报送截止日期")
        due.late = due.rows[0].late
    items.append(due)

    url, qs = _listed("supervision:summary_list", {"state": "returned"}, SummaryFilter, summaries)
    items.append(
        _item(
            "summaries_returned",
            _("退回修改的年度工作总结"),
            url,
            qs,
            lambda s: _returned_row(
                "supervision:summary_edit",
                s,
                _("%(alliance)s %(year)s年度") % {"alliance": s.alliance.name, "year": s.year},
            ),
        )
    )

    url, qs = _listed("supervision:event_list", {"state": "draft"}, EventFilter, events)
    items.append(_item("event_drafts", _("未提交的重大事项报告草稿"), url, qs))
    url, qs = _listed("supervision:event_list", {"state": "returned"}, EventFilter, events)
    items.append(
        _item(
            "events_returned",
            _("退回修改的重大事项报告"),
            url,
            qs,
            lambda e: _returned_row("supervision:event_edit", e, f"{e.alliance.name} · {e.title}"),
        )
    )

    items.append(
        _cases_item(
            user,
            "cases_statement_due",
            _("取消备案告知：待陈述申辩"),
            supervision_selectors.CASE_STATEMENT_DUE,
        )
    )

    if is_unit_admin_of(user.organisation_id, user):
        url, qs = _listed(
            "filings:memberships",
            {"status": "awaiting"},
            MembershipFilter,
            filing_selectors.memberships_of(user),
        )
        items.append(_item("memberships_awaiting", _("待本单位确认的联盟成员身份"), url, qs))
    return _present(items)


def _summary_row(alliance, year, due, pk=None) -> TodoRow:
    """A summary due: to continue (a draft) or to start (the summaries page's 填报)."""
    url = (
        reverse("supervision:summary_edit", args=[pk])
        if pk
        else reverse("supervision:summary_list")
    )
    return TodoRow(
        text=_("%(alliance)s %(year)s年度") % {"alliance": alliance.name, "year": year},
        url=url,
        date=due,
        date_label=_("报送截止"),
        late=due < timezone.localdate(),
    )


def evaluator_todo(user) -> list[TodoItem]:
    """An evaluator: declarations of no conflict due, then score sheets due."""
    items = []
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
    ):
        url, qs = _listed(
            "subsidies:assignment_list",
            {"due": due},
            AssignmentFilter,
            subsidy_selectors.assignment_list_for(user),
        )

        def row(assignment, url_name=url_name):
            return TodoRow(
                text=assignment.application.alliance.name,
                url=reverse(url_name, args=[assignment.pk]),
                note=assignment.application.round.title,
            )

        items.append(_item(key, label, url, qs, row))
    return _present(items)
