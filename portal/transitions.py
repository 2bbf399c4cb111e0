"""Running a django-fsm transition the way every service in the portal does.

A service locks the row (``lock``), refuses a stale page (``expected_state``), checks —
in this order — that the state allows the action (explained), that the user may act
(403), and that the legal conditions hold (explained); then runs the transition, saves,
and appends to the audit log. Side effects are the caller's, scheduled on commit.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record


class StaleRecord(Exception):
    """The record changed since the user loaded the page (another decision came first)."""

    message = gettext_lazy("该记录已被他人修改，请刷新页面后重试。")


class TransitionRefused(Exception):
    """The state or the law does not allow the action; ``reasons`` says why."""

    def __init__(self, reasons):
        self.reasons = [str(r) for r in reasons]
        super().__init__("; ".join(self.reasons))


def lock(queryset, pk, expected_state: str | None = None, *, field: str = "state"):
    """The row, locked until the transaction ends; StaleRecord if its state moved on."""
    obj = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_state and getattr(obj, field) != expected_state:
        raise StaleRecord
    return obj


def check(obj, name: str, by, *, explain=None, label=None, field="state"):
    """Raise unless ``by`` may run transition ``name`` on ``obj`` now.

    ``explain(obj, name)`` gives the reasons when the legal conditions fail; ``label``
    names the action in the refusal when the state does not allow it.
    """
    meta = getattr(obj, name)._django_fsm  # django-fsm's transition metadata
    state = getattr(obj, field)
    if not meta.has_transition(state):
        shown = getattr(obj, f"get_{field}_display")()
        if label:
            message = _("当前状态为“%(state)s”，不能执行“%(action)s”。") % {
                "state": shown,
                "action": label,
            }
        else:
            message = _("当前状态为“%(state)s”，不能执行该操作。") % {"state": shown}
        raise TransitionRefused([message])
    if not meta.has_transition_perm(obj, state, by):
        raise PermissionDenied
    if not meta.conditions_met(obj, state):
        reasons = explain(obj, name) if explain else []
        raise TransitionRefused(reasons or [_("当前不满足执行该操作的条件。")])


def perform(obj, name: str, by, *, label, log_reason: str = "", field="state", **kwargs):
    source = getattr(obj, field)
    getattr(obj, name)(**kwargs)
    obj.save()
    record(
        subject=obj,
        action=name,
        action_label=label,
        actor=by,
        source=source,
        target=getattr(obj, field),
        reason=log_reason,
    )
    return obj


def run(obj, name: str, by, *, label, explain=None, log_reason: str = "", field="state", **kwargs):
    check(obj, name, by, explain=explain, label=label, field=field)
    return perform(obj, name, by, label=label, log_reason=log_reason, field=field, **kwargs)
