"""When a unit joins an alliance (an accepted Art. 12(2) member change), an evaluator of
that unit who is assigned to the alliance's application in a round still being evaluated
must recuse: the bureau is told at once, in the same transaction as the change, so that it
can assign a replacement. (Access and counting follow the membership by themselves:
``subsidies.conflicts``.)"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from audit.models import record
from core import outbox
from filings.models import AllianceMember

from .models import Assignment, SubsidyRound


@receiver(post_save, sender=AllianceMember, dispatch_uid="subsidies-recusal-on-new-member")
def member_joined(sender, instance, created, **kwargs):
    if not created or kwargs.get("raw"):
        return
    affected = list(
        Assignment.objects.filter(
            application__alliance_id=instance.alliance_id,
            evaluator__organisation_id=instance.organisation_id,
            application__round__state=SubsidyRound.State.EVALUATING,
            withdrawn_at__isnull=True,  # already off the panel
        ).select_related("evaluator")
    )
    if not affected:
        return
    from .tasks import send_recusal_notice

    for assignment in affected:
        record(
            subject=assignment.application,
            action="recusal_required",
            action_label=_("评审专家须回避"),
            actor=None,
            reason=_("%(name)s所在单位已成为联盟成员，其评分不计入。")
            % {"name": assignment.evaluator.get_full_name() or assignment.evaluator.username},
        )
        outbox.enqueue(send_recusal_notice, assignment.pk)
