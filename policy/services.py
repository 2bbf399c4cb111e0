"""Every write to the policy versions: a draft is created (usually as a copy of the
version it succeeds), changed while it is a draft, and published. A published version
never changes again; every change is audited with its old and new values.

The administrator's pages (issue 13 item 3, to come) call these services.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record
from core import transitions

from . import selectors, validation
from .models import LISTS, PARAMETERS, Condition, PolicyVersion

LABELS = {
    "create": gettext_lazy("新建政策版本"),
    "update": gettext_lazy("修改政策版本"),
    "condition": gettext_lazy("修改备案条件"),
    "publish": gettext_lazy("发布政策版本"),
}
PARTICULARS = ("document_number", "title", "issuing_body", "effective_from", "expires_on", "note")
#: What ``version_update`` writes: the particulars and the parameters, nothing else.
FIELDS = frozenset(PARTICULARS) | {name for name, _article in PARAMETERS}
CONDITION_FIELDS = frozenset({"number", "title", "article_text", "evidence", "check_key"})


def require_administrator(by) -> None:
    if not (by.is_authenticated and by.is_administrator):
        raise PermissionDenied


def _require_draft(version: PolicyVersion) -> None:
    if version.state != PolicyVersion.State.DRAFT:
        raise transitions.TransitionRefused([_("已发布的政策版本不能修改，请新建版本。")])


def _only(data: dict, allowed: frozenset, what: str) -> dict:
    unexpected = sorted(set(data) - allowed)
    if unexpected:
        raise TypeError(f"{what} does not accept {', '.join(unexpected)}")
    return data


def _changes(old: dict, new: dict) -> str:
    return "；".join(
        f"{name}: {old.get(name)!s} → {new[name]!s}"
        for name in sorted(new)
        if old.get(name) != new[name]
    )


def _copy_lists(source: PolicyVersion, target: PolicyVersion) -> None:
    for related in LISTS:
        rows = list(getattr(source, related).all())
        model = getattr(source, related).model
        for row in rows:
            row.pk = None
            row.version = target
        model.objects.bulk_create(rows)
    for article in source.articles.all():
        article.pk = None
        article.version = target
        article.save()


@transaction.atomic
def version_create(*, by, copy_from: PolicyVersion | None = None, data: dict) -> PolicyVersion:
    """A new draft. ``copy_from``'s parameters, articles and lists are copied (a successor
    usually changes a few of them); ``data`` (``FIELDS``) overrides particulars and
    parameters. ValidationError keyed by field."""
    _only(data, FIELDS, "version_create")
    require_administrator(by)
    values = {}
    if copy_from is not None:
        values = {name: getattr(copy_from, name) for name, _article in PARAMETERS}
    values.update(data)
    version = PolicyVersion(created_by=by, **values)
    validation.full_clean(version)
    version.save()
    if copy_from is not None:
        _copy_lists(copy_from, version)
    record(
        subject=version,
        action="create",
        action_label=LABELS["create"],
        actor=by,
        target=version.state,
        reason=str(version) + (f" ← {copy_from}" if copy_from else ""),
    )
    return version


def _locked(version: PolicyVersion, expected_state=None) -> PolicyVersion:
    return transitions.lock(PolicyVersion.objects.all(), version.pk, expected_state)


@transaction.atomic
def version_update(*, version: PolicyVersion, by, data: dict) -> PolicyVersion:
    """Change a draft's particulars and parameters (``FIELDS``); audited old → new."""
    _only(data, FIELDS, "version_update")
    version = _locked(version)
    _require_draft(version)
    require_administrator(by)
    old = {name: getattr(version, name) for name in data}
    for name, value in data.items():
        setattr(version, name, value)
    validation.full_clean(version)
    version.save(update_fields=list(data))
    record(
        subject=version,
        action="update",
        action_label=LABELS["update"],
        actor=by,
        reason=_changes(old, data),
    )
    return version


@transaction.atomic
def condition_save(*, version: PolicyVersion, by, key: str, data: dict) -> Condition:
    """Add the Art. 9 condition ``key`` to a draft, or change it (``CONDITION_FIELDS``)."""
    _only(data, CONDITION_FIELDS, "condition_save")
    version = _locked(version)
    _require_draft(version)
    require_administrator(by)
    condition = version.conditions.filter(key=key).first() or Condition(version=version, key=key)
    old = {name: getattr(condition, name, None) for name in data} if condition.pk else {}
    for name, value in data.items():
        setattr(condition, name, value.strip() if isinstance(value, str) else value)
    validation.full_clean(condition)
    condition.save()
    record(
        subject=version,
        action="condition",
        action_label=LABELS["condition"],
        actor=by,
        reason=f"{key}: " + _changes(old, data),
    )
    return condition


def explain(version: PolicyVersion, name: str) -> list[str]:
    return validation.publish_problems(version) if name == "publish" else []


@transaction.atomic
def version_publish(*, version: PolicyVersion, by, expected_state=None) -> PolicyVersion:
    """Publish a complete draft whose validity overlaps no published version's.

    Publishes are serialised on the published rows' locks; the overlap is then read in a
    statement of its own, which sees a publish that committed while this one waited. On
    PostgreSQL an exclusion constraint refuses an overlap all the same (migration 0003).
    """
    list(PolicyVersion.objects.select_for_update().filter(state=PolicyVersion.State.PUBLISHED))
    version = _locked(version, expected_state)
    transitions.check(version, "publish", by, explain=explain, label=LABELS["publish"])
    try:
        with transaction.atomic():
            transitions.perform(
                version,
                "publish",
                by,
                label=LABELS["publish"],
                log_reason=str(version),
                at=timezone.now(),
                publisher=by,
            )
    except IntegrityError:
        raise ValidationError(validation.OVERLAP) from None
    selectors.forget()
    transaction.on_commit(selectors.forget)
    return version
