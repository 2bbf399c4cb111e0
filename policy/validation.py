"""What makes a version valid: each field on its own (``full_clean``, keyed by field, in
Chinese), and the whole rule set before it may be published (``publish_problems``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CHECKS, FILE_TYPES, PolicyVersion

#: Upper bounds a sensible version keeps (the forms that use them have the same limits:
#: a round's 公示 period is at most 30 working days, a panel at most 15).
CAPS = {
    "overdue_reminder_interval_days": 365,
    "event_late_days": 365,
    "statement_working_days": 60,
    "notice_working_days": 30,
    "evaluators_per_application": 15,
    "trim_min_scores": 15,
}

OVERLAP = gettext_lazy("该版本的施行期间与已发布的版本重叠：任何一天只能有一个版本施行。")


def reminder_days_problem(value) -> str | None:
    if not isinstance(value, list) or not value:
        return _("请填写至少一个提醒日（截止前天数，0为截止当日）。")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 366 for v in value):
        return _("提醒日须为0到366之间的整数天。")
    return None


def _version_errors(version: PolicyVersion) -> dict:
    errors = {}
    if (
        version.expires_on
        and version.effective_from
        and version.expires_on <= version.effective_from
    ):
        errors["expires_on"] = _("失效日期须晚于施行日期。")
    low, high = version.subsidy_min_yuan, version.subsidy_max_yuan
    if low is not None and high is not None and not 0 < low <= high:
        errors["subsidy_max_yuan"] = _(
            "补贴下限须大于0且不高于上限（下限%(low)s元，上限%(high)s元）。"
        ) % {
            "low": f"{low:,}",
            "high": f"{high:,}",
        }
    month, day = version.summary_due_month, version.summary_due_day
    if month is not None and not 1 <= month <= 12:
        errors["summary_due_month"] = _("月份须为1到12。")
    elif month is not None and day is not None:
        try:
            datetime.date(2027, month, day)  # not a leap year: 29 February is refused
        except (ValueError, OverflowError):
            errors["summary_due_day"] = _("%(month)s月%(day)s日不是每年都有的日期。") % {
                "month": month,
                "day": day,
            }
    problem = reminder_days_problem(version.reminder_days_before)
    if problem:
        errors["reminder_days_before"] = problem
    for name in (
        "overdue_reminder_interval_days",
        "event_late_days",
        "statement_working_days",
        "notice_working_days",
        "evaluators_per_application",
    ):
        value = getattr(version, name)
        if value is not None and value < 1:
            errors[name] = _("请填写大于0的整数。")
    if version.trim_min_scores is not None and version.trim_min_scores < 3:
        errors["trim_min_scores"] = _("去掉最高分和最低分后至少要剩1份评分：请填写3或以上。")
    for name, high in CAPS.items():
        value = getattr(version, name)
        if value is not None and name not in errors and value > high:
            errors[name] = _("不能超过%(high)d。") % {"high": high}
    return errors


def full_clean(obj) -> None:
    """``obj.full_clean()`` plus the version's own rules; one ValidationError keyed by field."""
    errors = {}
    try:
        # The state moves only by transition (protected); constraints are the database's.
        obj.full_clean(exclude=["state"], validate_constraints=False)
    except ValidationError as error:
        errors = dict(error.message_dict)
    if isinstance(obj, PolicyVersion):
        for field, message in _version_errors(obj).items():
            errors.setdefault(field, []).append(message)
    if getattr(obj, "article_text", None) is not None and not obj.article_text.strip():
        errors["article_text"] = [_("请填写该条件的条文。")]
    if getattr(obj, "check_key", None) is not None and obj.check_key not in CHECKS:
        errors["check_key"] = [_("请选择核查方式。")]
    if errors:
        raise ValidationError(errors)


def overlapping(version: PolicyVersion, ignoring=None):
    """Published versions (other than ``version`` and ``ignoring``) whose validity
    overlaps ``version``'s."""
    others = PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED).exclude(
        pk__in=[version.pk, getattr(ignoring, "pk", None)]
    )
    # [a, b) and [c, d) overlap when a < d and c < b (an open end is infinity).
    if version.expires_on is not None:
        others = others.filter(effective_from__lt=version.expires_on)
    return others.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=version.effective_from))


def publish_problems(version: PolicyVersion, ignoring=None) -> list[str]:
    """Everything that keeps ``version`` from being published, in the administrator's
    words (``ignoring``: a predecessor the publication would end)."""
    problems = [str(message) for message in _version_errors(version).values()]
    today = timezone.localdate()
    if version.effective_from and version.effective_from < today:
        problems.append(
            _(
                "施行日期%(start)s早于今天：发布不能追溯改变已经过去的日子适用的规则"
                "（年度总结截止日期、重大事项是否逾期等），请将施行日期定为今天或以后。"
            )
            % {"start": date_format(version.effective_from, "DATE_FORMAT")}
        )
    same_number = PolicyVersion.objects.filter(
        state=PolicyVersion.State.PUBLISHED, document_number=version.document_number
    ).exclude(pk=version.pk)
    if same_number.exists():
        problems.append(
            _("文号%(number)s已被另一个已发布的版本使用，请核对。")
            % {"number": version.document_number}
        )
    clash = overlapping(version, ignoring).first()
    if clash is not None:
        problems.append(
            _(
                "施行期间与%(other)s（%(start)s起）重叠：任何一天只能有一个版本施行。"
                "请调整施行日期或失效日期；前一版本长期有效、本版本施行日期在今天之后的，"
                "可在发布页勾选“同时废止”。"
            )
            % {"other": clash, "start": date_format(clash.effective_from, "DATE_FORMAT")}
        )
    for related, label in (
        ("categories", _("联盟类别（第八条）")),
        ("conditions", _("备案条件（第九条）")),
        ("materials", _("备案材料（第十条）")),
        ("grounds", _("取消备案情形（第十三条）")),
        ("event_kinds", _("重大事项类型（第十二条）")),
        ("criteria", _("默认评审指标（第十五条）")),
    ):
        if not getattr(version, related).exists():
            problems.append(_("请至少设置一项%(what)s。") % {"what": label})
    total = sum(version.criteria.values_list("weight", flat=True))
    if version.criteria.exists() and total != 100:
        problems.append(_("默认评审指标的权重之和须为100，目前为%(total)d。") % {"total": total})
    for condition in version.conditions.all():
        if not condition.article_text.strip() or condition.check_key not in CHECKS:
            problems.append(_("备案条件%(item)s须有条文和核查方式。") % {"item": condition.item})
    for material in version.materials.all():
        if not material.accepted_types or set(material.accepted_types) - set(FILE_TYPES):
            problems.append(
                _("材料“%(title)s”的文件类型只能是PDF、JPEG或PNG。") % {"title": material.title}
            )
    return problems
