"""The reviewers' to-do lists: the county's and the municipal bureau's."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.filters import OrganisationChangeFilter
from filings import selectors as filing_selectors
from filings.filters import CountyQueueFilter, MunicipalQueueFilter
from subsidies import selectors as subsidy_selectors
from subsidies.filters import RoundFilter
from supervision import selectors as supervision_selectors
from supervision.filters import EventFilter, SummaryFilter

from .items import TodoItem, TodoRow, cases_item, list_item, present, queue_item, registrations_item


def county_todo(user) -> list[TodoItem]:
    """A county reviewer: 待初审 (oldest first, days waiting), registrations to decide."""
    return present(
        [
            queue_item(
                "county_queue",
                _("待初审的备案申请"),
                "filings:county_queue",
                CountyQueueFilter,
                filing_selectors.county_queue(user),
            ),
            registrations_item(user, _("待审核的单位注册申请")),
        ]
    )


def _round_row(round_) -> TodoRow:
    return TodoRow(
        text=round_.title,
        url=reverse("subsidies:round_detail", args=[round_.pk]),
        date=round_.notice_ends_on,
        date_label=_("公示截止"),
    )


def municipal_todo(user) -> list[TodoItem]:
    """The municipal bureau: 待备案, summaries and event reports to accept, open cases with
    their statement deadlines, rounds whose 公示 has ended; unit changes and registrations
    outside Baoding to decide."""
    submitted = {"state": "submitted"}
    return present(
        [
            queue_item(
                "municipal_queue",
                _("待备案审核的申请"),
                "filings:municipal_queue",
                MunicipalQueueFilter,
                filing_selectors.municipal_queue(user),
            ),
            list_item(
                "summaries_submitted",
                _("待受理的年度工作总结"),
                "supervision:summary_list",
                submitted,
                SummaryFilter,
                supervision_selectors.summaries_visible_to(user),
            ),
            list_item(
                "events_submitted",
                _("待受理的重大事项报告"),
                "supervision:event_list",
                submitted,
                EventFilter,
                supervision_selectors.events_visible_to(user),
            ),
            cases_item(
                user, "cases_open", _("办理中的取消备案案件"), supervision_selectors.CASE_OPEN
            ),
            list_item(
                "rounds_notice_over",
                _("公示期已满、待办结的补贴批次"),
                "subsidies:round_list",
                {"stage": subsidy_selectors.ROUND_NOTICE_OVER},
                RoundFilter,
                subsidy_selectors.round_list_for(user),
                _round_row,
            ),
            list_item(
                "changes_pending",
                _("待审核的单位登记信息变更"),
                "accounts:change_list",
                {"state": "pending"},
                OrganisationChangeFilter,
                account_selectors.organisation_changes_queue(user),
            ),
            registrations_item(user, _("待审核的单位注册申请（保定市外单位）")),
        ]
    )
