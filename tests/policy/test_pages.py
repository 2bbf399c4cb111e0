"""Lapsed rules are visible: staff see a banner on every page while no version is in force;
the public registry says under which measures each alliance was filed."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    filing_in_state,
    policy_successor,
)

pytestmark = pytest.mark.django_db

BANNER = 'data-testid="policy-banner"'


@pytest.mark.parametrize("factory", [MunicipalStaffFactory, CountyReviewerFactory, AdminFactory])
def test_staff_see_the_lapsed_measures_banner_on_every_page(client, factory):
    client.force_login(factory())
    for url in ("/", reverse("registry:list"), reverse("portal:inbox")):
        page = client.get(url, follow=True).content.decode()
        assert BANNER in page, url
        assert "目前没有施行中的实施办法" in page
        assert "保政办发〔2018〕18号）已于2023年9月18日失效" in page
        assert "继续适用该版本" in page


def test_the_banner_says_new_filings_are_refused_under_that_setting(client, settings):
    settings.PORTAL_POLICY_WHEN_LAPSED = "refuse"
    client.force_login(MunicipalStaffFactory())
    page = client.get("/").content.decode()
    assert "平台暂停受理新的备案申请、取消备案立案和补贴批次" in page


def test_lead_units_and_the_public_see_no_banner(client):
    assert BANNER not in client.get(reverse("registry:list")).content.decode()
    client.force_login(LeadUnitUserFactory())
    assert BANNER not in client.get("/", follow=True).content.decode()


def test_no_banner_while_a_version_is_in_force(client):
    policy_successor(effective_from=datetime.date(2025, 1, 1))
    client.force_login(MunicipalStaffFactory())
    page = client.get("/").content.decode()
    assert BANNER not in page
    assert "依据《保定市推进产业创新战略联盟建设实施办法（修订）》（保政办发〔2024〕7号）" in page


def test_the_registry_says_under_which_measures_an_alliance_was_filed(client):
    filing = filing_in_state("filed")
    policy_successor(effective_from=datetime.date(2025, 1, 1))
    page = client.get(reverse("registry:alliance", args=[filing.alliance.pk])).content.decode()
    assert "备案依据" in page
    assert "《保定市推进产业创新战略联盟建设实施办法》（保政办发〔2018〕18号）" in page
    # Filed on paper before the portal: the version of its filing date.
    paper = filed_alliance(filed_on=datetime.date(2020, 5, 1))
    page = client.get(reverse("registry:alliance", args=[paper.pk])).content.decode()
    assert "（保政办发〔2018〕18号）" in page


def test_the_checklist_and_the_notice_quote_the_filings_version(client, cjk_font):
    from pypdf import PdfReader

    filing = filing_in_state("filed")
    client.force_login(filing.created_by)
    page = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert 'data-testid="checklist-version"' in page and "保政办发〔2018〕18号" in page
    notice = filing.documents.get(kind="filing_notice")
    text = "".join(p.extract_text() for p in PdfReader(notice.file.open("rb")).pages)
    assert "保政办发〔2018〕18号" in text.replace(" ", "")
