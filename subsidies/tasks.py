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
        subject=_("补贴评审任务：%(round)s") % {"round": assignment.application.round.title},
        body=_(
            "您被邀请评审“%(round)s”的一份补贴申请。请登录平台，先声明无利益冲突，再查看申请并评分。"
        )
        % {"round": assignment.application.round.title}
        + f"\n\n{settings.PORTAL_BASE_URL}/",
    )
