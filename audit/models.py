"""One append-only log for every state change of every record (filings, summaries, cases…).

Rows are only ever inserted: ``save()`` refuses updates, ``delete()`` refuses, and on
PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE from any client, and an INSERT that
arrives already sealed (migrations 0002, 0005, 0008). The one update allowed is the
sealing of an unsealed row (audit.chain).

Each entry keeps the client address of the request it was written in (``ip``), set for
the request by ``core.middleware.ClientAddressMiddleware`` through ``client_address``:
services take plain data and never see the request. Entries written outside a request
(Celery jobs, management commands) have none.
"""

import contextlib
import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


#: The address of the client whose request is being handled ("" outside a request).
_client_address: ContextVar[str] = ContextVar("audit_client_address", default="")


def _valid_address(address) -> str:
    try:
        parsed = ipaddress.ip_address(str(address or "").strip())
    except ValueError:
        return ""
    # A dual-stack server sees IPv4 clients as ::ffff:a.b.c.d: log the address people know.
    mapped = getattr(parsed, "ipv4_mapped", None)
    return str(mapped or parsed)


@contextlib.contextmanager
def client_address(address):
    """Entries recorded inside the block carry ``address`` (an IP address, else none)."""
    token = _client_address.set(_valid_address(address))
    try:
        yield
    finally:
        _client_address.reset(token)


def in_reader_language(text: str) -> str:
    """A Chinese text stored as it was written (a label, a field's name) in the active
    language, when the catalogue has it; otherwise as it is."""
    from django.utils.translation import gettext

    return gettext(text) if text else text


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")

    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    # Empty for events about no record (a failed login for an unknown user name).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    # The transition's method name (submit, recommend…) or another action's name.
    action = models.CharField(_("操作"), max_length=50)
    action_label = models.CharField(_("操作名称"), max_length=100)
    source = models.CharField(_("原状态"), max_length=30, blank=True)
    target = models.CharField(_("新状态"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The role at the time: a user's role may change later, the record must not.
    actor_role = models.CharField(_("操作人角色"), max_length=20, blank=True)
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    reason = models.TextField(_("意见或理由"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # The client's address (core.client_ip, behind the TLS proxy the client's own), empty
    # outside a request and for entries written before it was recorded. Sealed into the
    # chain when not empty (audit.chain.canonical); the database keeps the default, so a
    # row inserted without it (a restore, a migration) is still a valid unsealed row.
    ip = models.CharField(_("IP地址"), max_length=45, blank=True, default="", db_default="")
    # Tamper evidence (audit.chain): position in the chain, the previous entry's seal and
    # this entry's (HMAC-SHA256 under the key ``key_id`` names; plain SHA-256 when it is
    # empty, for entries sealed before the chain was keyed), filled in once, right after
    # the entry's transaction commits.
    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The login log and the action filters of the auditor's log screens.
            models.Index(fields=["action", "at"]),
        ]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def shown_label(self) -> str:
        """The label in the reader's language. The entry keeps the Chinese one it was
        recorded with (the official record); it was a message id, so the catalogue has it."""
        return in_reader_language(self.action_label)


class AuditChainHead(models.Model):
    """The chain's last sealed position: one row, locked while sealing. On PostgreSQL it
    only moves forward, onto the newest sealed entry, and cannot be deleted (migration 0008)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


def in_log_language(build):
    """``build()`` run in the portal's language: for reasons a service formats itself
    (``reason=in_log_language(lambda: _("%(amount)s元") % {...})``)."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return build()


def record(
    *,
    subject,
    action: str,
    action_label: str,
    actor,
    source="",
    target="",
    reason="",
    actor_name: str = "",
):
    """Append one entry about ``subject`` (or None). Call it inside the service's transaction.

    ``actor_name`` names someone who acted without an account (a unit's applicant, through
    a signed link); entries with neither an actor nor a name are the system's."""
    from django.db import transaction
    from django.utils import translation

    from .chain import seal_pending

    # The log is an official record: its labels are in the portal's language (Chinese),
    # whatever language the acting user reads the portal in. (Pass labels lazily.)
    with translation.override(settings.LANGUAGE_CODE):
        action_label, reason = str(action_label), str(reason)
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        action=action,
        action_label=action_label,
        source=source,
        target=target,
        actor=actor,
        actor_role=getattr(actor, "effective_role", "") if actor else "",
        actor_name=(actor.get_full_name() or actor.username) if actor else (actor_name or "系统"),
        reason=reason,
        ip=_client_address.get(),
    )
    # Sealed after commit: sealing inside the transaction would serialise every write on
    # the chain head and risk deadlocks with the records' own row locks. Registered after
    # the insert: outside a transaction on_commit runs at once, and would find nothing.
    transaction.on_commit(seal_pending)
    return entry


def record_many(entries, *, action: str, action_label: str, actor, target="", batch=2000):
    """``record`` for many subjects at once (an import of thousands of records): one entry
    per ``(subject, reason)`` of ``entries``, inserted in batches, each exactly as
    ``record`` would write it, sealed after commit the same way. Returns how many."""
    from django.db import transaction
    from django.utils import translation

    from .chain import seal_pending

    with translation.override(settings.LANGUAGE_CODE):
        action_label = str(action_label)
    actor_role = getattr(actor, "effective_role", "") if actor else ""
    actor_name = (actor.get_full_name() or actor.username) if actor else "系统"
    ip = _client_address.get()
    types = {}
    rows = []
    for subject, reason in entries:
        model = type(subject)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(subject)
        rows.append(
            AuditEntry(
                content_type=types[model],
                object_id=subject.pk,
                action=action,
                action_label=action_label,
                target=target or getattr(subject, "state", "") or getattr(subject, "status", ""),
                actor=actor,
                actor_role=actor_role,
                actor_name=actor_name,
                reason=str(reason),
                ip=ip,
            )
        )
    AuditEntry.objects.bulk_create(rows, batch_size=batch)
    transaction.on_commit(seal_pending)
    return len(rows)
