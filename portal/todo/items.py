"""The to-do items and rows, and the helpers every role's list builds them with."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.filters import RegistrationFilter
from filings import selectors as filing_selectors
from supervision import selectors as supervision_selectors
from supervision.filters import CaseFilter

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


def list_item(
    key, label, url_name, params, filter_class, queryset, row=None, *, extra=0, **filter_kwargs
) -> TodoItem:
    """An item for the list page ``url_name`` filtered by ``params`` as the page filters
    them (its FilterSet on its selector): the button's URL and the count from one dict.
    ``extra``: records the same page lists apart (the summaries not yet started); ``row``
    makes the first rows shown under the button."""
    query = QueryDict(mutable=True)
    query.update(params)
    records = filter_class(query, queryset=queryset, **filter_kwargs).qs
    url = reverse(url_name)
    if params:
        url = f"{url}?{urlencode(params)}"
    count = records.count() + extra
    rows = [row(record) for record in records[:TODO_ROWS]] if row and count else []
    return TodoItem(key=key, label=label, count=count, url=url, rows=rows)


def present(items) -> list[TodoItem]:
    return [item for item in items if item.count]


def queue_row(filing) -> TodoRow:
    days = filing.days_waiting()
    return TodoRow(
        text=filing.alliance.name,
        url=reverse("filings:detail", args=[filing.pk]),
        note=filing.alliance.lead_unit.name,
        days=days,
        late=days is not None and days > filing_selectors.LATE_AFTER_DAYS,
    )


def queue_item(key, label, url_name, filter_class, queue) -> TodoItem:
    """A reviewers' queue (oldest first): days waiting per row and for the oldest."""
    item = list_item(key, label, url_name, {}, filter_class, queue, queue_row)
    if item.rows:
        item.oldest_days, item.late = item.rows[0].days, item.rows[0].late
    return item


def registrations_item(user, label) -> TodoItem:
    return list_item(
        "registrations",
        label,
        "accounts:registration_list",
        {"awaiting": "yes"},
        RegistrationFilter,
        account_selectors.registrations_visible_to(user),
        user=user,
    )


def with_deadline(item: TodoItem, label: str) -> TodoItem:
    """The nearest deadline not yet passed among the item's rows."""
    today = timezone.localdate()
    upcoming = [r.date for r in item.rows if r.date is not None and r.date >= today]
    if upcoming:
        item.deadline, item.deadline_label = min(upcoming), label
    return item


def case_row(case) -> TodoRow:
    return TodoRow(
        text=case.alliance.name,
        url=reverse("supervision:case_detail", args=[case.pk]),
        note=case.get_state_display(),
        date=case.statement_deadline,
        date_label=_("陈述申辩截止"),
        late=case.statement_deadline < timezone.localdate(),
    )


def cases_item(user, key, label, stage) -> TodoItem:
    cases = supervision_selectors.cases_visible_to(user).order_by("statement_deadline", "pk")
    item = list_item(
        key, label, "supervision:case_list", {"stage": stage}, CaseFilter, cases, case_row
    )
    return with_deadline(item, _("最近的陈述申辩截止日期"))


def returned_row(url_name, record, text) -> TodoRow:
    return TodoRow(
        text=text,
        url=reverse(url_name, args=[record.pk]),
        note=record.last_reason or "—",
    )
