"""Version 1 is the 2018 measures: their real dates, every article's text, and the numbers
the portal applied before they were data (issue 13)."""

import datetime

import pytest

from filings.conformance import CHECKS as IMPLEMENTED_CHECKS
from filings.models import Category, FilingMaterial
from policy.models import CHECKS, DECLARATION, PolicyVersion, chinese_number
from supervision.models import EventReport, RevocationGround
from tests.factories import policy_v1

pytestmark = pytest.mark.django_db


def test_version_one_is_the_2018_measures_published_with_their_dates():
    version = policy_v1()
    assert version.state == PolicyVersion.State.PUBLISHED
    assert version.document_number == "保政办发〔2018〕18号"
    assert version.title == "保定市推进产业创新战略联盟建设实施办法"
    assert version.issuing_body == "保定市人民政府办公厅"
    # Art. 18: in force from 2018-09-18 for five years; 2023-09-18 is the first day without.
    assert version.effective_from == datetime.date(2018, 9, 18)
    assert version.expires_on == datetime.date(2023, 9, 18)
    assert version.citation == "《保定市推进产业创新战略联盟建设实施办法》（保政办发〔2018〕18号）"


def test_every_article_is_carried_as_text():
    version = policy_v1()
    assert list(version.articles.values_list("number", flat=True)) == list(range(1, 19))
    art18 = version.article(18)
    assert art18.heading == "第十八条"
    assert art18.text.startswith("本办法自2018年9月18日起施行，有效期5年。")
    assert "保政办发〔2016〕11号" in art18.text
    assert "给予10-50万元运行经费补贴" in version.article(15).text
    art9 = version.article(9).text
    assert art9.startswith("申请创新联盟备案须具备以下基本条件：")
    assert "（七）建立了开放发展机制" in art9
    assert version.article(1).chapter == "第一章 总则"


def test_the_numbers_are_those_the_settings_held():
    version = policy_v1()
    assert (version.summary_due_month, version.summary_due_day) == (3, 31)
    assert version.reminder_days_before == [30, 7, 0]
    assert version.overdue_reminder_interval_days == 7
    assert version.event_late_days == 30
    assert version.statement_working_days == 10
    assert (version.subsidy_min_yuan, version.subsidy_max_yuan) == (100_000, 500_000)
    assert version.trim_min_scores == 5
    assert version.notice_working_days == 5
    assert version.evaluators_per_application == 5
    criteria = list(version.criteria.values_list("name", "weight"))
    assert criteria[0] == ("创新活动", 20) and sum(w for _n, w in criteria) == 100
    assert len(criteria) == 6


def test_the_lists_keep_the_existing_keys():
    version = policy_v1()
    # The keys the code and stored rows name (the 2018 constants) are version 1's.
    assert list(version.categories.values_list("key", flat=True)) == list(Category)
    assert list(version.materials.values_list("kind", flat=True)) == list(FilingMaterial.Kind)
    assert list(version.grounds.values_list("key", flat=True)) == RevocationGround.values
    assert list(version.event_kinds.values_list("key", flat=True)) == list(EventReport.Kind)
    assert set(EventReport.CHANGE_KINDS) <= set(EventReport.Kind)
    # Labels too: a row of 2018 means what it meant.
    assert dict(version.grounds.values_list("key", "text")) == {
        g.value: str(g.label) for g in RevocationGround
    }
    assert dict(version.categories.values_list("key", "title")) == {
        Category.INDUSTRIAL_TECHNOLOGY: "一类：产业技术创新战略联盟",
        Category.INDUSTRIAL: "二类：产业创新联盟",
        Category.STRATEGIC: "三类：创新战略联盟",
    }
    assert dict(version.event_kinds.values_list("key", "title"))["address_change"] == (
        "机构办公室地址变迁"
    )


def test_each_art9_condition_is_a_check_the_code_provides():
    version = policy_v1()
    conditions = list(version.conditions.all())
    assert [c.number for c in conditions] == list(range(1, 8))
    assert [c.check_key for c in conditions] == list(IMPLEMENTED_CHECKS)
    assert all(c.article_text.startswith(c.item) for c in conditions)
    assert conditions[2].article_text.startswith("（三）签署了具有法律约束力的创新联盟协议（章程）")
    # The check keys the policy app offers are exactly those filings implements.
    assert set(CHECKS) - {DECLARATION} == set(IMPLEMENTED_CHECKS)


def test_materials_accept_pdf_and_images_up_to_20_mb():
    for material in policy_v1().materials.all():
        assert material.required
        assert material.accepted_types == ["pdf", "jpeg", "png"]
        assert material.max_bytes == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (13, "十三"), (21, "二十一")]
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text
