"""The member unit's page of memberships (/filings/memberships/), its answers, and what the
filing's pages show about each member's online confirmation."""

import io
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filings import membership, services
from filings.models import AllianceMember
from tests.factories import (
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    OrganisationFactory,
    draft_filing,
    unit_admin,
)

pytestmark = pytest.mark.django_db
LIST = reverse("filings:memberships")


@pytest.fixture
def lead():
    return LeadUnitUserFactory()


@pytest.fixture
def filing(lead):
    return draft_filing(lead)


@pytest.fixture
def admin():
    return unit_admin(OrganisationFactory(kind="institute", industry="M", jurisdiction=None))


@pytest.fixture
def member(filing, lead, admin):
    return services.member_add(
        filing=filing,
        by=lead,
        organisation=admin.organisation,
        role=AllianceMember.Role.COUNCIL,
        task_division="负责材料中试验证",
    )


def confirm_url(member):
    return reverse("filings:membership_confirm", args=[member.pk])


def decline_url(member):
    return reverse("filings:membership_decline", args=[member.pk])


def seen(member):
    return membership.terms_digest(member)


# --- The list -----------------------------------------------------------------------------


def test_the_admin_sees_the_membership_with_the_leads_terms_and_both_actions(
    client, admin, member, filing
):
    client.force_login(admin)
    page = client.get(LIST).content.decode()
    assert filing.alliance.name in page
    assert filing.alliance.lead_unit.name in page
    assert "理事单位" in page and "负责材料中试验证" in page
    assert "待成员单位确认" in page
    assert confirm_url(member) in page and decline_url(member) in page
    assert 'data-testid="read-only"' not in page


def test_pending_memberships_come_first(client, admin, member):
    # An older, answered membership and a newer one whose application is submitted.
    other_lead = LeadUnitUserFactory()
    answered = services.member_add(
        filing=draft_filing(other_lead, name="已确认联盟"),
        by=other_lead,
        organisation=admin.organisation,
        role="member",
        task_division="x",
    )
    membership.membership_confirm(by=admin, member=answered)
    client.force_login(admin)
    rows = list(client.get(LIST).context["rows"])
    assert rows[0].pk == member.pk and rows[0].awaiting
    assert not rows[1].awaiting


def test_a_colleague_reads_the_list_without_actions(client, admin, member):
    colleague = LeadUnitUserFactory(organisation=admin.organisation)
    client.force_login(colleague)
    page = client.get(LIST).content.decode()
    assert "负责材料中试验证" in page and 'data-testid="read-only"' in page
    assert confirm_url(member) not in page


def test_the_list_is_scoped_to_the_users_own_unit(client, member, lead):
    stranger = unit_admin()
    client.force_login(stranger)
    assert client.get(LIST).context["rows"] == []
    # The lead unit's own row in its own alliance is no membership to answer.
    client.force_login(lead)
    assert client.get(LIST).context["rows"] == []


def test_other_roles_are_refused(client, member):
    client.force_login(MunicipalStaffFactory())
    assert client.get(LIST).status_code == 403


def test_the_nav_shows_the_pending_count(client, admin, member):
    client.force_login(admin)
    page = client.get(reverse("portal:home")).content.decode()
    assert re.search(r'data-testid="membership-pending-count"[^>]*>1<', page)
    membership.membership_confirm(by=admin, member=member)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="membership-pending-count"' not in page


def test_the_list_costs_the_same_queries_for_many_rows(client, admin):
    def make(n):
        for i in range(n):
            other_lead = LeadUnitUserFactory()
            filing = draft_filing(other_lead, name=f"查询联盟{i}-{n}")
            row = services.member_add(
                filing=filing,
                by=other_lead,
                organisation=admin.organisation,
                role="member",
                task_division="分工",
            )
            if i % 2:
                membership.membership_confirm(by=admin, member=row)

    client.force_login(admin)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.context["rows"])

    make(2)
    few, rows_few = count()
    make(8)
    many, rows_many = count()
    assert (rows_few, rows_many) == (2, 10)
    assert many == few


# --- The answers --------------------------------------------------------------------------


def test_confirm_by_post(client, admin, member):
    client.force_login(admin)
    response = client.post(confirm_url(member), {f"confirm{member.pk}-seen_terms": seen(member)})
    assert response.status_code == 302 and response["Location"] == LIST
    member.refresh_from_db()
    assert member.confirmed_by == admin and member.charter_signed


def test_confirm_is_post_only(client, admin, member):
    client.force_login(admin)
    assert client.get(confirm_url(member)).status_code == 405


def test_confirm_needs_the_csrf_token(admin, member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(confirm_url(member)).status_code == 403
    member.refresh_from_db()
    assert member.confirmed_at is None


def test_a_stale_page_is_refused_with_a_message(client, admin, member, filing, lead):
    terms = seen(member)
    services.member_update(filing=filing, by=lead, member=member, data={"task_division": "新分工"})
    client.force_login(admin)
    response = client.post(
        confirm_url(member), {f"confirm{member.pk}-seen_terms": terms}, follow=True
    )
    member.refresh_from_db()
    assert member.confirmed_at is None
    assert "该记录已被他人修改，请刷新页面后重试。" in response.content.decode()


def test_decline_without_a_reason_keeps_the_page_and_says_what_to_fix(client, admin, member):
    client.force_login(admin)
    response = client.post(decline_url(member), {f"decline{member.pk}-reason": ""})
    assert response.status_code == 200
    assert "请写明拒绝的理由" in response.content.decode()
    member.refresh_from_db()
    assert member.declined_at is None


def test_decline_by_post(client, admin, member):
    client.force_login(admin)
    response = client.post(
        decline_url(member),
        {
            f"decline{member.pk}-reason": "本单位未参与",
            f"decline{member.pk}-seen_terms": seen(member),
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.decline_reason == "本单位未参与"


def test_a_colleague_gets_403_and_another_units_admin_404(client, admin, member):
    client.force_login(LeadUnitUserFactory(organisation=admin.organisation))
    assert client.post(confirm_url(member)).status_code == 403
    assert client.post(decline_url(member), {f"decline{member.pk}-reason": "x"}).status_code == 403
    client.force_login(unit_admin())
    assert client.post(confirm_url(member)).status_code == 404
    assert client.post(decline_url(member), {f"decline{member.pk}-reason": "x"}).status_code == 404
    member.refresh_from_db()
    assert member.confirmed_at is None and member.declined_at is None


def test_after_submission_the_page_offers_no_answer_and_a_post_is_refused(
    client, admin, member, filing, lead
):
    membership.membership_confirm(by=admin, member=member)
    services.filing_submit(filing=filing, by=lead)
    client.force_login(admin)
    page = client.get(LIST).content.decode()
    assert decline_url(member) not in page
    response = client.post(decline_url(member), {f"decline{member.pk}-reason": "迟到"}, follow=True)
    assert "没有可修改的备案申请" in response.content.decode()
    member.refresh_from_db()
    assert member.declined_at is None


# --- The filing's pages show who confirmed when ----------------------------------------------


def confirmed(admin, member):
    membership.membership_confirm(by=admin, member=member)
    member.refresh_from_db()
    return membership.confirmation_status(member, member.alliance.lead_unit_id, editable=True)[1]


def test_the_edit_page_disables_the_signature_and_shows_the_status(client, lead, filing, member):
    client.force_login(lead)
    response = client.get(reverse("filings:edit", args=[filing.pk]))
    page = response.content.decode()
    assert "待成员单位确认" in page
    assert "未注册单位，由牵头单位登记签署" in page  # the factory's unregistered members
    [row] = [m for m in response.context["members"] if m.pk == member.pk]
    assert row.edit_form.fields["charter_signed"].disabled


def test_the_lead_cannot_tick_it_through_the_edit_form(client, lead, filing, member):
    client.force_login(lead)
    client.post(
        reverse("filings:member_edit", args=[filing.pk, member.pk]),
        {
            f"m{member.pk}-role": member.role,
            f"m{member.pk}-task_division": member.task_division,
            f"m{member.pk}-charter_signed": "on",
        },
    )
    member.refresh_from_db()
    assert member.charter_signed is False  # the disabled field keeps its value


def test_the_add_form_refuses_the_tick_with_a_message_on_the_field(client, lead, filing):
    registered = unit_admin().organisation
    client.force_login(lead)
    response = client.post(
        reverse("filings:member_add", args=[filing.pk]),
        {
            "member-uscc": registered.uscc,
            "member-role": "member",
            "member-task_division": "分工",
            "member-charter_signed": "on",
        },
    )
    assert response.status_code == 200
    assert "牵头单位不能代为勾选" in response.content.decode()
    assert not AllianceMember.objects.filter(organisation=registered).exists()


def test_every_view_of_the_filing_shows_who_confirmed_when(client, lead, filing, admin, member):
    text = confirmed(admin, member)
    assert text.startswith("已在线确认：")
    client.force_login(lead)
    assert text in client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert text in client.get(reverse("filings:edit", args=[filing.pk])).content.decode()
    services.filing_submit(filing=filing, by=lead)
    county = CountyReviewerFactory(jurisdiction=filing.alliance.lead_unit.jurisdiction)
    client.force_login(county)
    assert text in client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    services.filing_recommend(filing=filing, by=county, opinion="同意推荐")
    client.force_login(MunicipalStaffFactory())
    assert text in client.get(reverse("filings:detail", args=[filing.pk])).content.decode()


def test_a_decline_is_shown_with_its_reason(client, lead, filing, admin, member):
    membership.membership_decline(by=admin, member=member, reason="未参与筹建")
    client.force_login(lead)
    page = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "已拒绝：未参与筹建" in page


def test_the_application_form_pdf_lists_the_confirmation(filing, admin, member, monkeypatch):
    from filings import documents

    captured = {}

    def fake_render(template, context):
        captured.update(context)
        return b"%PDF"

    monkeypatch.setattr(documents, "render_pdf", fake_render)
    text = confirmed(admin, member)
    documents.application_form_pdf(filing)
    [row] = [m for m in captured["members"] if m.pk == member.pk]
    assert row.confirmation_text == text
    from django.template.loader import render_to_string

    html = render_to_string("pdf/application_form.html", captured)
    assert text in html


def test_the_dossier_lists_who_confirmed_when(filing, admin, member):
    from portal.dossier import build_dossier

    text = confirmed(admin, member)
    archive = zipfile.ZipFile(io.BytesIO(build_dossier(filing.alliance)))
    members_csv = archive.read("members.csv").decode("utf-8-sig")
    assert text in members_csv and admin.get_full_name() in members_csv
