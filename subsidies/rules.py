"""Permissions (``f(record, user)``) and conditions (``f(record)``) of the subsidy state
machines (Art. 15)."""

from django.utils import timezone


def is_municipal_staff(record, user) -> bool:
    return bool(user.is_authenticated and user.is_municipal_staff)


def is_lead_unit_of_applicant(application, user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_lead_unit
        and user.organisation_id == application.alliance.lead_unit_id
    )


def weights_sum_to_100(round_) -> bool:
    return round_.weights_total() == 100


def window_is_set(round_) -> bool:
    return bool(round_.opens_on and round_.closes_on and round_.opens_on <= round_.closes_on)


def window_is_open(application) -> bool:
    return application.round.window_open


def applicant_in_good_standing(application) -> bool:
    from .eligibility import eligibility_problems

    return not eligibility_problems(application.alliance, application.round)


def notice_period_over(round_) -> bool:
    return round_.notice_ends_on is not None and timezone.localdate() > round_.notice_ends_on


def no_open_objections(round_) -> bool:
    from .models import Objection

    return not Objection.objects.filter(
        award__application__round=round_, resolved_at__isnull=True
    ).exists()
