"""Symposia (Art. 12(3)): the municipal bureau shares good practice among alliances."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from filings.models import Alliance

from .. import rules


def minutes_path(instance, filename):
    return f"supervision/symposium/{uuid.uuid4().hex}.pdf"


class Symposium(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("座谈会名称"), max_length=200)
    starts_at = models.DateTimeField(_("召开时间"))
    location = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    state = FSMField(_("状态"), default=State.SCHEDULED, choices=State.choices, protected=True)
    minutes_summary = models.TextField(_("会议纪要摘要"), blank=True)
    minutes_file = models.FileField(
        _("会议纪要"), upload_to=minutes_path, blank=True, max_length=200
    )
    minutes_original_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("联盟座谈会")
        verbose_name_plural = _("联盟座谈会")

    def __str__(self):
        return self.title

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()

    @transition(
        field=state,
        source=State.SCHEDULED,
        target=State.HELD,
        permission=rules.is_municipal_staff,
        conditions=[lambda symposium: symposium.is_past],  # minutes of a meeting held
    )
    def record_minutes(self, *, summary: str):
        self.minutes_summary = summary

    @transition(
        field=state,
        source=State.SCHEDULED,
        target=State.CANCELLED,
        permission=rules.is_municipal_staff,
    )
    def cancel(self):
        pass


class SymposiumInvitation(models.Model):
    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("未登记")
        ATTENDED = "attended", _("出席")
        ABSENT = "absent", _("缺席")

    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="invitations")
    alliance = models.ForeignKey(
        Alliance, on_delete=models.PROTECT, related_name="symposium_invitations"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    attendance = models.CharField(
        _("出席情况"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendees = models.CharField(_("出席人员"), max_length=200, blank=True)

    class Meta:
        ordering = ["alliance__name"]
        verbose_name = _("座谈会邀请")
        verbose_name_plural = _("座谈会邀请")
        constraints = [
            models.UniqueConstraint(fields=["symposium", "alliance"], name="invite_alliance_once"),
        ]

    def __str__(self):
        return f"{self.symposium} · {self.alliance}"
