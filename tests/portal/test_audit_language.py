"""The audit log is an official record in Chinese, whatever language the actor reads."""

import pytest
from django.utils import translation

from audit.models import AuditEntry
from filings import services
from filings.models import Filing
from tests.factories import CountyReviewerFactory, MunicipalStaffFactory, filing_in_state

pytestmark = pytest.mark.django_db


def test_an_english_reader_writes_chinese_labels(cjk_font):
    filing = filing_in_state(Filing.State.COUNTY_REVIEW)
    county = CountyReviewerFactory(jurisdiction=filing.jurisdiction)
    staff = MunicipalStaffFactory()
    with translation.override("en"):
        services.filing_recommend(filing=filing, by=county, opinion="符合条件，同意推荐。")
        services.filing_approve(filing=Filing.objects.get(pk=filing.pk), by=staff)
        assert str(services.TRANSITION_LABELS["recommend"]) != "初审通过并推荐"  # English here
    labels = list(
        AuditEntry.objects.filter(action__in=["recommend", "approve"])
        .order_by("pk")
        .values_list("action_label", flat=True)
    )
    assert labels == ["初审通过并推荐", "予以备案"]


def test_reasons_a_service_formats_are_chinese_too():
    from subsidies import services as subsidy_services
    from tests.factories import eligible_alliance, submitted_application, subsidy_round

    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_, eligible_alliance(round_.year))
    subsidy_services.round_start_evaluation(round_=round_, by=staff)
    with translation.override("en"):
        subsidy_services.award_set(application=application, by=staff, amount_yuan=200_000)
    entry = AuditEntry.objects.get(action="award")
    assert (entry.action_label, entry.reason) == ("确定补贴金额", "200,000元")
