"""A request to change a unit's legal facts, decided by the bureau (Art. 9(1), Art. 11).

The old and the new values are both kept: the record says what the unit was, what it
asked to become, why, who decided and when, whatever happens to the unit later.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .. import rules
from .people import Jurisdiction, Organisation

LEGAL_FACTS = Organisation.LEGAL_FACTS


def _attname(field: str) -> str:
    """The attribute holding a fact's comparable value (a jurisdiction by its id)."""
    return "jurisdiction_id" if field == "jurisdiction" else field


def fact_label(field: str) -> str:
    return str(Organisation._meta.get_field(field).verbose_name)


def fact_display(field: str, value) -> str:
    """A value as people read it: choices by their label, a jurisdiction by its name."""
    if field == "jurisdiction":
        return value.name if value is not None else _("保定市外")
    if field in ("kind", "industry") and value:
        choices = dict(Organisation._meta.get_field(field).choices)
        return str(choices.get(value, value))
    return str(value) if value not in (None, "") else _("（空）")


@dataclass(frozen=True)
class FactChange:
    field: str
    label: str
    old: str
    new: str


def fact_changes(fields, old: dict, new: dict) -> list[FactChange]:
    """The fields whose value differs, old → new, as people read them."""
    return [
        FactChange(
            field=f, label=fact_label(f), old=fact_display(f, old[f]), new=fact_display(f, new[f])
        )
        for f in fields
        if old[f] != new[f]
    ]


def describe_values(fields, obj) -> str:
    """“单位名称：甲；…”: a new record's values that are set, for the log."""
    shown = [(f, getattr(obj, f)) for f in fields]
    return "；".join(
        f"{fact_label(f)}：{fact_display(f, value)}" for f, value in shown if value != ""
    )


def describe_changes(changes) -> str:
    """“单位名称：“甲” → “乙”；…”: the old and new values in one line, for the log."""
    return "；".join(f"{c.label}：“{c.old}” → “{c.new}”" for c in changes)


class OrganisationChange(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PENDING = "pending", gettext_lazy("待审核")
        APPROVED = "approved", gettext_lazy("已批准")
        REJECTED = "rejected", gettext_lazy("不予批准")
        WITHDRAWN = "withdrawn", gettext_lazy("已撤回")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=gettext_lazy("单位"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    old_name = models.CharField(gettext_lazy("原单位名称"), max_length=200)
    new_name = models.CharField(gettext_lazy("新单位名称"), max_length=200)
    old_uscc = models.CharField(gettext_lazy("原统一社会信用代码"), max_length=18)
    new_uscc = models.CharField(gettext_lazy("新统一社会信用代码"), max_length=18)
    old_kind = models.CharField(
        gettext_lazy("原单位类型"), max_length=20, choices=Organisation.Kind.choices
    )
    new_kind = models.CharField(
        gettext_lazy("新单位类型"), max_length=20, choices=Organisation.Kind.choices
    )
    old_industry = models.CharField(
        gettext_lazy("原所属行业"), max_length=1, choices=Organisation.Industry.choices
    )
    new_industry = models.CharField(
        gettext_lazy("新所属行业"), max_length=1, choices=Organisation.Industry.choices
    )
    old_legal_representative = models.CharField(gettext_lazy("原法定代表人"), max_length=50)
    new_legal_representative = models.CharField(gettext_lazy("新法定代表人"), max_length=50)
    old_jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=gettext_lazy("原所在县（市、区）/开发区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=gettext_lazy("新所在县（市、区）/开发区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(gettext_lazy("变更理由"))

    state = FSMField(
        gettext_lazy("状态"), default=State.PENDING, choices=State.choices, protected=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(gettext_lazy("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(gettext_lazy("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(gettext_lazy("审核意见"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = gettext_lazy("单位登记信息变更")
        verbose_name_plural = gettext_lazy("单位登记信息变更")
        constraints = [
            # One open question per unit at a time: a second request would be decided
            # against facts the first one may already have changed.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(state="pending"),
                name="one_pending_change_per_organisation",
            ),
        ]

    def __str__(self):
        return _("%(name)s 登记信息变更（%(state)s）") % {
            "name": self.old_name,
            "state": self.get_state_display(),
        }

    # --- The values ------------------------------------------------------------------

    def old_facts(self) -> dict:
        return {f: getattr(self, "old_" + _attname(f)) for f in LEGAL_FACTS}

    def new_facts(self) -> dict:
        return {f: getattr(self, "new_" + _attname(f)) for f in LEGAL_FACTS}

    def current_facts(self) -> dict:
        return {f: getattr(self.organisation, _attname(f)) for f in LEGAL_FACTS}

    def changes(self) -> list[FactChange]:
        """The facts this request changes, old → new, in the registry's order."""
        old = {f: getattr(self, f"old_{f}") for f in LEGAL_FACTS}
        new = {f: getattr(self, f"new_{f}") for f in LEGAL_FACTS}
        return fact_changes(LEGAL_FACTS, old, new)

    def describe(self) -> str:
        return describe_changes(self.changes())

    @property
    def moves_jurisdiction(self) -> bool:
        return self.old_jurisdiction_id != self.new_jurisdiction_id

    # --- The legal graph: pending → approved | rejected | withdrawn -------------------

    @transition(
        field=state,
        source=State.PENDING,
        target=State.APPROVED,
        permission=rules.may_decide_change,
        conditions=[rules.facts_unchanged_since_request],
    )
    def approve(self, *, decided_by, reason: str = ""):
        self._decide(decided_by, reason)

    @transition(
        field=state,
        source=State.PENDING,
        target=State.REJECTED,
        permission=rules.may_decide_change,
    )
    def reject(self, *, decided_by, reason: str):
        self._decide(decided_by, reason)

    @transition(
        field=state,
        source=State.PENDING,
        target=State.WITHDRAWN,
        permission=rules.is_requesting_unit,
    )
    def withdraw(self, *, decided_by):
        self._decide(decided_by, "")

    def _decide(self, user, reason: str):
        self.decided_by = user
        self.decided_at = timezone.now()
        self.decision_reason = reason
