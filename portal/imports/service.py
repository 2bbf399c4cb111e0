"""The import of the paper-era register: every sheet of one workbook in one transaction.

``run`` reads the file, then runs each sheet's resource in order inside one transaction.
A dry run — and any run in which a row is refused — rolls the whole transaction back:
nothing is written unless every row of every sheet is accepted. The dry run executes
exactly what the import executes, so its report (created, matched, refused, row by row)
is what the import does, as long as the database did not change in between; the import
checks every row again. A confirmed import writes one audit entry per record it created,
with the file's SHA-256, and moves each year's filing-number sequence past the highest
number it brought in."""

import hashlib
import logging
from dataclasses import asdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record_many
from filings.models import Alliance, AllianceMember
from filings.numbering import account_for_imported

from .columns import MEMBERS
from .context import Context
from .reading import FileRefused, read_workbook
from .resources import RESOURCES
from .resources.alliances import alliances_without_lead_member

logger = logging.getLogger(__name__)
IMPORT_LABEL = gettext_lazy("导入历史数据")


class _SheetFailed(Exception):
    pass


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(data: bytes, *, name: str, user, dry_run: bool, progress=None) -> dict:
    """Check (``dry_run``) or import the workbook ``data``; returns the report."""
    sha256 = sha256_of(data)
    try:
        workbook = read_workbook(data, name)
    except FileRefused as refused:
        return _file_report(refused.messages, dry_run)
    ctx = Context(
        user=user,
        sha256=sha256,
        today=timezone.localdate(),
        progress=progress,
        total=workbook.rows,
    )
    with transaction.atomic():
        for resource_class in RESOURCES:
            dataset = workbook.datasets.get(resource_class.sheet.key)
            if dataset is None or not len(dataset):
                continue
            try:
                _import_sheet(resource_class(ctx), dataset)
            except _SheetFailed as failed:
                ctx.refusals.append(str(failed))
                break
        if not ctx.refusals:
            _add_lead_members(ctx)
        if not ctx.refusals and not dry_run:
            numbers = [i.filing_number for i, _r in ctx.created if isinstance(i, Alliance)]
            account_for_imported(numbers)
            if ctx.created:
                record_many(ctx.created, action="import", action_label=IMPORT_LABEL, actor=user)
        if dry_run or ctx.refusals:
            transaction.set_rollback(True)
    return _report(ctx, workbook, dry_run)


def _import_sheet(resource, dataset) -> None:
    """One sheet in a savepoint: a failure no row explains (a bulk insert refused by the
    database) is rolled back to it and ends the run with a refusal."""
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=False, raise_errors=False
        )
        if result.base_errors:
            for error in result.base_errors:
                logger.error("import of sheet %s failed: %s", resource.sheet.title, error.error)
            raise _SheetFailed(
                _("%(sheet)s表无法写入：%(error)s")
                % {"sheet": resource.sheet.title, "error": result.base_errors[0].error}
            )


def _add_lead_members(ctx) -> None:
    """A new alliance's lead unit is its member (role 牵头单位) even when the 成员单位
    sheet left it out."""
    new = [instance for instance, _r in ctx.created if isinstance(instance, Alliance)]
    missing = alliances_without_lead_member(new)
    members = AllianceMember.objects.bulk_create(
        [
            AllianceMember(alliance=a, organisation=a.lead_unit, role=AllianceMember.Role.LEAD)
            for a in missing
        ]
    )
    for member in members:
        ctx.line(
            MEMBERS,
            0,
            "created",
            _("新增成员：%(alliance)s · %(org)s（牵头单位，成员单位表未列出）")
            % {"alliance": member.alliance.name, "org": member.organisation.name},
        )
        ctx.created_record(member, MEMBERS.title, None)


def _file_report(messages, dry_run) -> dict:
    return {
        "dry_run": dry_run,
        "file": messages,
        "sheets": [],
        "refusals": messages,
        "refusal_count": len(messages),
        "lines": [],
        "rows": 0,
        "ignored_examples": [],
    }


def _report(ctx, workbook, dry_run) -> dict:
    return {
        "dry_run": dry_run,
        "file": [],
        "sheets": list(ctx.counts.values()),
        "refusals": ctx.refusals[:2000],
        "refusal_count": len(ctx.refusals),
        "lines": [asdict(line) for line in ctx.lines],
        "rows": workbook.rows,
        "ignored_examples": workbook.ignored_examples,
        "created": sum(c["created"] for c in ctx.counts.values()),
        "matched": sum(c["matched"] for c in ctx.counts.values()),
    }
