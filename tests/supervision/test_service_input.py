"""Services take plain data, never a form, and only the fields their caller may write;
what a member change may be is decided in one place (services.events), on input and again
on submission and acceptance."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation
from filings.models import AllianceMember
from supervision import services
from supervision.forms.events import EventReportForm
from supervision.models import AnnualSummary, EventReport
from tests.factories import (
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    filed_alliance,
)

pytestmark = pytest.mark.django_db

NEW_USCC = "91130602MA0000001Q"
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def w():
    lead = LeadUnitUserFactory()
    return {"lead": lead, "staff": MunicipalStaffFactory(), "a": filed_alliance(lead_user=lead)}


def _change(**fields):
    return {
        "kind": "member_change",
        "title": "成员变更",
        "event_date": YESTERDAY,
        "description": "说明",
        **fields,
    }


# --- Annual summaries ----------------------------------------------------------------------


def test_summary_save_takes_field_values(w):
    summary = AnnualSummary.objects.create(alliance=w["a"], year=2025)
    services.summary_save(
        summary=summary, by=w["lead"], data={"work_done": "联合攻关", "patents_applied": "4"}
    )
    summary.refresh_from_db()
    assert (summary.work_done, summary.patents_applied, summary.joint_projects) == (
        "联合攻关",
        4,
        0,
    )


def test_summary_save_puts_an_invalid_number_on_its_field(w):
    summary = AnnualSummary.objects.create(alliance=w["a"], year=2025)
    with pytest.raises(ValidationError) as invalid:
        services.summary_save(summary=summary, by=w["lead"], data={"patents_granted": -1})
    assert set(invalid.value.message_dict) == {"patents_granted"}
    assert AnnualSummary.objects.get(pk=summary.pk).patents_granted == 0


@pytest.mark.parametrize(
    "field", [{"state": "accepted"}, {"year": 2019}, {"submitted_at": timezone.now()}]
)
def test_summary_save_refuses_fields_a_lead_unit_may_not_write(w, field):
    summary = AnnualSummary.objects.create(alliance=w["a"], year=2025)
    with pytest.raises(TypeError, match="does not accept"):
        services.summary_save(summary=summary, by=w["lead"], data={"work_done": "x", **field})
    stored = AnnualSummary.objects.get(pk=summary.pk)
    assert (stored.state, stored.year, stored.submitted_at, stored.work_done) == (
        "draft",
        2025,
        None,
        "",
    )


# --- Event reports ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", [{"state": "accepted"}, {"alliance": None}, {"reported_at": timezone.now()}]
)
def test_event_services_refuse_fields_a_lead_unit_may_not_write(w, field):
    data = {"kind": "seminar", "title": "会", "event_date": YESTERDAY, "description": "说明"}
    with pytest.raises(TypeError, match="does not accept"):
        services.event_create(alliance=w["a"], by=w["lead"], data={**data, **field})
    report = services.event_create(alliance=w["a"], by=w["lead"], data=data)
    with pytest.raises(TypeError, match="does not accept"):
        services.event_save(report=report, by=w["lead"], data={**data, **field})
    report.refresh_from_db()
    assert (report.state, report.alliance_id, report.reported_at) == ("draft", w["a"].pk, None)


def test_event_create_registers_a_new_member_unit_from_plain_values(w):
    report = services.event_create(
        alliance=w["a"],
        by=w["lead"],
        data=_change(
            member_action="add",
            member_uscc=NEW_USCC.lower(),
            member_role="council",
            member_task_division="中试验证",
            new_org_name="保定新材料研究院",
            new_org_kind="institute",
            new_org_industry="M",
            new_org_legal_representative="钱七",
        ),
    )
    organisation = Organisation.objects.get(uscc=NEW_USCC)
    assert report.member_organisation == organisation
    assert (organisation.name, organisation.legal_representative) == ("保定新材料研究院", "钱七")


def test_event_input_errors_are_keyed_by_the_form_fields(w):
    with pytest.raises(ValidationError) as invalid:
        services.event_create(
            alliance=w["a"],
            by=w["lead"],
            data=_change(
                member_action="add",
                member_uscc=NEW_USCC,
                event_date=timezone.localdate() + datetime.timedelta(days=2),
            ),
        )
    errors = invalid.value.message_dict
    assert set(errors) == {
        "event_date",
        "member_task_division",
        "new_org_name",
        "new_org_kind",
        "new_org_industry",
        "new_org_legal_representative",
    }
    assert set(errors) <= set(EventReportForm.base_fields)
    assert not EventReport.objects.exists()
    assert not Organisation.objects.filter(uscc=NEW_USCC).exists()


def test_a_newcomer_cannot_become_the_lead_unit(w):
    member = OrganisationFactory()
    with pytest.raises(ValidationError) as invalid:
        services.event_create(
            alliance=w["a"],
            by=w["lead"],
            data=_change(
                member_action="add",
                member_uscc=member.uscc,
                member_role="lead",
                member_task_division="牵头",
            ),
        )
    assert set(invalid.value.message_dict) == {"member_role"}


def test_the_form_only_parses_member_changes(w):
    """An impossible member change is a well-formed form: the service refuses it."""
    form = EventReportForm(
        data={
            **_change(member_action="remove", member_uscc=w["a"].lead_unit.uscc),
            "event_date": YESTERDAY.isoformat(),
        }
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError) as invalid:
        services.event_create(alliance=w["a"], by=w["lead"], data=form.cleaned_data)
    assert invalid.value.message_dict == {"member_uscc": ["牵头单位不能通过成员变更退出联盟。"]}


@pytest.mark.parametrize("action", ["add", "remove"])
def test_one_rule_decides_a_member_change_on_input_submit_and_accept(w, action):
    """The message a lead unit gets when it types the change is the one it gets when the
    membership has changed under a report already written."""
    unit = OrganisationFactory()

    def membership(*, as_reported):
        # As the report needs it (not a member before an "add"), or the other way round.
        AllianceMember.objects.filter(alliance=w["a"], organisation=unit).delete()
        if (action == "remove") == as_reported:
            AllianceMember.objects.create(alliance=w["a"], organisation=unit)

    membership(as_reported=True)
    data = _change(
        member_action=action,
        member_uscc=unit.uscc,
        member_task_division="检测",
        member_charter_signed=True,
    )
    report = services.event_create(alliance=w["a"], by=w["lead"], data=data)
    membership(as_reported=False)
    with pytest.raises(ValidationError) as on_input:
        services.event_create(alliance=w["a"], by=w["lead"], data=data)
    with pytest.raises(ValidationError) as on_submit:
        services.event_submit(report=report, by=w["lead"])
    assert on_input.value.message_dict["member_uscc"] == on_submit.value.messages
    membership(as_reported=True)
    services.event_submit(report=report, by=w["lead"])
    membership(as_reported=False)
    with pytest.raises(ValidationError) as on_accept:
        services.event_accept(report=report, by=w["staff"])
    assert on_accept.value.messages == on_submit.value.messages
    assert EventReport.objects.get(pk=report.pk).state == "submitted"
