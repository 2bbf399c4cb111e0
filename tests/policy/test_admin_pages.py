"""The administrator's pages for the versions of the measures (issue 13 item 3): only the
system administrator reaches them; a draft is created from a published version, changed
list by list, previewed and published after a page that states what publishing does;
bad input is refused with a Chinese message, nothing saved and what was typed kept."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.transitions import StaleRecord
from policy import services
from policy.models import PolicyVersion
from tests.factories import (
    AdminFactory,
    CountyReviewerFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    filed_alliance,
    policy_v1,
)

pytestmark = pytest.mark.django_db


def _particulars(**data):
    return {
        "document_number": "保政办发〔2027〕3号",
        "title": "保定市推进产业创新战略联盟建设实施办法",
        "issuing_body": "保定市人民政府办公厅",
        "effective_from": "2027-03-01",
        "expires_on": "",
        "note": "",
        **data,
    }


def _parameters(version, **data):
    values = {
        name: getattr(version, name)
        for name in (
            "summary_due_month",
            "summary_due_day",
            "overdue_reminder_interval_days",
            "event_late_days",
            "statement_working_days",
            "subsidy_min_yuan",
            "subsidy_max_yuan",
            "trim_min_scores",
            "notice_working_days",
            "evaluators_per_application",
        )
    }
    values["reminder_days_before"] = ", ".join(str(d) for d in version.reminder_days_before)
    values.update(data)
    return values


@pytest.fixture
def admin(client):
    user = AdminFactory()
    client.force_login(user)
    return user


@pytest.fixture
def draft():
    return services.version_create(
        by=AdminFactory(),
        copy_from=policy_v1(),
        data={
            "document_number": "保政办发〔2027〕3号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": datetime.date(2027, 3, 1),
            "expires_on": None,
        },
    )


def _urls(version):
    row = version.conditions.first()
    return [
        reverse("portal:policy_list"),
        reverse("portal:policy_new"),
        reverse("portal:policy_detail", args=[version.pk]),
        reverse("portal:policy_edit", args=[version.pk]),
        reverse("portal:policy_publish", args=[version.pk]),
        reverse("portal:policy_part_new", args=[version.pk, "conditions"]),
        reverse("portal:policy_part_edit", args=[version.pk, "conditions", row.pk]),
    ]


@pytest.mark.parametrize(
    "factory", [MunicipalStaffFactory, CountyReviewerFactory, LeadUnitUserFactory]
)
def test_only_the_system_administrator_reaches_the_pages(client, draft, factory):
    client.force_login(factory())
    for url in _urls(draft):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _particulars()).status_code == 403, url
    assert PolicyVersion.objects.count() == 2
    assert draft.conditions.count() == policy_v1().conditions.count()


@pytest.mark.parametrize(
    ("factory", "status"),
    [(MunicipalStaffFactory, 200), (CountyReviewerFactory, 403), (LeadUnitUserFactory, 403)],
)
def test_the_preview_is_read_by_the_administrator_and_the_municipal_staff(
    client, draft, factory, status
):
    client.force_login(factory())
    assert client.get(reverse("portal:policy_preview", args=[draft.pk])).status_code == status


def test_anonymous_visitors_are_sent_to_the_login_page(client, draft):
    for url in _urls(draft):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_every_page_renders_for_the_administrator(client, admin, draft):
    for url in _urls(draft):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("portal:policy_list")).content.decode()
    assert "保政办发〔2018〕18号" in page and "保政办发〔2027〕3号" in page
    assert 'data-testid="applied"' in page  # version 1 lapsed but still applied
    assert reverse("portal:policy_list") in client.get("/").content.decode()


def test_a_draft_is_created_as_a_copy_of_version_one(client, admin):
    v1 = policy_v1()
    response = client.post(reverse("portal:policy_new"), {"copy_from": v1.pk, **_particulars()})
    version = PolicyVersion.objects.get(document_number="保政办发〔2027〕3号")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:policy_detail", args=[version.pk])
    assert version.state == "draft" and version.created_by == admin
    assert version.summary_due_month == v1.summary_due_month
    for related in ("categories", "conditions", "materials", "grounds", "criteria"):
        assert getattr(version, related).count() == getattr(v1, related).count(), related
    assert version.articles.count() == 18


def test_a_draft_without_a_base_needs_every_parameter(client, admin):
    response = client.post(reverse("portal:policy_new"), _particulars())
    assert response.status_code == 400
    assert not PolicyVersion.objects.filter(document_number="保政办发〔2027〕3号").exists()
    assert "保政办发〔2027〕3号" in response.content.decode()  # what was typed is kept


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"effective_from": "2027-02-30"}, "effective_from", "日期"),
        ({"effective_from": "下个月"}, "effective_from", "日期"),
        ({"expires_on": "2027-01-01"}, "expires_on", "失效日期须晚于施行日期"),
        ({"subsidy_min_yuan": "600000"}, "subsidy_max_yuan", "补贴下限须大于0且不高于上限"),
        ({"summary_due_day": "31", "summary_due_month": "4"}, "summary_due_day", "4月31日"),
        ({"reminder_days_before": "30, 七"}, "reminder_days_before", "用逗号分隔的整数天数"),
        ({"trim_min_scores": "2"}, "trim_min_scores", "3或以上"),
    ],
)
def test_bad_particulars_and_parameters_are_refused_and_kept(
    client, admin, draft, change, field, message
):
    data = {**_particulars(), **_parameters(draft), **change}
    response = client.post(reverse("portal:policy_edit", args=[draft.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    for name, value in change.items():
        assert f'value="{value}"' in response.content.decode(), name
    fresh = PolicyVersion.objects.get(pk=draft.pk)
    assert fresh.effective_from == datetime.date(2027, 3, 1)
    assert fresh.subsidy_min_yuan == 100_000 and fresh.trim_min_scores == draft.trim_min_scores


def test_a_changed_due_date_is_saved_and_audited_old_and_new(client, admin, draft):
    data = {**_particulars(), **_parameters(draft, summary_due_month=4, summary_due_day=30)}
    response = client.post(reverse("portal:policy_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.summary_due_month, draft.summary_due_day) == (4, 30)
    entry = AuditEntry.objects.for_object(draft).filter(action="update").get()
    assert entry.actor == admin
    assert "年度工作总结截止月份: 3 → 4" in entry.reason
    assert "年度工作总结截止日: 31 → 30" in entry.reason


def _condition(**data):
    return {
        "key": "data_security",
        "number": 8,
        "title": "数据安全承诺",
        "article_text": "联盟成员承诺遵守数据安全和保密管理规定。",
        "evidence": "牵头单位声明",
        "check_key": "declaration",
        **data,
    }


def test_a_declaration_condition_is_added_and_shown_in_the_preview(client, admin, draft):
    url = reverse("portal:policy_part_new", args=[draft.pk, "conditions"])
    assert client.post(url, _condition()).status_code == 302
    condition = draft.conditions.get(key="data_security")
    assert condition.is_declaration and condition.number == 8
    assert AuditEntry.objects.for_object(draft).filter(action="part").count() == 1
    preview = client.get(reverse("portal:policy_preview", args=[draft.pk])).content.decode()
    assert "数据安全承诺" in preview and "须由牵头单位声明" in preview
    # Version 1 is untouched.
    assert not policy_v1().conditions.filter(key="data_security").exists()


def test_the_preview_checks_an_alliance_against_the_draft(client, admin, draft):
    data = {k: v for k, v in _condition().items() if k != "key"}
    services.condition_save(version=draft, by=admin, key="data_security", data=data)
    alliance = filed_alliance(name="雄安新材料产业创新战略联盟")
    url = reverse("portal:policy_preview", args=[draft.pk])
    # The system administrator reads no business record (三员分立): no alliance to try.
    page = client.get(url, {"q": "新材料", "alliance": alliance.pk}).content.decode()
    assert 'data-testid="preview-no-alliances"' in page
    assert "雄安新材料" not in page and 'data-testid="checklist"' not in page
    # The municipal staff try it.
    client.force_login(MunicipalStaffFactory())
    found = client.get(url, {"q": "新材料"}).content.decode()
    assert f"alliance={alliance.pk}" in found
    page = client.get(url, {"alliance": alliance.pk}).content.decode()
    assert 'data-testid="checklist"' in page
    assert 'data-condition="8"' in page and "请牵头单位确认并声明符合本项条件" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"article_text": ""}, "article_text", ""),
        ({"key": "Data Security"}, "key", "小写英文字母"),
        ({"key": "goals"}, "key", "相同的代码"),
        ({"number": 1}, "number", "相同的项号"),
        ({"check_key": "magic"}, "check_key", ""),
    ],
)
def test_a_bad_condition_is_refused_and_kept(client, admin, draft, change, field, message):
    url = reverse("portal:policy_part_new", args=[draft.pk, "conditions"])
    response = client.post(url, _condition(**change))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert "数据安全承诺" in response.content.decode()
    assert draft.conditions.count() == policy_v1().conditions.count()


def test_a_criterion_weight_change_keeps_the_draft_from_being_published(client, admin, draft):
    criterion = draft.criteria.first()
    url = reverse("portal:policy_part_edit", args=[draft.pk, "criteria", criterion.pk])
    response = client.post(url, {"number": criterion.number, "weight": criterion.weight + 5})
    assert response.status_code == 302
    page = client.get(reverse("portal:policy_publish", args=[draft.pk])).content.decode()
    assert "权重之和须为100，目前为105" in page
    assert 'data-testid="publish-form"' not in page
    response = client.post(
        reverse("portal:policy_publish", args=[draft.pk]),
        {"expected_state": "draft", "confirm": "on"},
    )
    assert response.status_code == 400
    assert PolicyVersion.objects.get(pk=draft.pk).state == "draft"


def test_a_row_is_deleted_by_post_only_and_audited(client, admin, draft):
    ground = draft.grounds.last()
    url = reverse("portal:policy_part_delete", args=[draft.pk, "grounds", ground.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not draft.grounds.filter(pk=ground.pk).exists()
    entry = AuditEntry.objects.for_object(draft).get(action="part_delete")
    assert ground.text in entry.reason


def test_publishing_states_its_consequences_and_needs_a_confirmation(client, admin, draft):
    url = reverse("portal:policy_publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "发布后自2027年3月1日起施行" in page
    assert "仍适用原来的版本" in page
    # Version 1 lapsed on 2023-09-18: the gap until 2027-03-01 is announced.
    assert "2023年9月18日至2027年2月28日之间没有施行中的版本" in page
    response = client.post(url, {"expected_state": "draft"})
    assert response.status_code == 400 and "请勾选确认后再发布" in response.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).state == "draft"
    assert client.post(url, {"expected_state": "draft", "confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published" and draft.published_by == admin


def test_a_published_version_has_no_editing_pages(client, admin, draft):
    services.version_publish(version=draft, by=admin)
    row = draft.conditions.first()
    for url in (
        reverse("portal:policy_edit", args=[draft.pk]),
        reverse("portal:policy_publish", args=[draft.pk]),
        reverse("portal:policy_part_new", args=[draft.pk, "conditions"]),
        reverse("portal:policy_part_edit", args=[draft.pk, "conditions", row.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, _condition()).status_code == 404, url
    delete = reverse("portal:policy_part_delete", args=[draft.pk, "conditions", row.pk])
    assert client.post(delete).status_code == 404
    assert draft.conditions.filter(pk=row.pk).exists()
    page = client.get(reverse("portal:policy_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="policy-edit"' not in page


def test_an_unknown_list_is_not_found(client, admin, draft):
    assert client.get(f"/policy/{draft.pk}/state/new/").status_code == 404


def test_a_successor_may_end_an_open_ended_predecessor_on_its_first_day(client, admin, draft):
    draft.expires_on = None
    services.version_publish(version=draft, by=admin)
    successor = services.version_create(
        by=admin,
        copy_from=draft,
        data={
            "document_number": "保政办发〔2028〕1号",
            "title": "保定市推进产业创新战略联盟建设实施办法",
            "issuing_body": "保定市人民政府办公厅",
            "effective_from": datetime.date(2028, 1, 1),
        },
    )
    url = reverse("portal:policy_publish", args=[successor.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="end-predecessor"' in page  # the overlap ends only if it is ticked
    response = client.post(url, {"expected_state": "draft", "confirm": "on"})
    assert response.status_code == 400
    assert PolicyVersion.objects.get(pk=successor.pk).state == "draft"
    response = client.post(
        url,
        {
            "expected_state": "draft",
            "confirm": "on",
            "end_predecessor": "on",
            "predecessor": draft.pk,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.expires_on == datetime.date(2028, 1, 1)
    assert PolicyVersion.objects.get(pk=successor.pk).state == "published"
    assert AuditEntry.objects.for_object(draft).filter(action="end").count() == 1


def test_the_past_is_never_rewritten_by_ending_a_predecessor(admin, draft):
    draft.effective_from = datetime.date(2020, 1, 1)
    draft.expires_on = datetime.date(2021, 1, 1)
    assert services.predecessor_to_end(draft) is None


# --- What the penetration test of these pages found --------------------------------------

SUCCESSOR = {
    "document_number": "保政办发〔2028〕1号",
    "title": "保定市推进产业创新战略联盟建设实施办法",
    "issuing_body": "保定市人民政府办公厅",
}


def test_a_version_taking_effect_before_today_is_not_published(client, admin, draft):
    draft.effective_from = datetime.date(2026, 1, 1)
    draft.save(update_fields=["effective_from"])
    url = reverse("portal:policy_publish", args=[draft.pk])
    assert "早于今天" in client.get(url).content.decode()
    response = client.post(url, {"expected_state": "draft", "confirm": "on"})
    assert response.status_code == 400
    assert PolicyVersion.objects.get(pk=draft.pk).state == "draft"


def test_only_an_open_ended_predecessor_is_ended(admin, draft):
    draft.expires_on = datetime.date(2029, 1, 1)
    draft.save(update_fields=["expires_on"])
    services.version_publish(version=draft, by=admin)
    successor = services.version_create(
        by=admin,
        copy_from=draft,
        data={**SUCCESSOR, "effective_from": datetime.date(2028, 1, 1), "expires_on": None},
    )
    assert services.predecessor_to_end(successor) is None
    with pytest.raises(StaleRecord):
        services.version_publish(version=successor, by=admin, end_predecessor=draft.pk)
    draft.refresh_from_db()
    assert draft.expires_on == datetime.date(2029, 1, 1)


def test_a_stale_publish_page_does_not_end_another_version(client, admin, draft):
    services.version_publish(version=draft, by=admin)
    successor = services.version_create(
        by=admin, copy_from=draft, data={**SUCCESSOR, "effective_from": datetime.date(2028, 1, 1)}
    )
    url = reverse("portal:policy_publish", args=[successor.pk])
    data = {"expected_state": "draft", "confirm": "on", "end_predecessor": "on"}
    response = client.post(url, {**data, "predecessor": policy_v1().pk})
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.expires_on is None
    assert client.post(url, {**data, "predecessor": draft.pk}).status_code == 302


@pytest.mark.parametrize("weight", ["0", "101"])
def test_a_criterion_weight_outside_1_to_100_is_refused(client, admin, draft, weight):
    criterion = draft.criteria.first()
    url = reverse("portal:policy_part_edit", args=[draft.pk, "criteria", criterion.pk])
    response = client.post(url, {"number": criterion.number, "weight": weight})
    assert response.status_code == 400
    assert "权重须为1到100的整数" in response.content.decode()


@pytest.mark.parametrize("number", ["0", "100"])
def test_an_item_number_outside_1_to_99_is_refused(client, admin, draft, number):
    url = reverse("portal:policy_part_new", args=[draft.pk, "conditions"])
    response = client.post(url, _condition(number=number))
    assert response.status_code == 400 and "项号须为1到99" in response.content.decode()
    assert client.get(reverse("portal:policy_detail", args=[draft.pk])).status_code == 200


def test_parameters_beyond_what_the_forms_accept_are_refused(client, admin, draft):
    data = {**_particulars(), **_parameters(draft, notice_working_days=32767)}
    response = client.post(reverse("portal:policy_edit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "不能超过30" in " ".join(response.context["form"].errors["notice_working_days"])


@pytest.mark.parametrize("value", ["²", "①", "1e3", "-1", "9" * 30])
def test_the_preview_ignores_an_alliance_parameter_that_is_not_a_number(
    client, admin, draft, value
):
    url = reverse("portal:policy_preview", args=[draft.pk])
    assert client.get(url, {"alliance": value}).status_code == 200


def test_creating_a_draft_records_the_values_it_was_created_with(admin, draft):
    entry = AuditEntry.objects.for_object(draft).get(action="create")
    assert "年度工作总结截止月份: — → 3" in entry.reason
    assert "施行日期: — → 2027-03-01" in entry.reason


def test_others_learn_nothing_from_a_get_on_delete(client, draft):
    client.force_login(MunicipalStaffFactory())
    row = draft.grounds.first()
    url = reverse("portal:policy_part_delete", args=[draft.pk, "grounds", row.pk])
    assert client.get(url).status_code == 403


def test_a_version_number_is_escaped_in_the_subsidy_round_form(client):
    from tests.factories import policy_successor

    policy_successor(
        effective_from=datetime.date(2025, 1, 1), document_number="<b id=x>保政办发</b>"
    )
    client.force_login(MunicipalStaffFactory())
    page = client.get(reverse("subsidies:round_new")).content.decode()
    assert "&lt;b id=x&gt;保政办发&lt;/b&gt;" in page and "<b id=x>" not in page


def test_an_oversized_form_gets_a_chinese_400_page(client, admin, settings):
    settings.DEBUG = False
    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("portal:policy_new"), data)
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_the_publish_page_says_which_summary_due_dates_move(client, admin, draft):
    draft.summary_due_month, draft.summary_due_day = 4, 30
    draft.save(update_fields=["summary_due_month", "summary_due_day"])
    page = client.get(reverse("portal:policy_publish", args=[draft.pk])).content.decode()
    assert "2027年度工作总结的截止日期将由2028年3月31日改为2028年4月30日" in page
    assert "2026年度工作总结" not in page  # its year begins before the version takes effect


def test_a_version_with_an_expiry_and_no_successor_announces_the_gap_after_it(client, admin, draft):
    draft.expires_on = datetime.date(2028, 3, 1)
    draft.save(update_fields=["expires_on"])
    page = client.get(reverse("portal:policy_publish", args=[draft.pk])).content.decode()
    assert "本版本失效后（2028年3月1日起）没有施行中的版本" in page


# --- Taking a publication back, deleting a draft (from the browser walk) ------------------


def _confirm(state):
    return {"expected_state": state, "confirm": "on"}


def test_a_version_not_yet_in_force_is_withdrawn_and_its_predecessor_restored(client, admin, draft):
    services.version_publish(version=draft, by=admin)
    successor = services.version_create(
        by=admin, copy_from=draft, data={**SUCCESSOR, "effective_from": datetime.date(2028, 1, 1)}
    )
    services.version_publish(version=successor, by=admin, end_predecessor=draft.pk)
    draft.refresh_from_db()
    assert draft.expires_on == datetime.date(2028, 1, 1)
    page = client.get(reverse("portal:policy_detail", args=[successor.pk])).content.decode()
    assert 'data-testid="withdraw"' in page
    url = reverse("portal:policy_withdraw", args=[successor.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"expected_state": "published"})
    assert response.status_code == 400 and "请勾选确认" in response.content.decode()
    assert client.post(url, _confirm("published")).status_code == 302
    successor.refresh_from_db()
    draft.refresh_from_db()
    assert successor.state == "draft" and successor.published_at is None
    assert draft.expires_on is None
    assert AuditEntry.objects.for_object(successor).filter(action="withdraw").exists()
    assert AuditEntry.objects.for_object(draft).filter(action="restore").exists()
    # Corrected and published again.
    services.version_update(
        version=successor, by=admin, data={"effective_from": datetime.date(2028, 2, 1)}
    )
    services.version_publish(version=successor, by=admin, end_predecessor=draft.pk)
    draft.refresh_from_db()
    assert draft.expires_on == datetime.date(2028, 2, 1)


def test_a_version_in_force_is_not_withdrawn(client, admin):
    v1 = policy_v1()
    page = client.get(reverse("portal:policy_detail", args=[v1.pk])).content.decode()
    assert 'data-testid="withdraw"' not in page
    response = client.post(reverse("portal:policy_withdraw", args=[v1.pk]), _confirm("published"))
    assert response.status_code == 400
    assert PolicyVersion.objects.get(pk=v1.pk).state == "published"


def test_a_draft_is_deleted_after_a_confirmation(client, admin, draft):
    url = reverse("portal:policy_delete", args=[draft.pk])
    assert client.post(url, {"expected_state": "draft"}).status_code == 400
    assert PolicyVersion.objects.filter(pk=draft.pk).exists()
    assert client.post(url, _confirm("draft")).status_code == 302
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
    assert (
        client.post(
            reverse("portal:policy_delete", args=[policy_v1().pk]), _confirm("published")
        ).status_code
        == 404
    )
    assert PolicyVersion.objects.filter(pk=policy_v1().pk).exists()
