"""Which version applies on a day, and the reads every app makes of a version.

Published versions never change and are few, so the list of them is kept in this
process for ``CACHE_SECONDS``: a summary's due date or an event's lateness is asked per
row of long lists and by the nightly reminder job, and must not cost a query each.
Publishing forgets the list in the publishing process at once; other processes see a
new version within ``CACHE_SECONDS``. The moments that bind a record to its version
(first submission, opening a case, creating a round) read the table afresh.
"""

import datetime
import threading
import time

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import PolicyVersion, WhenLapsed

CACHE_SECONDS = 60
_lock = threading.Lock()
_shared: dict = {}


def forget() -> None:
    """Drop the cached list of published versions (after a publish; tests)."""
    with _lock:
        _shared.clear()


def published(*, fresh: bool = False) -> tuple[PolicyVersion, ...]:
    """Every published version, oldest first (by effective date)."""
    now = time.monotonic()
    with _lock:
        hit = _shared.get("versions")
        if hit and not fresh and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    versions = tuple(
        PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED).order_by(
            "effective_from", "pk"
        )
    )
    with _lock:
        _shared["versions"] = (now, versions)
    return versions


def when_lapsed() -> str:
    value = getattr(settings, "PORTAL_POLICY_WHEN_LAPSED", WhenLapsed.KEEP_LAST)
    return value if value in WhenLapsed.values else WhenLapsed.KEEP_LAST


def _today(day):
    return day or timezone.localdate()


def in_force(day: datetime.date | None = None, *, fresh: bool = False):
    """The published version whose validity [effective_from, expires_on) contains ``day``,
    or None. Published versions never overlap (policy.services, and on PostgreSQL an
    exclusion constraint), so there is at most one."""
    day = _today(day)
    for version in published(fresh=fresh):
        if version.in_force_on(day):
            return version
    return None


def last_published_before(day: datetime.date | None = None, *, fresh: bool = False):
    """The published version that took effect last on or before ``day``, or None."""
    day = _today(day)
    found = None
    for version in published(fresh=fresh):
        if version.effective_from <= day:
            found = version
    return found


def applied(day: datetime.date | None = None, *, fresh: bool = False):
    """The version the portal applies on ``day``: the one in force; when none is, the last
    published before ``day`` under ``keep_last`` (the default), None under ``refuse``."""
    day = _today(day)
    version = in_force(day, fresh=fresh)
    if version is not None or when_lapsed() == WhenLapsed.REFUSE:
        return version
    return last_published_before(day, fresh=fresh)


def shown(day: datetime.date | None = None):
    """The version whose rules a page shows when nothing is bound yet (a draft filing's
    checklist): the applied one or, while new filings are refused, the last published —
    what the lead unit prepares for while it waits."""
    return applied(day) or last_published_before(day)


def rule_spans() -> list[tuple[datetime.date | None, datetime.date | None, PolicyVersion]]:
    """The timeline of ``rules_on``: (first day or None, day after the last or None,
    version), in order, for queries that apply each day's version to many rows at once."""
    versions = published()
    spans = []
    for index, version in enumerate(versions):
        start = None if index == 0 else version.effective_from
        end = versions[index + 1].effective_from if index + 1 < len(versions) else None
        spans.append((start, end, version))
    return spans


def lapsed_refusal(day: datetime.date | None = None) -> str:
    """The message that refuses a new filing, case or round while nothing applies."""
    last = last_published_before(day)
    if last is None:
        return _("尚无已发布的联盟政策版本，暂不能办理。请联系系统管理员。")
    return _(
        "《%(title)s》（%(number)s）已于%(date)s失效，尚无新的实施办法施行，"
        "平台暂停受理新的备案申请、取消备案立案和补贴批次。"
    ) % {
        "title": last.title,
        "number": last.document_number,
        "date": date_format(last.expires_on, "DATE_FORMAT") if last.expires_on else "",
    }


def banner(day: datetime.date | None = None) -> str:
    """What staff see on every page while no version is in force today, or ''."""
    day = _today(day)
    if in_force(day) is not None:
        return ""
    last = last_published_before(day)
    if last is None:
        return _("尚无已发布的联盟政策版本。")
    if when_lapsed() == WhenLapsed.REFUSE:
        return lapsed_refusal(day)
    lapsed = (
        date_format(last.expires_on, "DATE_FORMAT") if last.expires_on else _("（未设失效日期）")
    )
    return _(
        "目前没有施行中的实施办法：《%(title)s》（%(number)s）已于%(date)s失效。"
        "在新的实施办法发布施行前，平台按系统设置继续适用该版本办理备案、监督和补贴事项。"
    ) % {"title": last.title, "number": last.document_number, "date": lapsed}


def summary_version(year: int):
    """The version that governs the summary of ``year``'s work. The duty to report on a
    year arises when it ends, so it is the version of 1 January of the next year
    (``rules_on``: a due date always exists, even while new filings are refused)."""
    return rules_on(datetime.date(year + 1, 1, 1))


def summary_due_date(year: int) -> datetime.date:
    """The day the summary of ``year``'s work is due (``summary_version``'s month and day)."""
    version = summary_version(year)
    return datetime.date(year + 1, version.summary_due_month, version.summary_due_day)


def _earliest():
    versions = published()
    if not versions:
        raise PolicyVersion.DoesNotExist("no published policy version")
    return versions[0]


def rules_on(day: datetime.date | None = None):
    """The version whose numbers apply to ``day`` for things no record binds (reminders,
    an event's lateness): ``shown(day)``, or the earliest version for days before any."""
    return shown(day) or _earliest()
