"""Every write to the policy versions: a draft is created (usually as a copy of the
version it succeeds), changed while it is a draft, and published. A published version
never changes again; every change is audited with its old and new values.

The administrator's pages (``portal.views.policy``) call these services.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import record
from core import transitions

from . import selectors, validation
from .models import LISTS, PARAMETERS, Condition, PolicyVersion

LABELS = {
    "create": gettext_lazy("新建政策版本"),
    "update": gettext_lazy("修改政策版本"),
    "part": gettext_lazy("修改政策版本的清单"),
    "part_delete": gettext_lazy("删除政策版本的清单项"),
    "publish": gettext_lazy("发布政策版本"),
    "end": gettext_lazy("新版本施行，原版本同日失效"),
    "withdraw": gettext_lazy("撤回发布（尚未施行）"),
    "restore": gettext_lazy("新版本撤回，原版本恢复长期有效"),
    "delete": gettext_lazy("删除政策版本草稿"),
}
PARTICULARS = ("document_number", "title", "issuing_body", "effective_from", "expires_on", "note")
#: What ``version_update`` writes: the particulars and the parameters, nothing else.
FIELDS = frozenset(PARTICULARS) | {name for name, _article in PARAMETERS}


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


def _label(name: str, model=PolicyVersion) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _changes(old: dict, new: dict, model=PolicyVersion) -> str:
    """ "施行日期: 2027-03-01 → 2027-04-01；…": the verbose names, in the log's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return "；".join(
            f"{_label(name, model)}: {_shown(old.get(name))} → {_shown(new[name])}"
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
        reason=str(version)
        + (f" ← {copy_from}" if copy_from else "")
        + "；"
        + _changes({}, {name: getattr(version, name) for name in sorted(FIELDS)}),
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


#: Each list of a version: the row's identifying field (chosen when the row is added,
#: fixed afterwards: records store it) and the fields an administrator may change.
PARTS = {
    "articles": ("number", frozenset({"chapter", "text"})),
    "categories": ("key", frozenset({"number", "title", "description"})),
    "conditions": ("key", frozenset({"number", "title", "article_text", "evidence", "check_key"})),
    "materials": (
        "kind",
        frozenset({"number", "title", "required", "accepted_types", "max_bytes"}),
    ),
    "event_kinds": ("key", frozenset({"number", "title"})),
    "grounds": ("key", frozenset({"number", "text"})),
    "criteria": ("name", frozenset({"number", "weight"})),
}
CONDITION_FIELDS = PARTS["conditions"][1]
PART_LABELS = {
    "articles": gettext_lazy("条文"),
    "categories": gettext_lazy("联盟类别（第八条）"),
    "conditions": gettext_lazy("备案条件（第九条）"),
    "materials": gettext_lazy("备案材料（第十条）"),
    "event_kinds": gettext_lazy("重大事项类型（第十二条）"),
    "grounds": gettext_lazy("取消备案情形（第十三条）"),
    "criteria": gettext_lazy("默认评审指标（第十五条）"),
}
KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,30}$")


def _identity_problem(related: str, identity) -> str | None:
    if related == "articles":
        return None if isinstance(identity, int) and 1 <= identity <= 99 else _("条号须为1到99。")
    if related == "criteria":
        name = (identity or "").strip() if isinstance(identity, str) else ""
        return None if name and len(name) <= 50 else _("请填写评审指标名称（50字以内）。")
    if not isinstance(identity, str) or not KEY_PATTERN.match(identity):
        return _("代码只能由小写英文字母、数字和下划线组成（1–30个字符）。")
    return None


def _duplicate_problems(row, related: str, id_field: str) -> dict:
    others = getattr(row.version, related).exclude(pk=row.pk)
    errors = {}
    if others.filter(**{id_field: getattr(row, id_field)}).exists():
        errors[id_field] = [_("本版本已有相同的代码或名称。")]
    if id_field != "number" and others.filter(number=row.number).exists():
        errors["number"] = [_("本版本已有相同的项号，请换一个。")]
    return errors


@transaction.atomic
def part_save(*, version: PolicyVersion, by, related: str, identity, data: dict, new=False):
    """Add the row ``identity`` (its key, kind, name or article number) to one of a
    draft's lists (``PARTS``), or change it; with ``new``, only add it. Audited old → new.
    ValidationError keyed by field, nothing saved."""
    id_field, allowed = PARTS[related]
    _only(data, allowed, "part_save")
    version = _locked(version)
    _require_draft(version)
    require_administrator(by)
    manager = getattr(version, related)
    row = manager.filter(**{id_field: identity}).first()
    if row is not None and new:
        raise ValidationError({id_field: [_("本版本已有相同的代码或名称。")]})
    if row is None:
        problem = _identity_problem(related, identity)
        if problem:
            raise ValidationError({id_field: [problem]})
        row = manager.model(version=version, **{id_field: identity})
    old = {name: getattr(row, name, None) for name in data} if row.pk else {}
    for name, value in data.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    errors = _duplicate_problems(row, related, id_field)
    if not isinstance(row.number, int) or not 1 <= row.number <= 99:
        errors["number"] = [_("项号须为1到99的整数。")]
    weight = getattr(row, "weight", 1)
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = [_("权重须为1到100的整数。")]
    size = getattr(row, "max_bytes", 1)
    if not isinstance(size, int) or not 0 < size <= settings.UPLOAD_MAX_BYTES:
        errors["max_bytes"] = [
            _("单个文件大小上限须大于0，且不超过平台的上限%(limit)s。")
            % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        ]
    try:
        validation.full_clean(row)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    row.save()
    record(
        subject=version,
        action="part",
        action_label=LABELS["part"],
        actor=by,
        reason=f"{PART_LABELS[related]} {identity}: "
        + (_changes(old, data, manager.model) or _("未改动")),
    )
    return row


@transaction.atomic
def part_delete(*, version: PolicyVersion, by, related: str, identity) -> None:
    """Remove a row from one of a draft's lists; audited with what it said."""
    id_field, allowed = PARTS[related]
    version = _locked(version)
    _require_draft(version)
    require_administrator(by)
    row = getattr(version, related).filter(**{id_field: identity}).first()
    if row is None:
        return
    old = {name: getattr(row, name) for name in sorted(allowed)}
    row.delete()
    record(
        subject=version,
        action="part_delete",
        action_label=LABELS["part_delete"],
        actor=by,
        reason=f"{PART_LABELS[related]} {identity}: "
        + _changes(old, dict.fromkeys(old), type(row)),
    )


def condition_save(*, version: PolicyVersion, by, key: str, data: dict) -> Condition:
    """Add the Art. 9 condition ``key`` to a draft, or change it (``CONDITION_FIELDS``)."""
    return part_save(version=version, by=by, related="conditions", identity=key, data=data)


def explain(version: PolicyVersion, name: str) -> list[str]:
    if name == "publish":
        return validation.publish_problems(version)
    if name == "withdraw":
        return [_("该版本已经施行，不能撤回：已办理的事项可能依据它。请发布新的版本。")]
    return []


def predecessor_to_end(version: PolicyVersion, today=None):
    """The published version that ``version`` would end if published: the one in force
    the day before ``version`` takes effect and still in force on that day (a successor
    usually repeals its predecessor: "原办法同时废止"). None when there is none, or when
    ``version`` takes effect today or earlier — the past is never rewritten."""
    today = today or timezone.localdate()
    if version.effective_from is None or version.effective_from <= today:
        return None
    for other in validation.overlapping(version):
        if other.effective_from < version.effective_from and other.expires_on is None:
            return other
    return None


@transaction.atomic
def version_publish(
    *, version: PolicyVersion, by, expected_state=None, end_predecessor=None
) -> PolicyVersion:
    """Publish a complete draft whose validity overlaps no published version's. With
    ``end_predecessor`` (the pk of the version the administrator was shown:
    ``predecessor_to_end``),
    that version ends on the day this one takes effect — the one change a published
    version ever takes, audited; a page that named another one is stale.

    Publishes are serialised on the published rows' locks; the overlap is then read in a
    statement of its own, which sees a publish that committed while this one waited. On
    PostgreSQL an exclusion constraint refuses an overlap all the same (migration 0003).
    """
    list(PolicyVersion.objects.select_for_update().filter(state=PolicyVersion.State.PUBLISHED))
    version = _locked(version, expected_state)
    if end_predecessor is not None and version.state == PolicyVersion.State.DRAFT:
        require_administrator(by)
        predecessor = predecessor_to_end(version)
        if predecessor is None or predecessor.pk != end_predecessor:
            raise transitions.StaleRecord
        old = predecessor.expires_on
        PolicyVersion.objects.filter(pk=predecessor.pk).update(expires_on=version.effective_from)
        record(
            subject=predecessor,
            action="end",
            action_label=LABELS["end"],
            actor=by,
            reason=_changes({"expires_on": old}, {"expires_on": version.effective_from})
            + f"（{version}）",
        )
        version.ended = predecessor
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


@transaction.atomic
def version_withdraw(*, version: PolicyVersion, by, expected_state=None) -> PolicyVersion:
    """Take back a published version before it takes effect: it becomes a draft again (to
    correct and publish, or delete), and a predecessor its publication ended is in force
    again as before. Audited."""
    list(PolicyVersion.objects.select_for_update().filter(state=PolicyVersion.State.PUBLISHED))
    version = _locked(version, expected_state)
    transitions.check(version, "withdraw", by, explain=explain, label=LABELS["withdraw"])
    predecessor = version.ended
    transitions.perform(version, "withdraw", by, label=LABELS["withdraw"], log_reason=str(version))
    if predecessor is not None and predecessor.expires_on == version.effective_from:
        PolicyVersion.objects.filter(pk=predecessor.pk).update(expires_on=None)
        record(
            subject=predecessor,
            action="restore",
            action_label=LABELS["restore"],
            actor=by,
            reason=_changes({"expires_on": version.effective_from}, {"expires_on": None})
            + f"（{version}）",
        )
    selectors.forget()
    transaction.on_commit(selectors.forget)
    return version


@transaction.atomic
def version_delete(*, version: PolicyVersion, by) -> None:
    """Delete a draft (never a published version). The audit log keeps its history."""
    version = _locked(version)
    _require_draft(version)
    require_administrator(by)
    record(
        subject=version,
        action="delete",
        action_label=LABELS["delete"],
        actor=by,
        reason=str(version),
    )
    version.delete()
