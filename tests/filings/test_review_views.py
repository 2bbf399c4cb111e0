"""The reviewers' pages: queues (Art. 11 初审 and 市级审核), the filing page, decisions."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from filings.models import Alliance, Category, Filing, FilingDocument
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    draft_filing,
    filing_in_state,
    jurisdiction,
)
from tests.filings.test_queue_queries import bulk_queue

pytestmark = pytest.mark.django_db
S = Filing.State
COUNTY_QUEUE = reverse("filings:county_queue")
MUNICIPAL_QUEUE = reverse("filings:municipal_queue")


def detail(filing):
    return reverse("filings:detail", args=[filing.pk])


def action(name, filing):
    return reverse(f"filings:{name}", args=[filing.pk])


def county_of(filing):
    return CountyReviewerFactory(jurisdiction=filing.jurisdiction)


def lead_in(code):
    return LeadUnitUserFactory(organisation=OrganisationFactory(jurisdiction=jurisdiction(code)))


def queued_days_ago(filing, days):
    Filing.objects.filter(pk=filing.pk).update(
        queued_at=timezone.now() - datetime.timedelta(days=days)
    )


def named(filing, name):
    Alliance.objects.filter(pk=filing.alliance_id).update(name=name)
    filing.alliance.refresh_from_db()
    return filing


def rows(body):
    return [int(pk) for pk in re.findall(r'data-filing="(\d+)"', body)]


# --- Queues ----------------------------------------------------------------------------


def test_county_queue_shows_only_own_jurisdiction_oldest_first_with_days_waiting(client):
    newer = filing_in_state(S.COUNTY_REVIEW)
    older = filing_in_state(S.COUNTY_REVIEW)
    elsewhere = named(
        filing_in_state(S.COUNTY_REVIEW, lead_user=lead_in("130683")), "安国市外县联盟"
    )
    recommended = filing_in_state(S.MUNICIPAL_REVIEW)  # no longer the county's work
    queued_days_ago(newer, 3)
    queued_days_ago(older, 20)
    client.force_login(county_of(newer))

    body = client.get(COUNTY_QUEUE).content.decode()

    assert rows(body) == [older.pk, newer.pk]
    assert elsewhere.alliance.name not in body
    assert elsewhere.alliance.lead_unit.name not in body
    assert recommended.pk not in rows(body)
    assert re.search(r'days-waiting-late" data-days="20"', body)
    assert re.search(r'class="days-waiting" data-days="3"', body)


def test_municipal_queue_shows_recommended_filings_of_every_jurisdiction(client):
    here = filing_in_state(S.MUNICIPAL_REVIEW)
    there = filing_in_state(S.MUNICIPAL_REVIEW, lead_user=lead_in("130683"))
    at_county = filing_in_state(S.COUNTY_REVIEW)
    queued_days_ago(there, 30)
    client.force_login(MunicipalStaffFactory())

    body = client.get(MUNICIPAL_QUEUE).content.decode()

    assert rows(body) == [there.pk, here.pk]
    assert "安国市" in body  # the jurisdiction column
    assert at_county.pk not in rows(body)

    filtered = client.get(MUNICIPAL_QUEUE, {"jurisdiction": jurisdiction("130683").pk})
    assert rows(filtered.content.decode()) == [there.pk]


def test_queue_filters_by_name_code_and_category(client):
    wanted = bulk_queue(S.COUNTY_REVIEW, 2, name="新能源汽车联盟", category=Category.STRATEGIC)
    bulk_queue(S.COUNTY_REVIEW, 3, name="现代农业联盟", category=Category.INDUSTRIAL)
    client.force_login(CountyReviewerFactory(jurisdiction=jurisdiction("130602")))

    by_name = client.get(COUNTY_QUEUE, {"q": "新能源"}).content.decode()
    assert sorted(rows(by_name)) == sorted(f.pk for f in wanted)

    by_category = client.get(COUNTY_QUEUE, {"category": Category.STRATEGIC}).content.decode()
    assert sorted(rows(by_category)) == sorted(f.pk for f in wanted)

    uscc = wanted[0].alliance.lead_unit.uscc
    by_code = client.get(COUNTY_QUEUE, {"q": uscc.lower()}).content.decode()
    assert sorted(rows(by_code)) == sorted(f.pk for f in wanted)


def test_queue_paginates_25_per_page_keeping_the_filter(client):
    filings = bulk_queue(S.COUNTY_REVIEW, 27, name="分页联盟")
    bulk_queue(S.COUNTY_REVIEW, 2, name="其他联盟")
    client.force_login(CountyReviewerFactory(jurisdiction=jurisdiction("130602")))

    first = client.get(COUNTY_QUEUE, {"q": "分页"}).content.decode()
    assert rows(first) == [f.pk for f in filings[:25]]  # oldest first
    assert "q=%E5%88%86%E9%A1%B5&amp;page=2" in first

    second = client.get(COUNTY_QUEUE, {"q": "分页", "page": 2}).content.decode()
    assert rows(second) == [f.pk for f in filings[25:]]


@pytest.mark.parametrize(
    ("factory", "url", "status"),
    [
        (LeadUnitUserFactory, COUNTY_QUEUE, 403),
        (MunicipalStaffFactory, COUNTY_QUEUE, 403),
        (CountyReviewerFactory, MUNICIPAL_QUEUE, 403),
        (LeadUnitUserFactory, MUNICIPAL_QUEUE, 403),
    ],
)
def test_queues_are_for_their_reviewers_only(client, factory, url, status):
    client.force_login(factory())
    assert client.get(url).status_code == status


def test_county_home_shows_the_queue_and_nothing_of_another_jurisdiction(client):
    mine = filing_in_state(S.COUNTY_REVIEW)
    theirs = named(filing_in_state(S.COUNTY_REVIEW, lead_user=lead_in("130683")), "安国市外县联盟")
    queued_days_ago(mine, 9)
    client.force_login(county_of(mine))
    response = client.get("/")
    body = response.content.decode()
    assert mine.alliance.name in body
    todo = {item.key: item for item in response.context["todo"]}
    assert todo["county_queue"].count == 1  # the to-do list (issue 15)
    assert "最早的一份已等待 9 天" in body
    assert theirs.alliance.name not in body
    assert theirs.alliance.lead_unit.name not in body
    assert COUNTY_QUEUE in body


def test_municipal_home_shows_the_count_waiting(client):
    filing_in_state(S.MUNICIPAL_REVIEW)
    filing_in_state(S.MUNICIPAL_REVIEW, lead_user=lead_in("130683"))
    client.force_login(MunicipalStaffFactory())
    response = client.get("/")
    todo = {item.key: item for item in response.context["todo"]}
    assert todo["municipal_queue"].count == 2  # the to-do list (issue 15)
    assert MUNICIPAL_QUEUE in response.content.decode()


# --- Decisions with text --------------------------------------------------------------


def test_recommend_without_an_opinion_shows_the_error_at_the_field(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(county_of(filing))
    log = AuditEntry.objects.count()

    response = client.post(
        action("recommend", filing), {"opinion": "  ", "expected_state": S.COUNTY_REVIEW}
    )

    assert response.status_code == 200
    body = response.content.decode()
    field = re.search(r'<textarea[^>]*id="id_recommend_opinion"[^>]*>', body).group(0)
    assert "is-invalid" in field
    assert re.search(r'id="error_1_id_recommend_opinion"[^>]*>\s*<strong>请填写初审意见', body)
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW
    assert AuditEntry.objects.count() == log
    assert not filing.documents.exists()


def test_an_over_long_opinion_is_refused_and_the_typed_text_is_kept(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(county_of(filing))
    typed = "经审查符合条件。" * 300  # 2,400 characters

    response = client.post(
        action("recommend", filing), {"opinion": typed, "expected_state": S.COUNTY_REVIEW}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "初审意见不能超过2000字" in body
    assert typed in body
    # The other decisions on the page are still offered, unbound.
    assert 'data-action="return_for_revision"' in body
    assert 'data-action="reject"' in body
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW


@pytest.mark.parametrize("name", ["return", "reject"])
@pytest.mark.parametrize("state", [S.COUNTY_REVIEW, S.MUNICIPAL_REVIEW])
def test_return_or_reject_without_a_reason_is_refused_at_the_field(client, name, state):
    filing = filing_in_state(state)
    client.force_login(county_of(filing) if state == S.COUNTY_REVIEW else MunicipalStaffFactory())
    log = AuditEntry.objects.count()

    response = client.post(action(name, filing), {"reason": "", "expected_state": state})

    assert response.status_code == 200
    body = response.content.decode()
    transition = "return_for_revision" if name == "return" else "reject"
    assert re.search(rf'id="error_1_id_{transition}_reason"[^>]*>\s*<strong>请写明理由', body)
    assert Filing.objects.get(pk=filing.pk).state == state
    assert AuditEntry.objects.count() == log


def test_recommend_issues_the_letter_and_tells_municipal_staff(
    client, cjk_font, mailoutbox, django_capture_on_commit_callbacks
):
    filing = filing_in_state(S.COUNTY_REVIEW)
    staff = MunicipalStaffFactory()
    client.force_login(county_of(filing))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action("recommend", filing),
            {"opinion": "材料齐全，符合第九条，同意推荐。", "expected_state": S.COUNTY_REVIEW},
        )

    assert response.status_code == 302
    assert response.url == COUNTY_QUEUE
    filing.refresh_from_db()
    assert filing.state == S.MUNICIPAL_REVIEW
    letter = filing.documents.get(kind=FilingDocument.Kind.RECOMMENDATION_LETTER)
    year = timezone.localdate().year
    assert letter.reference_number == f"竞科荐〔{year}〕001号" == filing.recommendation_number
    assert letter.file.read().startswith(b"%PDF-")
    assert staff.email in [m.to[0] for m in mailoutbox]
    assert any("待市级审核" in m.subject for m in mailoutbox if m.to == [staff.email])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(letter.reference_number in m for m in messages)
    entry = AuditEntry.objects.for_object(filing).last()
    assert (entry.action, entry.reason) == ("recommend", "材料齐全，符合第九条，同意推荐。")


def test_approve_issues_the_notice_and_files_the_alliance(client, cjk_font):
    filing = filing_in_state(S.MUNICIPAL_REVIEW)
    client.force_login(MunicipalStaffFactory())

    response = client.post(
        action("approve", filing), {"expected_state": S.MUNICIPAL_REVIEW, "confirmed": "1"}
    )

    assert response.status_code == 302
    assert response.url == MUNICIPAL_QUEUE
    filing.refresh_from_db()
    alliance = Alliance.objects.get(pk=filing.alliance_id)
    year = timezone.localdate().year
    assert filing.state == S.FILED
    assert alliance.status == Alliance.Status.FILED
    assert alliance.filing_number == f"保科联备〔{year}〕001号"
    notice = filing.documents.get(kind=FilingDocument.Kind.FILING_NOTICE)
    assert notice.reference_number == alliance.filing_number
    assert notice.file.read().startswith(b"%PDF-")


# An empty opinion never reaches the service: the stale page is still the news.
@pytest.mark.parametrize("opinion", ["同意推荐", ""])
def test_a_stale_page_is_refused_with_the_changed_record_message(client, opinion):
    filing = filing_in_state(S.COUNTY_REVIEW)
    first, second = county_of(filing), county_of(filing)
    other_client = Client()
    other_client.force_login(first)
    other_client.post(
        action("return", filing), {"reason": "请补充", "expected_state": S.COUNTY_REVIEW}
    )
    client.force_login(second)  # still looking at the page showing 县级初审中
    log = AuditEntry.objects.count()

    response = client.post(
        action("recommend", filing), {"opinion": opinion, "expected_state": S.COUNTY_REVIEW}
    )

    assert response.status_code == 302
    assert response.url == detail(filing)
    assert ["该记录已被他人修改，请刷新页面后重试。"] == [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    assert Filing.objects.get(pk=filing.pk).state == S.RETURNED
    assert AuditEntry.objects.count() == log


def test_an_invalid_form_from_someone_who_may_not_take_the_action_is_403(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(MunicipalStaffFactory())  # sees the filing, may not recommend
    log = AuditEntry.objects.count()
    response = client.post(
        action("recommend", filing), {"opinion": "", "expected_state": S.COUNTY_REVIEW}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.count() == log


def test_the_submit_button_says_why_it_would_be_refused(client):
    filing = draft_filing()
    filing.alliance.members.exclude(role="lead").update(charter_signed=False)
    client.force_login(filing.created_by)
    body = client.get(detail(filing)).content.decode()
    assert 'data-action="submit" novalidate' in body
    assert "提交前须满足第九条全部条件并上传第十条材料" in body

    complete = draft_filing(filing.created_by)
    body = client.get(detail(complete)).content.decode()
    assert 'data-action="submit" novalidate' in body
    assert "提交前须满足第九条全部条件并上传第十条材料" not in body


def test_submit_refused_by_a_condition_explains_why(client):
    filing = draft_filing()
    filing.alliance.members.exclude(role="lead").update(charter_signed=False)
    client.force_login(filing.created_by)

    response = client.post(
        action("submit", filing), {"expected_state": S.DRAFT, "confirmed": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "尚未确认签署" in response.content.decode()
    assert Filing.objects.get(pk=filing.pk).state == S.DRAFT


def test_lead_unit_submits_and_sees_the_record(client):
    filing = draft_filing()
    client.force_login(filing.created_by)
    response = client.post(action("submit", filing), {"expected_state": S.DRAFT, "confirmed": "1"})
    assert response.status_code == 302
    assert response.url == detail(filing)
    assert Filing.objects.get(pk=filing.pk).state == S.COUNTY_REVIEW


# --- The filing page ------------------------------------------------------------------


def test_detail_shows_data_members_materials_checklist_and_timeline_with_reasons(client):
    filing = filing_in_state(S.RETURNED)
    client.force_login(filing.created_by)

    body = client.get(detail(filing)).content.decode()

    alliance = filing.alliance
    assert alliance.name in body
    assert alliance.category_title in body
    assert alliance.office_address in body
    assert alliance.lead_unit.uscc in body
    for member in alliance.members.select_related("organisation"):
        assert member.organisation.name in body
    assert body.count(f'href="/filings/{filing.pk}/materials/') == 3
    assert 'data-testid="checklist"' in body
    assert body.count('data-status="passed"') + body.count('data-status="warning"') == 7
    assert 'data-testid="last-reason"' in body
    timeline = body[body.index('data-testid="timeline"') :]
    assert [a for a in re.findall(r'data-action="(\w+)"', timeline)][:3] == [
        "create",
        "submit",
        "return_for_revision",
    ]
    assert "理由：请补充成员单位任务分工" in timeline
    assert "县级科技主管部门" in timeline  # the actor's role at the time
    assert "县级初审中 → 退回修改" in timeline
    assert 'data-testid="edit-link"' in body


def test_detail_shows_the_issued_documents_and_opinion(client):
    filing = filing_in_state(S.FILED)
    client.force_login(MunicipalStaffFactory())
    body = client.get(detail(filing)).content.decode()
    for document in filing.documents.all():
        assert document.reference_number in body
        assert reverse("filings:document_download", args=[filing.pk, document.pk]) in body
    assert "符合条件，同意推荐" in body
    assert "意见：符合条件，同意推荐" in body
    assert 'data-testid="no-actions"' in body
    assert 'data-testid="edit-link"' not in body
    # Each download link says which document it fetches (a screen reader's link list
    # read "下载PDF" twice).
    links = re.findall(r'href="/filings/\d+/documents/\d+/[^"]*">(.*?)</a>', body)
    names = [re.sub(r"<[^>]+>", "", link) for link in links]
    assert len(names) == filing.documents.count() >= 2
    assert len(set(names)) == len(names), names


def test_detail_of_a_rejected_filing_shows_the_reason_to_the_lead_unit(client):
    filing = filing_in_state(S.REJECTED)
    client.force_login(filing.created_by)
    body = client.get(detail(filing)).content.decode()
    assert "不予备案理由" in body
    assert "不符合第九条" in body
    assert 'data-testid="edit-link"' not in body


def test_detail_is_get_only(client):
    filing = filing_in_state(S.COUNTY_REVIEW)
    client.force_login(filing.created_by)
    assert client.post(detail(filing)).status_code == 405


@pytest.mark.parametrize(
    "params",
    [{"category": "no-such"}, {"jurisdiction": "abc"}, {"page": "999"}, {"page": "x"}],
)
def test_queue_survives_nonsense_parameters(client, params):
    bulk_queue(S.MUNICIPAL_REVIEW, 2)
    client.force_login(MunicipalStaffFactory())
    assert client.get(MUNICIPAL_QUEUE, params).status_code == 200


@pytest.mark.parametrize(
    ("factory", "text", "url"),
    [
        (CountyReviewerFactory, "初审队列", COUNTY_QUEUE),
        (MunicipalStaffFactory, "备案审核", MUNICIPAL_QUEUE),
    ],
)
def test_navigation_links_to_the_reviewers_queue(client, factory, text, url):
    client.force_login(factory())
    body = client.get("/").content.decode()
    assert re.search(rf'<a class="nav-link" href="{url}">{text}</a>', body)
