"""What every app stands on: the inbox and the transactional outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Every notice the portal sends also lands in the recipient's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    # The same notice in English, for a reader of the English interface (blank when the
    # sender wrote one fixed text). The e-mail is the Chinese one.
    subject_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body_en = models.TextField(_("英文内容"), blank=True)
    # Legal notices (decisions, notices, deadlines) are e-mailed even to users who opted out.
    legal = models.BooleanField(_("必要通知"), default=True)
    emailed = models.BooleanField(_("已发送邮件"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self):
        return self.subject

    def _in_reader_language(self, chinese: str, english: str) -> str:
        from django.utils.translation import get_language

        return english if english and (get_language() or "").startswith("en") else chinese

    @property
    def shown_subject(self) -> str:
        return self._in_reader_language(self.subject, self.subject_en)

    @property
    def shown_body(self) -> str:
        return self._in_reader_language(self.body, self.body_en)


class OutboxMessage(models.Model):
    """A Celery task to run once the transaction that asked for it has committed.

    Stored in the same transaction as the data it concerns, so a broker outage loses
    nothing: the dispatcher (core.outbox) sends pending messages after commit and again,
    periodically, until the broker takes them.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")

    def __str__(self):
        return f"{self.task}{self.args}"


class ThrottleEvent(models.Model):
    """One attempt counted by ``core.throttle`` (a failed login, a password-reset e-mail).

    In the database rather than a per-process cache: every web process and host counts
    the same attempts. ``key`` is a SHA-256 of what is counted (an address, a user name,
    an e-mail address), so the table holds no personal data in clear."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="throttle_lookup")]
        verbose_name = _("频率限制记录")
        verbose_name_plural = _("频率限制记录")

    def __str__(self):
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"
