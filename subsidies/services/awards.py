"""Awards within Art. 15's bounds and the round's budget, objections during the notice,
disbursement after it."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record
from core import transitions
from core.money import parse_yuan

from ..models import Application, Award, Objection, SubsidyRound
from .rounds import lock_round, require_staff

#: An amount withdrawn meanwhile (another tab, a colleague): the page the user acted on is old.
AWARD_GONE = gettext_lazy("该补贴已被取消，请刷新页面查看最新情况。")


def _yuan(n: int) -> str:
    return f"{n:,}"


def _refuse_unless(round_, state, refusal) -> None:
    if round_.state != state:
        raise transitions.TransitionRefused([refusal])


def check_award_change(*, round_, by, application=None) -> None:
    """Amounts are proposed, changed and withdrawn while the round is being evaluated (for
    a submitted application), by municipal staff."""
    _refuse_unless(round_, SubsidyRound.State.EVALUATING, _("只有评审阶段可以调整补贴金额。"))
    if application is not None and application.state != Application.State.SUBMITTED:
        raise transitions.TransitionRefused([_("只能为已提交的申请确定补贴。")])
    require_staff(by)


def check_objection_record(*, round_, by) -> None:
    """Objections are recorded during the public notice, by municipal staff."""
    _refuse_unless(round_, SubsidyRound.State.NOTICE, _("只能在公示期内登记异议。"))
    require_staff(by)


def check_disbursement_record(*, round_, by) -> None:
    """Disbursement is recorded once the round is decided, by municipal staff."""
    _refuse_unless(round_, SubsidyRound.State.FINAL, _("公示期满办结后方可登记拨付。"))
    require_staff(by)


def _whole_yuan(amount_yuan, version) -> int:
    """A whole number of yuan within the round's version's Art. 15 bounds."""
    # “500,000”, “５００，０００” and “500000元” are 500000; anything else is refused, not guessed.
    try:
        amount = parse_yuan(amount_yuan)
    except (TypeError, ValueError):
        raise ValidationError(_("补贴金额须为整数（元）。")) from None
    low, high = version.subsidy_min_yuan, version.subsidy_max_yuan
    if not (low <= amount <= high):
        raise ValidationError(
            _("补贴金额须在%(low)s元至%(high)s元之间（第十五条），您填写的是%(amount)s元。")
            % {"low": _yuan(low), "high": _yuan(high), "amount": _yuan(amount)}
        )
    return amount


@transaction.atomic
def award_set(*, application, by, amount_yuan) -> Award:
    """Propose or change an award. The round row is locked first, so two staff deciding at
    once are serialised and their awards together cannot exceed the budget; the amount is
    checked under that lock against the bounds of the round's policy version (a published
    version never changes, so what the lock protects is the budget)."""
    round_ = lock_round(application.round)
    application = Application.objects.select_related("alliance").get(pk=application.pk)
    check_award_change(round_=round_, by=by, application=application)
    amount = _whole_yuan(amount_yuan, round_.policy_version)
    others = (
        Award.objects.filter(application__round=round_)
        .exclude(application=application)
        .aggregate(t=Sum("amount_yuan"))["t"]
        or 0
    )
    if others + amount > round_.budget_yuan:
        raise ValidationError(
            _(
                "超出本批次预算：预算%(budget)s元，其他联盟已安排%(others)s元，本项最多还能安排%(left)s元。"
            )
            % {
                "budget": _yuan(round_.budget_yuan),
                "others": _yuan(others),
                "left": _yuan(max(round_.budget_yuan - others, 0)),
            }
        )
    award, _created = Award.objects.update_or_create(
        application=application, defaults={"amount_yuan": amount, "decided_by": by}
    )
    record(
        subject=application,
        action="award",
        action_label=gettext_lazy("确定补贴金额"),
        actor=by,
        reason=in_log_language(lambda: _("%(amount)s元") % {"amount": _yuan(amount)}),
    )
    return award


@transaction.atomic
def award_remove(*, award, by) -> int:
    """Withdraw a proposed amount while the round is still being evaluated; returns the
    amount withdrawn (as it was under the lock: another member of staff may have changed
    it since the page was shown)."""
    found = Award.objects.select_related("application__round").filter(pk=award.pk).first()
    if found is None:
        raise ValidationError(AWARD_GONE)
    round_ = lock_round(found.application.round)  # award_set holds the same lock
    check_award_change(round_=round_, by=by)
    award = Award.objects.select_for_update().select_related("application").filter(pk=award.pk)
    award = award.first()
    if award is None:  # removed while we waited for the lock
        raise ValidationError(AWARD_GONE)
    amount = award.amount_yuan
    record(
        subject=award.application,
        action="award_remove",
        action_label=gettext_lazy("取消拟补贴"),
        actor=by,
        reason=in_log_language(lambda: _("%(amount)s元") % {"amount": _yuan(amount)}),
    )
    award.delete()
    return amount


def _objection_errors(round_, objector_name, objector_contact, content, received_on) -> dict:
    errors = {}
    starts, ends = round_.notice_starts_on, round_.notice_ends_on
    today = timezone.localdate()
    if not isinstance(received_on, datetime.date):
        errors["received_on"] = _("请输入有效日期，如2027-03-01。")
    elif received_on > today:  # a date typed by staff: what has been received, not planned
        errors["received_on"] = _("收到日期不能晚于今天（%(today)s）。") % {
            "today": date_format(today, "DATE_FORMAT")
        }
    elif received_on > ends or received_on < (starts or received_on):
        errors["received_on"] = _("异议须在公示期（%(s)s至%(e)s）内提出。") % {
            "s": date_format(starts, "DATE_FORMAT") if starts else "",
            "e": date_format(ends, "DATE_FORMAT"),
        }

    if not str(objector_name or "").strip() or not str(objector_contact or "").strip():
        errors[NON_FIELD_ERRORS] = _("异议须实名提出：请填写异议人姓名和联系方式。")
    if not str(content or "").strip():
        errors["content"] = _("请填写书面异议内容。")
    return errors


@transaction.atomic
def objection_record(
    *, award, by, objector_name, objector_contact, content, received_on
) -> Objection:
    """A written objection under a real name, during the notice period only. The round is
    locked: finalising (which needs every objection resolved) waits for it."""
    award = Award.objects.select_related("application__round").get(pk=award.pk)
    round_ = lock_round(award.application.round)
    check_objection_record(round_=round_, by=by)
    errors = _objection_errors(round_, objector_name, objector_contact, content, received_on)
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        award=award,
        objector_name=objector_name.strip(),
        objector_contact=objector_contact.strip(),
        content=content.strip(),
        received_on=received_on,
        recorded_by=by,
    )
    record(
        subject=award.application,
        action="objection",
        action_label=gettext_lazy("登记公示异议"),
        actor=by,
        reason=content,
    )
    return objection


@transaction.atomic
def objection_resolve(*, objection, by, resolution) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("award__application")
        .get(pk=objection.pk)
    )
    if objection.resolved_at is not None:  # a colleague resolved it since the page was shown
        raise transitions.StaleRecord
    require_staff(by)
    if not str(resolution or "").strip():
        raise ValidationError({"resolution": _("请填写异议处理结果。")})
    objection.resolution, objection.resolved_at = resolution.strip(), timezone.now()
    objection.save(update_fields=["resolution", "resolved_at"])
    record(
        subject=objection.award.application,
        action="objection_resolve",
        action_label=gettext_lazy("处理公示异议"),
        actor=by,
        reason=resolution,
    )
    return objection


@transaction.atomic
def disbursement_record(*, award, by, disbursed_on, disbursed_yuan) -> Award:
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__round")
        .get(pk=award.pk)
    )
    check_disbursement_record(round_=award.application.round, by=by)
    errors = {}
    round_ = award.application.round
    # Money is paid after the round is final and not in the future (a date of 0001-01-01
    # or 2099 is a typo, and an official record must not carry it).
    earliest = timezone.localdate(round_.finalised_at) if round_.finalised_at else None
    today = timezone.localdate()
    if not isinstance(disbursed_on, datetime.date):
        errors["disbursed_on"] = _("请输入有效日期，如2027-03-01。")
    elif (earliest and disbursed_on < earliest) or disbursed_on > today:
        errors["disbursed_on"] = _(
            "拨付日期须在本批次办结之日（%(earliest)s）至今天（%(today)s）之间。"
        ) % {"earliest": (earliest or today).isoformat(), "today": today.isoformat()}
    try:
        amount = int(disbursed_yuan)
    except (TypeError, ValueError):
        amount = 0
    if not (0 < amount <= award.amount_yuan):
        errors["disbursed_yuan"] = _("拨付金额须大于0且不超过补贴金额%(amount)s元。") % {
            "amount": _yuan(award.amount_yuan)
        }
    if errors:
        raise ValidationError(errors)
    award.disbursed_on, award.disbursed_yuan = disbursed_on, amount
    award.save(update_fields=["disbursed_on", "disbursed_yuan"])
    record(
        subject=award.application,
        action="disburse",
        action_label=gettext_lazy("登记拨付"),
        actor=by,
        reason=in_log_language(
            lambda: (
                _("%(date)s 拨付%(amount)s元")
                % {"date": disbursed_on.isoformat(), "amount": _yuan(amount)}
            )
        ),
    )
    return award
