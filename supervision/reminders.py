"""Annual-summary reminders (Art. 12(1)), sent by one daily Celery task.

Schedule for the summary of year Y, due on D = annual_summary_due_date(Y):
30 and 7 days before D and on D to the lead unit; then weekly while overdue, copying the
alliance's liaison officer; and a weekly digest of overdue alliances to municipal staff.

Idempotency: every reminder has a unique ``ReminderLog.key``. A batch inserts its keys and
its inbox entries in one transaction; a second run (or a second worker) either sees the
keys and skips them, or collides on the unique index, rolls back and retries seeing them.
Once the batch commits, core.tasks.deliver_notifications e-mails its entries on the
workers (rendering 10,000 Chinese MIME messages takes ~20 s: it must not hold up the job);
delivery locks the rows (SKIP LOCKED) and marks them ``emailed``, so a retried or
duplicated delivery sends nothing twice, and a failed SMTP send is retried.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core import outbox
from core.models import Notification
from core.notify import inbox_entries
from filings.models import Alliance
from policy import selectors as policy_selectors

from .models import AnnualSummary, ReminderLog
from .models.summaries import annual_summary_due_date, owes_summary_q


@dataclass
class Step:
    year: int
    name: str  # before30, before7, due, overdue1, overdue2, …
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return self.name.startswith("overdue")


@dataclass
class RunReport:
    step: str = ""
    year: int = 0
    reminded_alliances: int = 0
    emails: int = 0
    skipped_already_sent: int = 0
    digest_emails: int = 0
    batches: int = 0
    retries: int = 0
    keys: list = field(default_factory=list)


def reminder_step(today: datetime.date) -> Step | None:
    """Which reminder is due today, for which summary year (None on quiet days). The
    schedule is the policy version's applied today (no record binds a reminder)."""
    version = policy_selectors.rules_on(today)
    first_notice = max(version.reminder_days_before)
    year = today.year - 1
    if today < annual_summary_due_date(year) - datetime.timedelta(days=first_notice):
        year -= 1
    due = annual_summary_due_date(year)
    days_left = (due - today).days
    if days_left < 0:
        week = (-days_left - 1) // version.overdue_reminder_interval_days + 1
        return Step(year, f"overdue{week}", due)
    # Windowed, not exact days: a missed daily run is caught up the next day.
    for days_before in sorted(version.reminder_days_before):
        if days_left <= days_before:
            return Step(year, "due" if days_before == 0 else f"before{days_before}", due)
    return None


def alliances_owing(year: int):
    """Filed alliances (filed by the end of ``year``) without a handed-in summary for it."""
    handed_in = AnnualSummary.objects.filter(
        alliance=OuterRef("pk"),
        year=year,
        state__in=[AnnualSummary.State.SUBMITTED, AnnualSummary.State.ACCEPTED],
    )
    return (
        Alliance.objects.filter(owes_summary_q(year))
        .exclude(Exists(handed_in))
        .select_related("liaison_officer")
        .order_by("pk")
    )


def _lead_unit_text(alliance, step: Step):
    """The reminder's subject and body, each a function of the active language (the
    inbox keeps both the Chinese and the English text; the e-mail is the Chinese)."""
    measures = policy_selectors.summary_version(step.year).title

    def params():
        due = date_format(step.due, "DATE_FORMAT")
        return {"name": alliance.name, "year": step.year, "due": due, "measures": measures}

    def subject():
        if step.overdue:
            return _("【逾期】请尽快提交%(year)s年度工作总结") % params()
        return _("请于%(due)s前提交%(year)s年度工作总结") % params()

    def body():
        if step.overdue:
            text = _(
                "“%(name)s”的%(year)s年度工作总结应于%(due)s前提交，目前已逾期。"
                "根据《%(measures)s》第十二条，请尽快登录平台提交。"
            )
        else:
            text = _(
                "“%(name)s”的%(year)s年度工作总结应于%(due)s前通过平台提交（第十二条第一项）。"
            )
        return text % params() + f"\n\n{settings.PORTAL_BASE_URL}/"

    return subject, body


def _copied(subject):
    return lambda: _("【抄送】") + subject()


def _send_batch(alliances, step: Step) -> tuple[int, int, int]:
    """Record the batch's reminders and their inbox entries, atomically; the e-mails are
    sent by core.tasks.deliver_notifications once this commits.

    Returns (alliances reminded, notices created, alliances skipped as already reminded).
    """
    keys = {a.pk: f"{a.pk}:{step.year}:{step.name}" for a in alliances}
    with transaction.atomic():
        sent_before = set(
            ReminderLog.objects.filter(key__in=keys.values()).values_list("key", flat=True)
        )
        todo = [a for a in alliances if keys[a.pk] not in sent_before]
        if not todo:
            return 0, 0, len(alliances)
        users_by_org: dict[int, list[User]] = {}
        for user in User.objects.filter(
            role=Role.LEAD_UNIT,
            is_active=True,
            organisation_id__in={a.lead_unit_id for a in todo},
        ):
            users_by_org.setdefault(user.organisation_id, []).append(user)
        logs, inbox = [], []
        for alliance in todo:
            users = users_by_org.get(alliance.lead_unit_id, [])
            subject, body = _lead_unit_text(alliance, step)
            # Deadlines are legal notices: e-mailed whatever the user's preference.
            inbox += inbox_entries(users, subject, body, legal=True)
            officer = alliance.liaison_officer if step.overdue else None
            if officer is not None:
                inbox += inbox_entries([officer], _copied(subject), body, legal=True)
            logs.append(
                ReminderLog(
                    key=keys[alliance.pk],
                    alliance_id=alliance.pk,
                    year=step.year,
                    step=step.name,
                    recipients=len(users),
                )
            )
        # Raises IntegrityError if another worker is recording the same keys right now.
        ReminderLog.objects.bulk_create(logs)
        created = Notification.objects.bulk_create(inbox)
        _deliver_on_commit([n.pk for n in created])
    return len(todo), len(created), len(alliances) - len(todo)


def _deliver_on_commit(ids):
    from core.tasks import deliver_notifications

    if ids:
        outbox.enqueue(deliver_notifications, ids)


def _send_digest(step: Step, overdue_names: list[str]) -> int:
    key = f"digest:{step.year}:{step.name}"
    staff = list(User.objects.filter(role=Role.MUNICIPAL_STAFF, is_active=True))
    if not staff or not overdue_names:
        return 0
    lines = "\n".join(f"· {name}" for name in overdue_names)

    def subject():
        return _("%(year)s年度工作总结逾期情况（%(n)d个联盟）") % {
            "year": step.year,
            "n": len(overdue_names),
        }

    def body():
        return (
            _("以下已备案联盟尚未提交%(year)s年度工作总结：") % {"year": step.year}
            + f"\n{lines}\n\n"
            + f"{settings.PORTAL_BASE_URL}/supervision/compliance/?year={step.year}"
        )

    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                key=key, year=step.year, step=step.name, recipients=len(staff)
            )
            created = Notification.objects.bulk_create(
                inbox_entries(staff, subject, body, legal=True)
            )
            _deliver_on_commit([n.pk for n in created])
            return len(created)
    except IntegrityError:
        return 0  # already sent this week


def send_reminders(today: datetime.date | None = None) -> RunReport:
    today = today or timezone.localdate()
    step = reminder_step(today)
    report = RunReport()
    if step is None:
        return report
    report.step, report.year = step.name, step.year
    overdue_names = []
    with translation.override(settings.LANGUAGE_CODE):
        batch = []
        # Iterate in primary-key batches: a fixed number of queries per batch of alliances.
        size = settings.REMINDER_BATCH_SIZE
        for alliance in alliances_owing(step.year).iterator(chunk_size=size):
            if step.overdue:
                overdue_names.append(alliance.name)
            batch.append(alliance)
            if len(batch) == size:
                _run_batch(batch, step, report)
                batch = []
                if settings.REMINDER_BATCH_PAUSE_SECONDS:
                    time.sleep(settings.REMINDER_BATCH_PAUSE_SECONDS)
        if batch:
            _run_batch(batch, step, report)
        if step.overdue:
            report.digest_emails = _send_digest(step, overdue_names)
    return report


def _run_batch(batch, step, report: RunReport):
    report.batches += 1
    for attempt in range(3):
        try:
            reminded, emails, skipped = _send_batch(batch, step)
            break
        except IntegrityError:
            # Another worker inserted some of these keys first; look again.
            report.retries += 1
            if attempt == 2:
                raise
    report.reminded_alliances += reminded
    report.emails += emails
    report.skipped_already_sent += skipped
