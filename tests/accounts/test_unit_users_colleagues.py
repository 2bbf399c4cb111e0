"""Every lead-unit screen works for any user of the unit, not only the one who created
the record (issue 14): a colleague edits, uploads and submits a filing another user
created, and submits an annual summary and a subsidy application begun by another."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from audit.models import AuditEntry
from filings.forms.application import ALLIANCE_FIELDS
from filings.models import Alliance, Filing
from subsidies import services as subsidy_services
from supervision.models import AnnualSummary
from tests.factories import (
    PDF_BYTES,
    LeadUnitUserFactory,
    OrganisationFactory,
    draft_filing,
    eligible_alliance,
    filed_alliance,
    jurisdiction,
    subsidy_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_a():
    return LeadUnitUserFactory(
        organisation=OrganisationFactory(jurisdiction=jurisdiction()), is_unit_admin=True
    )


@pytest.fixture
def user_b(user_a):
    """A colleague added later, not the unit's administrator."""
    return LeadUnitUserFactory(organisation=user_a.organisation)


def alliance_form(alliance, **changes):
    data = {"save": "1"}
    for name, value in model_to_dict(alliance, fields=ALLIANCE_FIELDS).items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data | changes


def test_colleague_edits_uploads_and_submits_a_filing_another_user_created(client, user_a, user_b):
    filing = draft_filing(user_a)
    assert filing.created_by == user_a
    client.force_login(user_b)

    assert (
        client.get(reverse("filings:mine"))
        .content.decode()
        .count(reverse("filings:edit", args=[filing.pk]))
    )
    response = client.post(
        reverse("filings:edit", args=[filing.pk]),
        alliance_form(
            filing.alliance,
            industry_chain="由同事修改的产业链：制氢、储运、加注、燃料电池电堆与系统集成",
        ),
    )
    assert response.status_code == 302
    assert (
        Alliance.objects.get(pk=filing.alliance_id).industry_chain
        == "由同事修改的产业链：制氢、储运、加注、燃料电池电堆与系统集成"
    )

    response = client.post(
        reverse("filings:material_upload", args=[filing.pk]),
        {
            "material-kind": "charter",
            "material-file": SimpleUploadedFile("同事上传的章程.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    assert filing.materials.filter(kind="charter", original_name="同事上传的章程.pdf").exists()

    response = client.post(
        reverse("filings:submit", args=[filing.pk]), {"expected_state": "draft", "confirmed": "1"}
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == Filing.State.COUNTY_REVIEW
    assert AuditEntry.objects.for_object(filing).filter(action="submit", actor=user_b).exists()


def test_colleague_submits_an_annual_summary_another_user_began(client, user_a, user_b):
    from supervision import services
    from tests.factories import pdf_upload

    alliance = filed_alliance(lead_user=user_a, filed_on=datetime.date(2024, 6, 1))
    year = datetime.date.today().year - 1
    summary = AnnualSummary.objects.create(alliance=alliance, year=year, work_done="开展联合攻关")
    services.summary_attach(summary=summary, by=user_a, uploaded=pdf_upload())
    client.force_login(user_b)
    assert client.get(reverse("supervision:summary_edit", args=[summary.pk])).status_code == 200
    response = client.post(
        reverse("supervision:summary_submit", args=[summary.pk]), {"expected_state": "draft"}
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.state == AnnualSummary.State.SUBMITTED


def test_colleague_submits_a_subsidy_application_another_user_created(client, user_a, user_b):
    round_ = subsidy_round()
    alliance = eligible_alliance(round_.year, lead_user=user_a)
    application = subsidy_services.application_create(round_=round_, alliance=alliance, by=user_a)
    assert application.created_by == user_a
    client.force_login(user_b)
    data = {"summary": "联盟运行规范。", "funding_plan": "秘书处运行。"}
    for item in application.self_evaluations.all():
        data[f"score_{item.criterion_id}"] = "80"
        data[f"statement_{item.criterion_id}"] = "说明"
    response = client.post(reverse("subsidies:application_edit", args=[application.pk]), data)
    assert response.status_code == 302
    response = client.post(
        reverse("subsidies:application_submit", args=[application.pk]), {"expected_state": "draft"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "submitted"


def test_a_removed_colleague_can_no_longer_reach_the_filing(client, user_a, user_b):
    from accounts import unit_users

    filing = draft_filing(user_a)
    client.force_login(user_b)
    assert client.get(reverse("filings:edit", args=[filing.pk])).status_code == 200
    unit_users.colleague_remove(by=user_a, user=user_b, reason="调离")
    response = client.get(reverse("filings:edit", args=[filing.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
