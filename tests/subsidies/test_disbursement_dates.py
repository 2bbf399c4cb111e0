"""A disbursement is dated between the day the round became final and today: 0001-01-01
or a date in the future is a typo an official record must not keep (issue 12)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from subsidies import services
from subsidies.models import SubsidyRound
from tests.subsidies.test_state_before_input import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_award():
    world = World()
    finalised = timezone.now() - datetime.timedelta(days=10)
    SubsidyRound.objects.filter(pk=world.notice_round.pk).update(
        state=SubsidyRound.State.FINAL, finalised_at=finalised
    )
    return world, timezone.localdate(finalised)


@pytest.mark.parametrize(
    "when",
    [datetime.date(1, 1, 1), "before_final", "tomorrow", datetime.date(2999, 12, 31)],
)
def test_a_date_outside_the_round_is_refused(final_award, when):
    world, final_day = final_award
    day = {
        "before_final": final_day - datetime.timedelta(days=1),
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
    }.get(when, when)
    with pytest.raises(ValidationError) as refused:
        services.disbursement_record(
            award=world.notice_award, by=world.staff, disbursed_on=day, disbursed_yuan=300_000
        )
    assert "拨付日期须在本批次办结之日" in refused.value.message_dict["disbursed_on"][0]
    world.notice_award.refresh_from_db()
    assert world.notice_award.disbursed_on is None


@pytest.mark.parametrize("offset", [0, 10])
def test_a_date_from_the_final_day_to_today_is_recorded(final_award, offset):
    world, final_day = final_award
    day = final_day + datetime.timedelta(days=offset)
    services.disbursement_record(
        award=world.notice_award, by=world.staff, disbursed_on=day, disbursed_yuan=300_000
    )
    world.notice_award.refresh_from_db()
    assert world.notice_award.disbursed_on == day
