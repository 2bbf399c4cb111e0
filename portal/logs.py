"""The security auditor's two log screens (安全审计员, issue 14): 操作日志 and 登录日志.

Both read ``audit.AuditEntry``, the one log of the portal (append-only, sealed into a
keyed chain): the operation log every entry, the login log the logins, logouts, failed
logins, lockouts and two-factor events. Only the auditor reads them
(``log_entries_visible_to``); the administrator does not (三员分立, docs/decisions.md).

- ``OperationLogFilter`` and ``LoginLogFilter``: the filters of each screen, also what an
  export job re-applies to its stored conditions;
- ``present(entries)``: each row in Chinese (role, record type and record, states), with
  the records named in one query per record type on the page, never one per row;
- ``operation_log_rows`` / ``login_log_rows``: the Excel exports' sources
  (``portal.exports.SOURCES``, built by ``portal.tasks.run_export``).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.two_factor import LABELS as TWO_FACTOR_LABELS
from audit.models import AuditEntry

PAGE_SIZE = 25
#: Rows in one export at most; a larger selection is refused with a message to narrow it.
EXPORT_LIMIT = 100_000
#: The apps whose records the log names (the record-type filter offers their models).
PROJECT_APPS = (
    "accounts",
    "audit",
    "core",
    "policy",
    "filings",
    "supervision",
    "subsidies",
    "portal",
)

TWO_FACTOR_ACTIONS = tuple(TWO_FACTOR_LABELS)
LOGIN_KINDS = {
    "login": (gettext_lazy("登录"), ("login",)),
    # A session the security administrator ended, and a lockout they lifted, belong with
    # the events they end (accounts.security_admin).
    "logout": (gettext_lazy("退出登录（含强制下线）"), ("logout", "session_ended")),
    "login_failed": (gettext_lazy("登录失败"), ("login_failed",)),
    "lockout": (gettext_lazy("登录锁定与解除"), ("lockout", "lockout_reset")),
    "two_factor": (gettext_lazy("两步验证"), TWO_FACTOR_ACTIONS),
}
LOGIN_ACTIONS = tuple(action for _label, actions in LOGIN_KINDS.values() for action in actions)
#: Entries of a refused attempt; every other entry records something that was done.
FAILURE_ACTIONS = ("login_failed", "lockout", "two_factor_failed")
#: Entries written for someone not signed in (the log's actor name says 系统).
ANONYMOUS_ACTIONS = ("login_failed", "lockout", "password_reset_request")
RESULTS = [("success", gettext_lazy("成功")), ("failure", gettext_lazy("失败"))]
NO_ROLE = "none"
NO_RECORD = "none"

#: Records named in the rows: what each one's ``str()`` reads besides its own row (joined
#: in the one query per type). A type not listed is shown by type and number only.
SUBJECT_RELATED = {
    "accounts.user": (),
    "accounts.organisation": (),
    "accounts.jurisdiction": (),
    "accounts.organisationchange": (),
    "filings.alliance": (),
    "filings.alliancemember": ("organisation",),
    "filings.filing": ("alliance",),
    "filings.filingmaterial": (),
    "filings.filingdocument": (),
    "supervision.annualsummary": ("alliance",),
    "supervision.eventreport": ("alliance",),
    "supervision.revocationcase": ("alliance",),
    "supervision.symposium": (),
    "supervision.symposiuminvitation": ("symposium", "alliance"),
    "supervision.provincialrecommendation": ("alliance",),
    "subsidies.subsidyround": (),
    "subsidies.application": ("alliance", "round"),
    "subsidies.assignment": ("evaluator", "application__alliance", "application__round"),
    "subsidies.award": ("application__alliance",),
    "subsidies.objection": ("award__application__alliance",),
    "policy.policyversion": (),
    "portal.exportjob": (),
}

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


def log_entries_visible_to(user):
    """Every entry for the security auditor; nothing for anyone else, the administrator
    included (separation of duties)."""
    if user.is_authenticated and user.effective_role == Role.AUDITOR:
        return AuditEntry.objects.all()
    return AuditEntry.objects.none()


# --- Filters -------------------------------------------------------------------------------


def record_type_choices():
    """The project's record types by their Chinese names (models named explicitly: the
    internal tables without a verbose name are never an entry's record); a name two
    types share is told apart by its app's."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and "verbose_name" in model._meta.original_attrs
    ]
    shared = Counter(str(model._meta.verbose_name) for model in models)
    types = []
    for model in models:
        label = str(model._meta.verbose_name)
        if shared[label] > 1:
            label = f"{label}（{model._meta.app_config.verbose_name}）"
        types.append((f"{model._meta.app_label}.{model._meta.model_name}", label))
    types.sort(key=lambda choice: choice[1])
    return [*types, (NO_RECORD, _("无（不针对具体记录）"))]


def role_choices():
    return [*Role.choices, (NO_ROLE, _("无（系统或未登录）"))]


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the portal's time zone (Asia/Shanghai)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


class LogFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return data


def _date_filter(label, method):
    return django_filters.DateFilter(
        label=label,
        method=method,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(FIRST_DAY, message=gettext_lazy("日期不能早于2000年1月1日。")),
            MaxValueValidator(LAST_DAY, message=gettext_lazy("日期不能晚于2099年12月31日。")),
        ],
    )


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class BaseLogFilter(django_filters.FilterSet):
    """The filters both screens share: who, when, the result and the client address."""

    user = django_filters.CharFilter(
        label=gettext_lazy("用户（姓名或用户名包含）"), method="filter_user", max_length=150
    )
    since = _date_filter(gettext_lazy("开始日期"), "filter_since")
    until = _date_filter(gettext_lazy("结束日期"), "filter_until")
    result = django_filters.ChoiceFilter(
        label=gettext_lazy("结果"), choices=RESULTS, method="filter_result"
    )
    ip = django_filters.CharFilter(
        label=gettext_lazy("IP地址（开头）"), method="filter_ip", max_length=45
    )

    class Meta:
        model = AuditEntry
        fields: list = []
        form = LogFilterForm

    def filter_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor_name__icontains=value) | Q(actor__username__icontains=value))

    def filter_since(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_result(self, queryset, name, value):
        if value == "failure":
            return queryset.filter(action__in=FAILURE_ACTIONS)
        return queryset.exclude(action__in=FAILURE_ACTIONS)

    def filter_ip(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Entries from before the address had a column of its own (issue 14) carry it in
        # their reason, as logins, failed logins and two-factor events always did.
        return queryset.filter(Q(ip__startswith=value) | Q(ip="", reason__contains=value))

    def conditions(self) -> dict:
        """The valid conditions as typed (strings), for an export job to apply again."""
        return {
            name: str(self.data.get(name)).strip()
            for name in self.form.fields
            if self.data.get(name) not in (None, "") and str(self.data.get(name)).strip()
        }


class OperationLogFilter(BaseLogFilter):
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("角色"), choices=role_choices, method="filter_role"
    )
    action = django_filters.CharFilter(
        label=gettext_lazy("操作（名称包含）"),
        field_name="action_label",
        lookup_expr="icontains",
        max_length=100,
    )
    record_type = django_filters.ChoiceFilter(
        label=gettext_lazy("记录类型"), choices=record_type_choices, method="filter_record_type"
    )
    record_id = IntegerFilter(
        label=gettext_lazy("记录编号"), field_name="object_id", min_value=1, max_value=2**63 - 1
    )

    class Meta(BaseLogFilter.Meta):
        fields: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The order on the page: who, what, on which record, when, how, from where.
        order = ["user", "role", "action", "record_type", "record_id", "since", "until"]
        order += ["result", "ip"]
        self.filters = {name: self.filters[name] for name in order}  # the form follows

    def filter_role(self, queryset, name, value):
        return queryset.filter(actor_role="" if value == NO_ROLE else value)

    def filter_record_type(self, queryset, name, value):
        if value == NO_RECORD:
            return queryset.filter(content_type__isnull=True)
        app_label, _dot, model = value.partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            return queryset.none()
        return queryset.filter(content_type=content_type)


class LoginLogFilter(BaseLogFilter):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("事件"),
        choices=[(key, label) for key, (label, _actions) in LOGIN_KINDS.items()],
        method="filter_kind",
    )

    class Meta(BaseLogFilter.Meta):
        fields: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = ["user", "kind", "since", "until", "result", "ip"]
        self.filters = {name: self.filters[name] for name in order}  # the form follows

    def filter_user(self, queryset, name, value):
        """Who acted, whose account it was (a failed login has no actor), or the user
        name typed when no account has it."""
        value = value.strip()
        if not value:
            return queryset
        accounts = (
            User.objects.annotate(full_name=Concat("last_name", "first_name"))
            .filter(Q(username__icontains=value) | Q(full_name__icontains=value))
            .values("pk")
        )
        return queryset.filter(
            Q(actor_name__icontains=value)
            | Q(actor__username__icontains=value)
            | Q(content_type=ContentType.objects.get_for_model(User), object_id__in=accounts)
            | Q(actor__isnull=True, content_type__isnull=True, reason__icontains=value)
        )

    def filter_kind(self, queryset, name, value):
        return queryset.filter(action__in=LOGIN_KINDS[value][1])


def operation_entries(user):
    return (
        log_entries_visible_to(user).select_related("content_type", "actor").order_by("-at", "-pk")
    )


def login_entries(user):
    return operation_entries(user).filter(action__in=LOGIN_ACTIONS)


# --- Rows in Chinese -----------------------------------------------------------------------


@dataclass
class Row:
    entry: AuditEntry
    who: str
    username: str
    role: str
    record_type: str
    record: str  # the record's own name, where it is cheap to get; else ""
    record_missing: bool  # the entry names a record that no longer exists
    source: str
    target: str
    failed: bool
    account: str  # the login log's user: the account, or the user name typed

    @property
    def at(self):
        return timezone.localtime(self.entry.at)

    @property
    def result(self) -> str:
        return _("失败") if self.failed else _("成功")


def _state_labels(model) -> dict:
    for name in ("state", "status"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.choices:
            return {value: str(label) for value, label in field.flatchoices}
    return {}


def _subjects(entries) -> dict:
    """``{(content type id, object id): record}`` for the entries' records of the types in
    SUBJECT_RELATED: one query per type, whatever the number of rows."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.content_type_id and entry.object_id:
            wanted[entry.content_type_id].add(entry.object_id)
    found = {}
    for content_type_id, ids in wanted.items():
        content_type = ContentType.objects.get_for_id(content_type_id)
        related = SUBJECT_RELATED.get(f"{content_type.app_label}.{content_type.model}")
        model = content_type.model_class()
        if related is None or model is None:
            continue
        queryset = model._base_manager.all()
        if related:  # (select_related() with no names would follow every foreign key)
            queryset = queryset.select_related(*related)
        for pk, obj in queryset.in_bulk(ids).items():
            found[(content_type_id, pk)] = obj
    return found


#: Where the typed user name ends in a lockout's reason (accounts.signals.audit_lockout).
LOCKOUT_MARKERS = (" 连续登录失败", " 在锁定期间")


def _typed_name(entry) -> str:
    """The user name a failed login or lockout typed, shown as typed and marked as such:
    its reason is "<name as typed> <address>" (a lockout's, "<name> 连续登录失败…"), and a
    name may itself contain spaces, an address or a newline — so it is never taken for an
    account's name ("admin 10.0.0.1 x" is not the administrator)."""
    reason = entry.reason
    for marker in LOCKOUT_MARKERS:
        if marker in reason:
            reason = reason.split(marker, 1)[0]
            break
    else:
        head, _sep, tail = reason.rpartition(" ")
        if head and (tail == (entry.ip or "") or tail.count(".") == 3 or ":" in tail):
            reason = head
    typed = " ".join(reason.split())  # a newline typed into the name is shown as a space
    return _("输入的用户名“%(name)s”（无此账号）") % {"name": typed} if typed else ""


def present(entries) -> list[Row]:
    entries = list(entries)
    subjects = _subjects(entries)
    roles = dict(Role.choices)
    rows = []
    for entry in entries:
        content_type = entry.content_type if entry.content_type_id else None
        model = content_type.model_class() if content_type else None
        states = _state_labels(model) if model else {}
        subject = subjects.get((entry.content_type_id, entry.object_id))
        named = bool(
            content_type
            and entry.object_id
            and f"{content_type.app_label}.{content_type.model}" in SUBJECT_RELATED
        )
        if entry.actor_id is None and entry.action in ANONYMOUS_ACTIONS:
            who = _("未登录用户")
        else:
            who = entry.actor_name
        if isinstance(subject, User):
            account = str(subject)
        elif entry.actor_id:
            account = entry.actor_name
        else:
            account = _typed_name(entry)
        rows.append(
            Row(
                entry=entry,
                who=who,
                username=entry.actor.username if entry.actor_id else "",
                role=str(roles.get(entry.actor_role, entry.actor_role)),
                record_type=str(model._meta.verbose_name) if model else "",
                record=str(subject) if subject is not None else "",
                record_missing=named and subject is None,
                source=states.get(entry.source, entry.source),
                target=states.get(entry.target, entry.target),
                failed=entry.action in FAILURE_ACTIONS,
                account=account,
            )
        )
    return rows


# --- Exports --------------------------------------------------------------------------------


def _when(row: Row) -> str:
    return row.at.strftime("%Y-%m-%d %H:%M:%S")


def _exported(filter_class, base, user, params):
    filterset = filter_class(params, queryset=base(user))
    if not filterset.is_valid():
        # Checked when the job was asked for: conditions that no longer hold (a record type
        # removed since) export nothing rather than everything.
        return AuditEntry.objects.none()
    return filterset.qs[:EXPORT_LIMIT]


def operation_log_rows(user, params: dict):
    headers = [
        _("时间"),
        _("操作人"),
        _("用户名"),
        _("角色"),
        _("操作"),
        _("结果"),
        _("记录类型"),
        _("记录编号"),
        _("记录"),
        _("原状态"),
        _("新状态"),
        _("意见或理由"),
        _("IP地址"),
        _("日志编号"),
        _("链上序号"),
    ]

    def rows(entries):
        return [
            [
                _when(row),
                row.who,
                row.username,
                row.role,
                row.entry.action_label,
                row.result,
                row.record_type,
                row.entry.object_id or "",
                row.record,
                row.source,
                row.target,
                row.entry.reason,
                row.entry.ip,
                row.entry.pk,
                row.entry.seq or "",
            ]
            for row in present(entries)
        ]

    return headers, _exported(OperationLogFilter, operation_entries, user, params), rows


def login_log_rows(user, params: dict):
    headers = [
        _("时间"),
        _("用户"),
        _("事件"),
        _("结果"),
        _("IP地址"),
        _("说明"),
        _("日志编号"),
    ]

    def rows(entries):
        return [
            [
                _when(row),
                row.account,
                row.entry.action_label,
                row.result,
                row.entry.ip,
                row.entry.reason,
                row.entry.pk,
            ]
            for row in present(entries)
        ]

    return headers, _exported(LoginLogFilter, login_entries, user, params), rows
