"""Permissions (``f(record, user)``) and conditions (``f(record)``) of the supervision
state machines. Every record here has an ``alliance``."""

from django.utils import timezone


def is_lead_unit_of_alliance(record, user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_lead_unit
        and user.organisation_id == record.alliance.lead_unit_id
    )


def is_municipal_staff(record, user) -> bool:
    return bool(user.is_authenticated and user.is_municipal_staff)


def alliance_is_filed(record) -> bool:
    # A revoked alliance submits nothing new (Art. 13).
    return record.alliance.status == "filed"


def statement_period_open(case) -> bool:
    return timezone.localdate() <= case.statement_deadline


def statement_heard_or_period_over(case) -> bool:
    """陈述申辩: no revocation before the unit has spoken or its period has passed."""
    return bool(case.statement_at) or timezone.localdate() > case.statement_deadline
