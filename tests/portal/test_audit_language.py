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
