"""The audit dossier of one alliance: one zip with every material, every generated PDF,
the timeline, summaries, event reports, revocation records and subsidy scores, plus a
manifest (path, size, SHA-256) so an auditor can check nothing was altered."""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from core.downloads import safe_filename
from core.spreadsheets import csv_row
from filings.membership import member_rows
from filings.models import Alliance, Filing
from subsidies.models import Application, Award, Score
from supervision.models import AllianceChange, AnnualSummary, EventReport, RevocationCase


def _safe(name: str) -> str:
    """A file name fit for a zip entry: no directories, no traversal."""
    return PurePath(name.replace("\\", "/")).name.replace("..", "_") or "file"


def _upload_name(upload) -> str:
    """An upload's name as the user gave it, with the extension of the type it was stored
    as (detected from its content): ``章程.hta`` holding a PDF is ``章程.pdf`` here too."""
    return safe_filename(upload.original_name, PurePath(upload.file.name).suffix.lower() or ".bin")


def _has_editable_filing(alliance) -> bool:
    return alliance.filings.filter(state__in=Filing.EDITABLE_STATES).exists()


class _Zip:
    def __init__(self):
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)
        self.manifest = []

    def add(self, path: str, data: bytes):
        self.zip.writestr(path, data)
        self.manifest.append(
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    def add_file(self, path: str, field):
        if field:
            with field.open("rb") as handle:
                self.add(path, handle.read())

    def add_json(self, path: str, value):
        self.add(path, json.dumps(value, ensure_ascii=False, indent=2, default=str).encode())

    def add_csv(self, path: str, header: list, rows):
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)
        # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling.
        self.add(path, ("\ufeff" + text.getvalue()).encode())

    def close(self) -> bytes:
        self.add_json("manifest.json", self.manifest)
        self.zip.close()
        return self.buffer.getvalue()


def _timeline(alliance, filings, summaries, events, cases, applications):
    subjects = [(alliance, [alliance.pk])] + [
        (model, [o.pk for o in objs])
        for model, objs in [
            (filings.model, filings),
            (AnnualSummary, summaries),
            (EventReport, events),
            (RevocationCase, cases),
            (Application, applications),
        ]
    ]
    condition = Q(pk__in=[])
    for model, pks in subjects:
        if pks:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    return AuditEntry.objects.filter(condition).select_related("content_type").order_by("at", "pk")


def build_dossier(alliance: Alliance) -> bytes:
    z = _Zip()
    filings = alliance.filings.prefetch_related("materials", "documents").order_by("pk")
    summaries = list(alliance.annual_summaries.prefetch_related("attachments").order_by("year"))
    events = list(alliance.event_reports.prefetch_related("attachments").order_by("pk"))
    cases = list(alliance.revocation_cases.prefetch_related("evidence").order_by("pk"))
    applications = list(Application.objects.filter(alliance=alliance).select_related("round"))

    z.add_json(
        "alliance.json",
        {field.name: getattr(alliance, field.attname) for field in Alliance._meta.concrete_fields}
        | {"lead_unit_name": alliance.lead_unit.name, "exported_at": timezone.now()},
    )
    z.add_csv(
        "members.csv",
        [
            _("单位名称"),
            _("统一社会信用代码"),
            _("角色"),
            _("任务分工"),
            _("法定代表人已签署"),
            _("签署确认情况"),
            _("在线确认人"),
            _("在线确认时间"),
            _("拒绝时间"),
            _("拒绝理由"),
        ],
        [
            [
                m.organisation.name,
                m.organisation.uscc,
                m.get_role_display(),
                m.task_division,
                m.charter_signed,
                m.confirmation_text,
                (m.confirmed_by.get_full_name() or m.confirmed_by.username)
                if m.confirmed_by
                else "",
                m.confirmed_at or "",
                m.declined_at or "",
                m.decline_reason,
            ]
            for m in member_rows(alliance, editable=_has_editable_filing(alliance))
        ],
    )
    for filing in filings:
        base = f"filings/{filing.pk}"
        for m in filing.materials.all():
            z.add_file(f"{base}/materials/{m.pk}-{m.kind}-{_upload_name(m)}", m.file)
        for d in filing.documents.all():
            z.add_file(f"{base}/documents/{d.kind}-{_safe(d.reference_number)}.pdf", d.file)
    for s in summaries:
        z.add_json(
            f"summaries/{s.year}.json",
            {f.name: getattr(s, f.attname) for f in AnnualSummary._meta.concrete_fields},
        )
        for a in s.attachments.all():
            z.add_file(f"summaries/{s.year}-attachments/{a.pk}-{_upload_name(a)}", a.file)
    for e in events:
        z.add_json(
            f"events/{e.pk}.json",
            {f.name: getattr(e, f.attname) for f in EventReport._meta.concrete_fields},
        )
        for a in e.attachments.all():
            z.add_file(f"events/{e.pk}-attachments/{a.pk}-{_upload_name(a)}", a.file)
    z.add_csv(
        "history.csv",
        [_("时间"), _("变更事项"), _("变更前"), _("变更后"), _("依据报告")],
        [
            [c.changed_at, c.field_label, c.old_value, c.new_value, c.event_report_id or ""]
            for c in AllianceChange.objects.filter(alliance=alliance).order_by("changed_at", "pk")
        ],
    )
    for c in cases:
        z.add_json(
            f"revocation/{c.pk}/case.json",
            {f.name: getattr(c, f.attname) for f in RevocationCase._meta.concrete_fields},
        )
        z.add_file(f"revocation/{c.pk}/notice-{_safe(c.notice_number)}.pdf", c.notice_file)
        z.add_file(f"revocation/{c.pk}/decision-{_safe(c.decision_number)}.pdf", c.decision_file)
        for a in c.evidence.all():
            z.add_file(f"revocation/{c.pk}/evidence/{a.pk}-{_upload_name(a)}", a.file)
    z.add_csv(
        "subsidies/scores.csv",
        [
            _("批次"),
            _("申请"),
            _("评审专家"),
            _("评审指标"),
            _("权重"),
            _("得分"),
            _("说明"),
            _("提交时间"),
        ],
        [
            [
                s.assignment.application.round.title,
                s.assignment.application_id,
                s.assignment.evaluator.get_full_name(),
                s.criterion.name,
                s.criterion.weight,
                s.score,
                s.comment,
                s.assignment.submitted_at or "",
            ]
            for s in Score.objects.filter(assignment__application__alliance=alliance)
            .select_related("assignment__application__round", "assignment__evaluator", "criterion")
            .order_by("assignment__application_id", "assignment_id", "criterion__order")
        ],
    )
    for award in Award.objects.filter(application__alliance=alliance):
        z.add_file(f"subsidies/award-{_safe(award.notice_number)}.pdf", award.notice_file)
    z.add_csv(
        "timeline.csv",
        [
            _("时间"),
            _("对象"),
            _("对象编号"),
            _("操作"),
            _("原状态"),
            _("新状态"),
            _("操作人"),
            _("角色"),
            _("意见或理由"),
        ],
        [
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.content_type.model,
                e.object_id,
                e.action_label,
                e.source,
                e.target,
                e.actor_name,
                e.actor_role,
                e.reason,
            ]
            for e in _timeline(alliance, filings, summaries, events, cases, applications)
        ],
    )
    return z.close()
