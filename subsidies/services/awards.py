"""Awards within Art. 15's bounds and the round's budget, objections during the notice,
disbursement after it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import in_log_language, record

from ..models import Application, Award, Objection, SubsidyRound
from .rounds import lock_round, require_staff


def _yuan(n: int) -> str:
    return f"{n:,}"


@transaction.atomic
def award_set(*, application, by, amount_yuan) -> Award:
    """Propose or change an award. The round row is locked first, so two staff deciding at
    once are serialised and their awards together cannot exceed the budget."""
    require_staff(by)
    try:
        amount = int(amount_yuan)
    except (TypeError, ValueError):
        raise ValidationError(_("补贴金额须为整数（元）。")) from None
    if str(amount_yuan).strip() != str(amount):
        raise ValidationError(_("补贴金额须为整数（元）。"))
    low, high = settings.SUBSIDY_MIN_YUAN, settings.SUBSIDY_MAX_YUAN
    if not (low <= amount <= high):
        raise ValidationError(
            _("补贴金额须在%(low)s元至%(high)s元之间（第十五条），您填写的是%(amount)s元。")
            % {"low": _yuan(low), "high": _yuan(high), "amount": _yuan(amount)}
        )
    application = Application.objects.select_related("alliance").get(pk=application.pk)
    round_ = lock_round(application.round)
    if round_.state != SubsidyRound.State.EVALUATING:
        raise ValidationError(_("只有评审阶段可以确定补贴金额。"))
    if application.state != Application.State.SUBMITTED:
        raise ValidationError(_("只能为已提交的申请确定补贴。"))
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
    award, created = Award.objects.update_or_create(
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
    require_staff(by)
    gone = ValidationError(_("该补贴已被取消，请刷新页面查看最新情况。"))
    found = Award.objects.select_related("application__round").filter(pk=award.pk).first()
    if found is None:
        raise gone
    round_ = lock_round(found.application.round)  # award_set holds the same lock
    if round_.state != SubsidyRound.State.EVALUATING:
        raise ValidationError(_("只有评审阶段可以调整补贴。"))
    award = Award.objects.select_for_update().select_related("application").filter(pk=award.pk)
    award = award.first()
    if award is None:  # removed while we waited for the lock
        raise gone
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


@transaction.atomic
def objection_record(
    *, award, by, objector_name, objector_contact, content, received_on
) -> Objection:
    """A written objection under a real name, during the notice period only."""
    require_staff(by)
    award = Award.objects.select_related("application__round").get(pk=award.pk)
    round_ = award.application.round
    if round_.state != SubsidyRound.State.NOTICE:
        raise ValidationError(_("只能在公示期内登记异议。"))
    if received_on > round_.notice_ends_on or received_on < (
        round_.notice_starts_on or received_on
    ):
        raise ValidationError(
            _("异议须在公示期（%(s)s至%(e)s）内提出。")
            % {"s": round_.notice_starts_on.isoformat(), "e": round_.notice_ends_on.isoformat()}
        )
    if not (objector_name or "").strip() or not (objector_contact or "").strip():
        raise ValidationError(_("异议须实名提出：请填写异议人姓名和联系方式。"))
    if not (content or "").strip():
        raise ValidationError(_("请填写书面异议内容。"))
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
    require_staff(by)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not (resolution or "").strip():
        raise ValidationError(_("请填写异议处理结果。"))
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
    require_staff(by)
    award = Award.objects.select_for_update().select_related("application__round").get(pk=award.pk)
    if award.application.round.state != SubsidyRound.State.FINAL:
        raise ValidationError(_("公示期满办结后方可登记拨付。"))
    amount = int(disbursed_yuan)
    if not (0 < amount <= award.amount_yuan):
        raise ValidationError(
            _("拨付金额须大于0且不超过补贴金额%(amount)s元。")
            % {"amount": _yuan(award.amount_yuan)}
        )
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
