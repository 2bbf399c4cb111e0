"""Which version applies on a day, and the reads every app makes of a version.

Published versions never change and are few, so the list of them is kept in this
process for ``CACHE_SECONDS``: a summary's due date or an event's lateness is asked per
row of long lists and by the nightly reminder job, and must not cost a query each.
Publishing forgets the list in the publishing process at once; other processes see a
new version within ``CACHE_SECONDS``. The moments that bind a record to its version
(first submission, opening a case, creating a round) read the table afresh.

The keyed lists that records name by key — Art. 8 categories, Art. 10 materials, Art. 12(2)
event kinds — come with the versions (``KEYED_LISTS``, prefetched in the same refresh), so
showing a key's title on every row of a list costs no query: ``category_title``,
``material_title``, ``event_kind_title``.
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
#: The lists records refer to by key: (related name, the key's attribute).
KEYED_LISTS = {"categories": "key", "materials": "kind", "event_kinds": "key"}
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
        PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED)
        .order_by("effective_from", "pk")
        .prefetch_related(*KEYED_LISTS)
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


# --- The keyed lists: what a key means under a version ------------------------------------


def version_by_pk(pk: int | None):
    """The published version ``pk`` from the cache (read afresh when this process has not
    seen it yet), or None. A record's bound version is always a published one."""
    if pk is None:
        return None
    for fresh in (False, True):
        for version in published(fresh=fresh):
            if version.pk == pk:
                return version
    return None


def _rows(version, related: str) -> tuple:
    """``version``'s rows of ``related`` in the article's order: from the cache for a
    published version (its lists never change), from the database for a draft."""
    if version is None:
        return ()
    if version.state == PolicyVersion.State.PUBLISHED:
        cached = version_by_pk(version.pk)
        if cached is not None:
            version = cached
    return tuple(getattr(version, related).all())


def categories(version) -> tuple:
    """Art. 8: ``version``'s categories (``policy.models.Category`` rows), in order."""
    return _rows(version, "categories")


def materials(version) -> tuple:
    """Art. 10: ``version``'s materials (``policy.models.Material`` rows), in order."""
    return _rows(version, "materials")


def event_kinds(version) -> tuple:
    """Art. 12(2): ``version``'s kinds of major event (``policy.models.EventKind`` rows)."""
    return _rows(version, "event_kinds")


def keys(version, related: str) -> list[str]:
    attribute = KEYED_LISTS[related]
    return [getattr(row, attribute) for row in _rows(version, related)]


def _title(version, related: str, key: str) -> str:
    """The title ``version`` gives ``key``; a key the version does not list (a record
    kept from another version, a typo in old data) shows as itself, never an error."""
    if not key:
        return ""
    attribute = KEYED_LISTS[related]
    for row in _rows(version, related):
        if getattr(row, attribute) == key:
            return row.title
    return key


def category_title(version, key: str) -> str:
    return _title(version, "categories", key)


def material_title(version, kind: str) -> str:
    return _title(version, "materials", kind)


def event_kind_title(version, key: str) -> str:
    return _title(version, "event_kinds", key)


def choices_across_versions(related: str) -> list[tuple[str, str]]:
    """(key, title) for every key any published version lists, for filters over records
    of several versions: in the order of the newest version that lists the key, with that
    version's title; keys only older versions list follow, with their last title."""
    attribute = KEYED_LISTS[related]
    today = timezone.localdate()
    titles: dict[str, list[str]] = {}
    # Only versions that have taken effect: a scheduled one renames nothing yet.
    for version in reversed([v for v in published() if v.effective_from <= today]):
        for row in _rows(version, related):
            seen = titles.setdefault(getattr(row, attribute), [])
            if row.title not in seen:
                seen.append(row.title)
    # A key reworded by a later version reads "新名称（原：旧名称）", so that a filter's
    # choice matches rows of either version.
    return [
        (
            key,
            names[0]
            if len(names) == 1
            else _("%(new)s（原：%(old)s）")
            % {
                "new": names[0],
                "old": "、".join(names[1:]),
            },
        )
        for key, names in titles.items()
    ]


def category_choices() -> list[tuple[str, str]]:
    """Art. 8 categories for filters over alliances of any version (a callable choices)."""
    return choices_across_versions("categories")


def event_kind_choices() -> list[tuple[str, str]]:
    """Art. 12(2) kinds for filters over reports of any version (a callable choices)."""
    return choices_across_versions("event_kinds")
