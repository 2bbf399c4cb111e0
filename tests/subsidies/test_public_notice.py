"""The 公示 and what follows it (issue 15 item 11): the public page says where and until
when objections go; only a round in its notice period says "拟…给予", a decided one says
"已确定…给予"; the award notice stands on the shared official page."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from subsidies import services
from subsidies.models import Award
from tests.factories import MunicipalStaffFactory
from tests.pdf_text import assert_issued, day
from tests.subsidies.test_public_and_export import round_with_awards

pytestmark = pytest.mark.django_db

ADDRESS = "保定市某某路100号科技大厦301室"
PHONE = "0312-5550123"


def _finalise(round_, staff):
    with time_machine.travel(round_.notice_ends_on + datetime.timedelta(days=1)):
        services.round_finalise(round_=round_, by=staff)
    round_.refresh_from_db()
    return round_


def _section(body: str, round_) -> str:
    """One round's section of the list page."""
    match = re.search(rf'<section[^>]*data-round="{round_.pk}".*?</section>', body, re.S)
    assert match, round_.pk
    return match.group(0)


@override_settings(PORTAL_OBJECTION_ADDRESS=ADDRESS, PORTAL_OBJECTION_PHONE=PHONE)
def test_a_round_in_notice_proposes_and_says_where_to_object(client):
    staff = MunicipalStaffFactory()
    round_, applications, _ = round_with_awards(staff, title="公示中的批次", amounts=[300_000])
    last_day = round_.notice_ends_on.strftime("%Y年%-m月%-d日")

    for url in (reverse("subsidies:round_results", args=[round_.pk]), reverse("subsidies:results")):
        body = client.get(url).content.decode()  # anonymous
        assert "拟对以下运行良好、成效显著的产业创新战略联盟给予运行经费补贴，现予公示。" in body
        assert "已确定" not in body
        assert f"异议受理截止日期：{last_day}" in body
        assert f"异议受理地址：{ADDRESS}" in body
        assert f"联系电话：{PHONE}" in body
        assert round_.policy_version.citation in body


@override_settings(PORTAL_OBJECTION_ADDRESS=ADDRESS, PORTAL_OBJECTION_PHONE=PHONE)
def test_a_decided_round_says_decided_everywhere(client, cjk_font):
    staff = MunicipalStaffFactory()
    decided, applications, _ = round_with_awards(staff, title="已办结的批次", amounts=[400_000])
    decided = _finalise(decided, staff)
    in_notice, *_ = round_with_awards(staff, title="公示中的批次", amounts=[200_000])

    page = client.get(reverse("subsidies:round_results", args=[decided.pk])).content.decode()
    listing = client.get(reverse("subsidies:results")).content.decode()
    for body in (page, _section(listing, decided)):
        assert "已确定对以下运行良好、成效显著的产业创新战略联盟给予运行经费补贴。" in body
        assert "拟" not in body
        assert ADDRESS not in body and 'data-testid="how-to-object"' not in body
    # The other round on the same list is still in its notice period, and says so.
    assert "拟对以下" in _section(listing, in_notice) and ADDRESS in _section(listing, in_notice)
    assert "拟" not in listing.replace(_section(listing, in_notice), "")

    award = Award.objects.get(application=applications[0])
    text = assert_issued(
        award.notice_file,
        issuer=settings.PORTAL_BUREAU_NAME,
        number=award.notice_number,
        date=decided.notice_ends_on + datetime.timedelta(days=1),
    )
    assert "拟" not in text
    assert f"根据{''.join(decided.policy_version.citation.split())}第十五条" in text
    assert (
        f"经公示（{day(decided.notice_starts_on)}至{day(decided.notice_ends_on)}）期满，"
        f"我局决定对你单位牵头的“{applications[0].alliance.name}”"
    ) in text
    assert "人民币肆拾万元整（￥400,000.00）" in text


def test_an_empty_decided_round_says_none_was_decided(client):
    staff = MunicipalStaffFactory()
    round_, *_ = round_with_awards(staff, title="无补贴的批次", amounts=[0])
    assert (
        "本批次无拟补贴联盟"
        in client.get(reverse("subsidies:round_results", args=[round_.pk])).content.decode()
    )
    round_ = _finalise(round_, staff)
    body = client.get(reverse("subsidies:round_results", args=[round_.pk])).content.decode()
    assert "本批次未确定补贴联盟" in body and "拟" not in body


def test_without_the_settings_the_page_still_gives_the_deadline(client):
    staff = MunicipalStaffFactory()
    round_, *_ = round_with_awards(staff, title="公示中的批次", amounts=[300_000])
    body = client.get(reverse("subsidies:round_results", args=[round_.pk])).content.decode()
    assert 'data-testid="objection-deadline"' in body
    assert 'data-testid="objection-address"' not in body  # never an empty "地址："


def test_an_imported_rounds_awards_do_not_claim_a_notice_in_the_portal(client):
    """A round of the paper register (issue 16) had no evaluation or 公示 in the portal:
    the public pages say where its awards come from and give no notice period (the walk
    found “公示期：至（0个工作日）” and “经专家评审和公示”)."""
    from portal.imports import service
    from tests.factories import policy_v1
    from tests.portal.import_files import alliance, unit, workbook

    policy_v1()
    number = "保科联备〔2018〕007号"
    data = workbook(
        organisations=[unit("保定甲科技有限公司")],
        alliances=[alliance("保定甲产业技术创新战略联盟", "保定甲科技有限公司", number)],
        awards=[{"filing_number": number, "year": 2019, "amount_yuan": 200000}],
    )
    report = service.run(data, name="x.xlsx", user=MunicipalStaffFactory(), dry_run=False)
    assert report["refusal_count"] == 0, report["refusals"]
    for url in (reverse("subsidies:results"), *_round_urls()):
        body = client.get(url).content.decode()
        assert "按纸质档案评审、公示并确定" in body
        assert "公示期：" not in body and "经专家评审和公示" not in body
        assert "2019年度联盟运行经费补贴（历史数据导入）" in body
    # The round's 合计 in 万元, as its rows (issue 15 item 10).
    assert 'data-testid="total">20万元<' in body


def _round_urls():
    from subsidies.models import SubsidyRound

    return [reverse("subsidies:round_results", args=[r.pk]) for r in SubsidyRound.objects.all()]
