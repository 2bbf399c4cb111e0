"""Art. 17: the municipal bureau recommends filed alliances to the province."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import STAFF_ROLES
from audit.models import record
from filings.models import Alliance

from ..models import ProvincialRecommendation
from .common import require_reason


@transaction.atomic
def recommendation_create(
    *, alliance: Alliance, by, kind: str, note: str, recommended_on: datetime.date
) -> ProvincialRecommendation:
    """Record one recommendation of ``alliance`` (provincial filing or programme lead)."""
    # Locked so that a revocation decided at the same moment cannot slip in between the
    # status check and the insert.
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if alliance.status != Alliance.Status.FILED:
        raise ValidationError(
            _("“%(name)s”的备案状态为“%(status)s”，只有已备案的联盟可以推荐至省级。")
            % {"name": alliance.name, "status": alliance.get_status_display()}
        )
    if not (by.is_authenticated and by.effective_role in STAFF_ROLES):
        raise PermissionDenied
    if kind not in ProvincialRecommendation.Kind.values:
        raise ValidationError({"kind": _("请选择推荐类型。")})
    note = require_reason(note, _("请填写推荐说明。"), field="note")
    recommendation = ProvincialRecommendation.objects.create(
        alliance=alliance,
        kind=kind,
        note=note,
        recommended_on=recommended_on,
        recommended_by=by,
    )
    # On the alliance, so the recommendation shows in the alliance record's history.
    record(
        subject=alliance,
        action="recommend_provincial",
        action_label=type(recommendation).Kind(recommendation.kind).label,  # lazy
        actor=by,
        reason=note,
    )
    return recommendation
