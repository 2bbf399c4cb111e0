from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext as _

from core.notify import send_notice

from .models import Assignment


@shared_task(acks_late=True)
def send_assignment_notice(assignment_id: int) -> int:
    assignment = Assignment.objects.select_related("evaluator", "application__round").get(
        pk=assignment_id
    )
    return send_notice(
        legal=False,
        users=[assignment.evaluator],
        subject=lambda: (
            _("补贴评审任务：%(round)s") % {"round": assignment.application.round.title}
        ),
        body=lambda: (
            _(
                "您被邀请评审“%(round)s”的一份补贴申请。请登录平台，先声明无利益冲突，再查看申请并评分。"
            )
            % {"round": assignment.application.round.title}
            + f"\n\n{settings.PORTAL_BASE_URL}/"
        ),
    )


def _staff():
    from accounts.models import Role, User

    return list(User.objects.filter(role=Role.MUNICIPAL_STAFF, is_active=True))


def _about(assignment_id: int):
    """The assignment and what its notices say of it."""
    assignment = Assignment.objects.select_related(
        "evaluator", "application__round", "application__alliance"
    ).get(pk=assignment_id)
    return assignment, {
        "evaluator": assignment.evaluator.get_full_name() or assignment.evaluator.username,
        "alliance": assignment.application.alliance.name,
        "round": assignment.application.round.title,
    }


@shared_task(acks_late=True)
def send_recusal_notice(assignment_id: int) -> int:
    """To the bureau: an assigned evaluator must recuse; assign a replacement."""
    _assignment, params = _about(assignment_id)
    return send_notice(
        users=_staff(),
        subject=lambda: _("评审专家须回避：%(alliance)s") % params,
        body=lambda: (
            _(
                "评审专家%(evaluator)s所在单位已成为“%(alliance)s”的成员单位。依照回避要求，"
                "该专家已不能查看和评分“%(round)s”中该联盟的申请，其已提交的评分不计入排名。"
                "请另行指派评审专家。"
            )
            % params
            + f"\n\n{settings.PORTAL_BASE_URL}/subsidies/"
        ),
    )


@shared_task(acks_late=True)
def send_recusal_declared_notice(assignment_id: int) -> int:
    """To the bureau: an evaluator declared a conflict and withdrew; draw a replacement."""
    assignment, params = _about(assignment_id)
    params["reason"] = assignment.withdrawal_reason
    return send_notice(
        users=_staff(),
        subject=lambda: _("评审专家申请回避：%(alliance)s") % params,
        body=lambda: (
            _(
                "评审专家%(evaluator)s申请回避“%(round)s”中“%(alliance)s”的申请，理由：%(reason)s。"
                "该分配已撤回，请在批次页面重新抽取一位评审专家。"
            )
            % params
            + f"\n\n{settings.PORTAL_BASE_URL}/subsidies/rounds/{assignment.application.round_id}/"
        ),
    )


@shared_task(acks_late=True)
def send_withdrawal_notice(assignment_id: int) -> int:
    """To the evaluator replaced by a redraw: the assignment is withdrawn."""
    assignment, params = _about(assignment_id)
    return send_notice(
        legal=False,
        users=[assignment.evaluator],
        subject=lambda: _("评审任务已撤回：%(round)s") % params,
        body=lambda: (
            _("市科技局已撤回您对“%(round)s”中“%(alliance)s”申请的评审任务，无需再评分。") % params
            + f"\n\n{settings.PORTAL_BASE_URL}/subsidies/evaluation/"
        ),
    )
