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


def test_tasks_run_in_chinese_even_inside_an_english_request(
    cjk_font, django_capture_on_commit_callbacks
):
    """A legal notice e-mailed while an English reader acts (tasks inline) is Chinese."""
    from django.core import mail

    from supervision.services import revocation
    from tests.factories import filed_alliance

    alliance = filed_alliance()
    staff = MunicipalStaffFactory()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        revocation.case_open(alliance=alliance, by=staff, grounds=["2"], facts="未开展活动")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        revocation.case_open(alliance=filed_alliance(), by=staff, grounds=["2"], facts="同上")
        assert translation.get_language() == "en"  # restored after the task
    notices = [m for m in mail.outbox if alliance.name in m.body]
    assert notices and all("保定市科学技术局" in m.body or "年" in m.body for m in notices)
    assert not any("Dec." in m.body or "Bureau" in m.body for m in notices)


def test_symposium_and_recommendation_labels_are_chinese():
    import datetime

    from django.utils import timezone

    from supervision.models import ProvincialRecommendation
    from supervision.services import symposia
    from supervision.services.recommendations import recommendation_create
    from tests.factories import filed_alliance

    staff = MunicipalStaffFactory()
    symposium = symposia.symposium_schedule(
        by=staff,
        title="语言测试座谈会",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        location="市科技局",
    )
    with translation.override("en"):
        symposia.symposium_cancel(symposium=symposium, by=staff)
        recommendation_create(
            alliance=filed_alliance(),
            by=staff,
            kind=ProvincialRecommendation.Kind.values[0],
            note="运行规范",
            recommended_on=datetime.date(2025, 3, 1),
        )
    cancel = AuditEntry.objects.get(action="cancel")
    recommend = AuditEntry.objects.get(action="recommend_provincial")
    assert cancel.action_label == "取消座谈会"
    with translation.override("zh-hans"):
        chinese = str(ProvincialRecommendation.Kind.choices[0][1])
    assert recommend.action_label == chinese and "省" in chinese
