"""Running a django-fsm transition the way every service in the portal does.

A service locks the row (``lock``), refuses a stale page (``expected_state``), checks —
in this order — that the state allows the action (explained), that the user may act
(403), and that the legal conditions hold (explained); then runs the transition, saves,
and appends to the audit log. Side effects are the caller's, enqueued in the same
transaction (``core.outbox``).

``available(obj, user)`` answers the pages' question — which buttons to show — from the
same rules, so a page never offers what the service would refuse for state or permission.

Only django-fsm's public API is used: ``get_all_<field>_transitions()`` lists the
``Transition`` objects (name, source, target, conditions, permission).
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record

# django-fsm's wildcard sources: any state, and any state but the target.
ANY_STATE, ANY_OTHER_STATE = "*", "+"


class StaleRecord(Exception):
    """The record changed since the user loaded the page (another decision came first)."""

    message = gettext_lazy("该记录已被他人修改，请刷新页面后重试。")


class TransitionRefused(Exception):
    """The state or the law does not allow the action; ``reasons`` says why."""

    def __init__(self, reasons):
        self.reasons = [str(r) for r in reasons]
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class Action:
    """A transition the user may take from the current state; ``reasons`` says why it is
    refused now (a legal condition fails), empty when it can be taken."""

    name: str
    reasons: tuple[str, ...] = dataclass_field(default=())

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _from_state(obj, name: str, field: str):
    """The ``Transition`` called ``name`` that leaves ``obj``'s current state, or None
    (django-fsm's own precedence: an exact source, then ``*``, then ``+``)."""
    state = getattr(obj, field)
    candidates = [t for t in getattr(obj, f"get_all_{field}_transitions")() if t.name == name]
    for wanted in (state, ANY_STATE):
        for candidate in candidates:
            if candidate.source == wanted:
                return candidate
    for candidate in candidates:
        if candidate.source == ANY_OTHER_STATE and candidate.target != state:
            return candidate
    return None


def _conditions_met(obj, transition) -> bool:
    return all(condition(obj) for condition in transition.conditions)


def _condition_reasons(obj, name, transition, explain) -> tuple[str, ...]:
    if _conditions_met(obj, transition):
        return ()
    reasons = explain(obj, name) if explain else []
    return tuple(str(r) for r in reasons) or (_("当前不满足执行该操作的条件。"),)


def transition_names(obj, field: str = "state") -> list[str]:
    """Every transition declared on ``obj``'s ``field``, in declaration order."""
    names = []
    for transition in getattr(obj, f"get_all_{field}_transitions")():
        if transition.name not in names:
            names.append(transition.name)
    return names


def available(obj, user, *, names=None, explain=None, field: str = "state") -> list[Action]:
    """The actions ``user`` may take on ``obj`` in its current state, in the order of
    ``names`` (default: as declared), each with the reasons it is refused now when a
    legal condition fails (``explain(obj, name)`` says which). Actions the state does not
    allow, or that the user has no right to take, are not listed."""
    actions = []
    for name in names if names is not None else transition_names(obj, field):
        transition = _from_state(obj, name, field)
        if transition is None or not transition.has_perm(obj, user):
            continue
        actions.append(Action(name, _condition_reasons(obj, name, transition, explain)))
    return actions


def lock(queryset, pk, expected_state: str | None = None, *, field: str = "state"):
    """The row, locked until the transaction ends; StaleRecord if its state moved on."""
    obj = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_state and getattr(obj, field) != expected_state:
        raise StaleRecord
    return obj


def check(obj, name: str, by, *, explain=None, label=None, field="state"):
    """Raise unless ``by`` may run transition ``name`` on ``obj`` now: TransitionRefused
    when the state does not allow it, PermissionDenied when ``by`` may not, and
    TransitionRefused with ``explain(obj, name)``'s reasons when a legal condition fails.
    ``label`` names the action in the refusal."""
    transition = _from_state(obj, name, field)
    if transition is None:
        raise TransitionRefused([state_refusal(obj, label, field=field)])
    if not transition.has_perm(obj, by):
        raise PermissionDenied
    reasons = _condition_reasons(obj, name, transition, explain)
    if reasons:
        raise TransitionRefused(reasons)


def state_refusal(obj, label=None, *, field: str = "state") -> str:
    """“The current state does not allow this”, in the user's words."""
    shown = getattr(obj, f"get_{field}_display")()
    if label:
        return _("当前状态为“%(state)s”，不能执行“%(action)s”。") % {
            "state": shown,
            "action": label,
        }
    return _("当前状态为“%(state)s”，不能执行该操作。") % {"state": shown}


def perform(
    obj, name: str, by, *, label, log_reason: str = "", field="state", actor_name="", **kwargs
):
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
        actor_name=actor_name,
    )
    return obj


def run(
    obj,
    name: str,
    by,
    *,
    label,
    explain=None,
    log_reason: str = "",
    field="state",
    actor_name="",
    **kwargs,
):
    check(obj, name, by, explain=explain, label=label, field=field)
    return perform(
        obj,
        name,
        by,
        label=label,
        log_reason=log_reason,
        field=field,
        actor_name=actor_name,
        **kwargs,
    )
