"""An objection's received date (收到日期) is a fact staff type: never after today (the
local date in Asia/Shanghai), never before the 公示 began (issue 15, item 12)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from subsidies import services
from subsidies.models import Objection
from tests.factories import (
    MunicipalStaffFactory,
    publish_in_notice,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def noticed():
    """An award in a round whose 公示 includes today."""
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff, title="公示中")
    application = submitted_application(round_)
    services.round_start_evaluation(round_=round_, by=staff)
    award = services.award_set(application=application, by=staff, amount_yuan=300_000)
    round_ = publish_in_notice(round_, staff)
    return staff, round_, award


def _record(award, staff, received_on):
    return services.objection_record(
        award=award,
        by=staff,
        objector_name="赵六",
        objector_contact="13800000000",
        content="该联盟上年度未开展活动。",
        received_on=received_on,
    )


def _objection_entries(award):
    return AuditEntry.objects.for_object(award.application).filter(action="objection")


def test_a_received_date_after_today_is_refused_on_the_field(noticed):
    staff, round_, award = noticed
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _record(award, staff, tomorrow)
    assert any("收到日期不能晚于今天" in m for m in refused.value.message_dict["received_on"])
    assert not Objection.objects.exists() and not _objection_entries(award).exists()


def test_a_received_date_before_the_notice_began_is_refused(noticed):
    staff, round_, award = noticed
    with pytest.raises(ValidationError) as refused:
        _record(award, staff, round_.notice_starts_on - datetime.timedelta(days=1))
    assert any("异议须在公示期" in m for m in refused.value.message_dict["received_on"])
    assert not Objection.objects.exists()


def test_today_is_accepted_and_audited(noticed):
    staff, round_, award = noticed
    objection = _record(award, staff, timezone.localdate())
    assert objection.received_on == timezone.localdate()
    assert _objection_entries(award).get().actor == staff


def test_the_form_shows_the_refusal_and_keeps_what_was_typed(client, noticed):
    staff, round_, award = noticed
    client.force_login(staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("subsidies:objection_new", args=[award.pk]),
        {
            "objector_name": "赵六",
            "objector_contact": "13800000000",
            "content": "该联盟上年度未开展活动。",
            "received_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "收到日期不能晚于今天" in " ".join(response.context["form"].errors["received_on"])
    body = response.content.decode()
    assert "该联盟上年度未开展活动。" in body and "收到日期不能晚于今天" in body
    assert not Objection.objects.exists()


def test_today_is_the_local_date_in_beijing_not_utc():
    """At 23:30 in Beijing it is 15:30 UTC, the same day; at 00:30 in Beijing UTC is still
    on the day before: the date allowed is Beijing's each time."""
    staff = MunicipalStaffFactory()
    with time_machine.travel(datetime.datetime(2026, 9, 28, 9, tzinfo=BEIJING), tick=False):
        round_ = subsidy_round(staff=staff, title="公示中")
        application = submitted_application(round_)
        services.round_start_evaluation(round_=round_, by=staff)
        award = services.award_set(application=application, by=staff, amount_yuan=300_000)
    with time_machine.travel(datetime.datetime(2026, 9, 29, 9, tzinfo=BEIJING), tick=False):
        round_ = services.round_publish(round_=round_, by=staff)  # 公示 from 30 Sep
    with time_machine.travel(datetime.datetime(2026, 10, 9, 0, 30, tzinfo=BEIJING), tick=False):
        with pytest.raises(ValidationError):
            _record(award, staff, datetime.date(2026, 10, 10))
        _record(award, staff, datetime.date(2026, 10, 9))
    with time_machine.travel(datetime.datetime(2026, 10, 9, 23, 30, tzinfo=BEIJING), tick=False):
        with pytest.raises(ValidationError):
            _record(award, staff, datetime.date(2026, 10, 10))
    assert list(Objection.objects.values_list("received_on", flat=True)) == [
        datetime.date(2026, 10, 9)
    ]
