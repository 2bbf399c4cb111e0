"""Every record is bound to its version at the right moment, and a second published version
changes what new filings, cases and rounds get while the old ones keep version 1."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.transitions import TransitionRefused
from filings import services as filing_services
from filings.conformance import check_conformance, missing_materials
from supervision import services as supervision_services
from supervision.models.summaries import annual_summary_due_date
from tests.factories import (
    AdminFactory,
    MunicipalStaffFactory,
    draft_filing,
    filed_alliance,
    filing_in_state,
    pdf_upload,
    policy_successor,
    policy_v1,
    publish_on_time,
    subsidy_round,
)

pytestmark = pytest.mark.django_db

D = datetime.date
NEW_CONDITION = {
    "key": "innovation_platform",
    "number": 8,
    "title": "创新平台",
    "article_text": "（八）联盟依托至少一个市级以上创新平台；",
    "evidence": "依托的创新平台名称和认定文号",
    "check_key": "declaration",
}


def successor(**data):
    """Version 2, in force since 2025 (so today): a new declared condition, other numbers."""
    return policy_successor(
        effective_from=D(2025, 1, 1),
        summary_due_month=4,
        summary_due_day=30,
        statement_working_days=15,
        subsidy_min_yuan=50_000,
        subsidy_max_yuan=300_000,
        notice_working_days=7,
        conditions=[NEW_CONDITION],
        **data,
    )


def test_a_filing_is_bound_when_first_submitted_not_before():
    filing = draft_filing()
    assert filing.policy_version is None
    # The draft shows the version that would apply.
    assert [c.number for c in check_conformance(filing.alliance, filing)] == list(range(1, 8))
    filing_services.filing_submit(filing=filing, by=filing.created_by)
    filing.refresh_from_db()
    assert filing.policy_version == policy_v1()


def test_resubmission_keeps_the_first_version():
    filing = filing_in_state("returned")
    assert filing.policy_version == policy_v1()
    successor()
    filing_services.filing_submit(filing=filing, by=filing.created_by)
    filing.refresh_from_db()
    assert filing.policy_version == policy_v1()
    assert len(check_conformance(filing.alliance, filing)) == 7  # v1's conditions still


def test_a_case_is_bound_when_opened_and_a_round_when_created():
    case = supervision_services.case_open(
        alliance=filed_alliance(), by=MunicipalStaffFactory(), grounds=["2"], facts="事实"
    )
    assert case.policy_version == policy_v1()
    round_ = subsidy_round(state="draft")
    assert round_.policy_version == policy_v1()
    assert (round_.notice_working_days, round_.evaluators_per_application) == (5, 5)
    assert list(round_.criteria.values_list("name", "weight"))[0] == ("创新活动", 20)


def test_a_second_version_changes_new_records_and_leaves_old_ones_on_version_one():
    old_filing = filing_in_state("county_review")
    staff = MunicipalStaffFactory()
    old_case = supervision_services.case_open(
        alliance=filed_alliance(), by=staff, grounds=["2"], facts="事实"
    )
    old_round = subsidy_round(state="draft", staff=staff)

    v2 = successor()

    new_filing = draft_filing()
    # The new condition is shown, and blocks submission until the lead unit declares it.
    checks = check_conformance(new_filing.alliance, new_filing)
    assert [c.number for c in checks] == list(range(1, 9))
    assert checks[-1].declaration and checks[-1].failed
    with pytest.raises(TransitionRefused) as refused:
        filing_services.filing_submit(filing=new_filing, by=new_filing.created_by)
    assert "创新平台" in str(refused.value)
    filing_services.filing_declare(
        filing=new_filing, by=new_filing.created_by, keys=[NEW_CONDITION["key"]]
    )
    new_filing.refresh_from_db()
    filing_services.filing_submit(filing=new_filing, by=new_filing.created_by)
    new_filing.refresh_from_db()
    assert new_filing.policy_version == v2

    new_case = supervision_services.case_open(
        alliance=filed_alliance(), by=staff, grounds=["2"], facts="事实"
    )
    assert new_case.policy_version == v2
    opened = timezone.localdate(new_case.opened_at)  # the bureau's day, not UTC's
    from core.workdays import add_working_days

    assert new_case.statement_deadline == add_working_days(opened, 15)

    new_round = subsidy_round(state="draft", staff=staff)
    assert (new_round.policy_version, new_round.notice_working_days) == (v2, 7)

    for record in (old_filing, old_case, old_round):
        record.refresh_from_db()
        assert record.policy_version == policy_v1()
    assert len(check_conformance(old_filing.alliance, old_filing)) == 7
    old_case_deadline = old_case.statement_deadline
    assert old_case_deadline == add_working_days(timezone.localdate(old_case.opened_at), 10)


def test_the_summary_due_date_follows_the_version_of_the_new_year():
    successor()
    assert annual_summary_due_date(2023) == D(2024, 3, 31)  # 2024-01-01: version 1 kept
    assert annual_summary_due_date(2024) == D(2025, 4, 30)  # 2025-01-01: version 2


def test_a_declaration_outside_the_version_is_refused():
    from django.core.exceptions import ValidationError

    filing = draft_filing()
    with pytest.raises(ValidationError):
        filing_services.filing_declare(filing=filing, by=filing.created_by, keys=["goals"])


def test_the_declaration_is_made_on_the_edit_page(client):
    successor()
    filing = draft_filing()
    client.force_login(filing.created_by)
    page = client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert (
        'data-testid="declaration-form"' in page
        and "（八）联盟依托至少一个市级以上创新平台" in page
    )
    response = client.post(
        reverse("filings:declarations", args=[filing.pk]),
        {"declare-keys": [NEW_CONDITION["key"]]},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.declarations == [NEW_CONDITION["key"]]


def test_materials_follow_the_filings_version():
    admin = AdminFactory()
    from policy import services as policy_services

    v2 = policy_services.version_create(
        by=admin,
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2025〕9号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": D(2025, 1, 1),
        },
    )
    v2.materials.filter(kind="licence").update(accepted_types=["pdf"], max_bytes=1024)
    v2.materials.filter(kind="charter").update(required=False)
    publish_on_time(v2, admin)
    filing = draft_filing()  # its materials are already uploaded (PDFs)
    filing.materials.all().delete()
    assert missing_materials(filing) == [
        "创新联盟备案申请书（盖章扫描件）",
        "牵头单位营业执照或法人证书复印件",
    ]
    from django.core.exceptions import ValidationError

    from tests.factories import image_bytes

    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2048)
    with pytest.raises(ValidationError, match="超过了1.0.+KB的上限"):
        filing_services.material_upload(
            filing=filing, by=filing.created_by, kind="licence", uploaded=big
        )
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("执照.png", image_bytes("PNG"), content_type="image/png")
    with pytest.raises(ValidationError, match="不在本项材料接受的类型之内"):
        filing_services.material_upload(
            filing=filing, by=filing.created_by, kind="licence", uploaded=png
        )
