from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from audit.models import in_log_language, record
from core import outbox
from filings.models import Alliance

from .common import require_municipal_staff


@transaction.atomic
def liaison_assign(*, alliance: Alliance, by, officer) -> Alliance:
    """Art. 16: a liaison officer (科技联络员) for a filed alliance."""
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if alliance.status != Alliance.Status.FILED:
        raise ValidationError(_("只能为已备案的联盟指定科技联络员。"))
    require_municipal_staff(by)
    if officer is not None and not (
        officer.role == Role.MUNICIPAL_STAFF and officer.is_liaison_officer
    ):
        raise ValidationError(_("科技联络员须是登记为联络员的市科技局工作人员。"))
    previous = alliance.liaison_officer
    alliance.liaison_officer = officer
    alliance.save(update_fields=["liaison_officer", "updated_at"])
    record(
        subject=alliance,
        action="assign_liaison",
        action_label=gettext_lazy("指定科技联络员"),
        actor=by,
        reason=in_log_language(
            lambda: (
                _("%(old)s → %(new)s")
                % {
                    "old": previous.get_full_name() if previous else "—",
                    "new": officer.get_full_name() if officer else "—",
                }
            )
        ),
    )
    if officer is not None:
        from ..tasks import send_liaison_assignment

        outbox.enqueue(send_liaison_assignment, alliance.pk)
    return alliance
