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


@shared_task(acks_late=True)
def send_recusal_notice(assignment_id: int) -> int:
    """To the bureau: an assigned evaluator must recuse; assign a replacement."""
    from accounts.models import Role, User

    assignment = Assignment.objects.select_related(
        "evaluator", "application__round", "application__alliance"
    ).get(pk=assignment_id)
    application = assignment.application
    params = {
        "evaluator": assignment.evaluator.get_full_name() or assignment.evaluator.username,
        "alliance": application.alliance.name,
        "round": application.round.title,
    }
    return send_notice(
        users=list(User.objects.filter(role=Role.MUNICIPAL_STAFF, is_active=True)),
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
