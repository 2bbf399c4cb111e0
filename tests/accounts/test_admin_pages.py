"""The system administrator's Django admin, as a screen reader meets it (issue 17): what
the accessibility crawl found and was mended (docs/accessibility.md, "Django admin")."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import (
    LeadUnitUserFactory,
    access_attempt,
    jurisdiction,
    policy_v1,
)

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_every_admin_page_loads_the_mends_and_the_portals_icon(admin_client):
    html = page(admin_client, "/admin/")
    assert "css/admin.css" in html and "js/admin.js" in html
    # No request for /favicon.ico (a 404 on every admin page before).
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html)


def test_each_counties_participation_checkbox_is_named_after_its_row(admin_client):
    county = jurisdiction("130602")
    html = page(admin_client, "/admin/accounts/jurisdiction/")
    boxes = re.findall(r'<input type="checkbox" name="form-\d+-enabled"[^>]*>', html)
    assert len(boxes) >= 26
    assert any(f'aria-label="参与备案：{county.name}"' in box for box in boxes)
    assert all("aria-label=" in box for box in boxes)


def test_the_users_list_has_a_caption_row_headers_and_chinese_columns(admin_client):
    LeadUnitUserFactory(first_name="测试", last_name="王")
    html = page(admin_client, "/admin/accounts/user/")
    assert re.search(r'<caption class="visually-hidden">\s*用户\s*</caption>', html)
    assert '<th scope="row" class="field-username">' in html
    assert "Get full name" not in html and ">姓名<" in html


def test_a_users_login_times_are_shown_not_typed(admin_client):
    user = LeadUnitUserFactory()
    html = page(admin_client, f"/admin/accounts/user/{user.pk}/change/")
    # Read-only: no inputs (they had no label), and no two-box widgets (spans with
    # aria-label and no role): plain multiple selects with a label each.
    assert 'name="last_login_0"' not in html and 'name="date_joined_0"' not in html
    assert "selectfilter" not in html
    for name in ("groups", "user_permissions"):
        assert re.search(rf'<select name="{name}"[^>]*id="id_{name}"[^>]*multiple', html)
        assert f'<label for="id_{name}">' in html


def test_the_unit_select_says_what_it_is_while_empty(admin_client):
    html = page(admin_client, "/admin/accounts/user/add/")
    assert 'data-placeholder="所属单位（输入名称搜索）"' in html


def test_a_groups_permissions_are_a_labelled_plain_select(admin_client):
    group = Group.objects.create(name="数据维护")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:2])
    html = page(admin_client, f"/admin/auth/group/{group.pk}/change/")
    assert "selectfilter" not in html
    assert '<label for="id_permissions">' in html
    assert re.search(r'<select name="permissions"[^>]*multiple', html)


def test_a_policy_versions_parts_are_captioned_tables(admin_client):
    version = policy_v1()
    html = page(admin_client, f"/admin/policy/policyversion/{version.pk}/change/")
    captions = re.findall(r"<caption>(.*?)</caption>", html)
    assert len(captions) == 6
    assert html.count('<th scope="col" class="column-') >= 15
    # The 2018 measures' Article 13 grounds are shown, escaped as text.
    assert version.grounds.count() > 0
    assert version.grounds.first().text[:10] in html


def test_yes_no_icons_are_read_in_the_pages_language(admin_client):
    LeadUnitUserFactory()
    html = page(admin_client, "/admin/accounts/user/")
    assert 'alt="是"' in html and 'alt="否"' in html
    assert not re.search(r'alt="(True|False|None)"', html)
    admin_client.cookies["django_language"] = "en"
    html = page(admin_client, "/admin/accounts/user/")
    assert 'alt="Yes"' in html and 'alt="No"' in html


def test_a_typed_true_is_not_taken_for_an_icon(admin_client):
    LeadUnitUserFactory(first_name='" alt="True">', last_name="x")
    html = page(admin_client, "/admin/accounts/user/")
    assert "&quot; alt=&quot;True&quot;&gt;" in html


def test_the_password_pages_help_is_in_the_language_of_the_request(admin_client):
    user = LeadUnitUserFactory()
    url = f"/admin/accounts/user/{user.pk}/password/"
    html = page(admin_client, url)
    assert "停用后，该用户当前的密码将被清除。" in html
    assert "If disabled" not in html
    admin_client.cookies["django_language"] = "en"
    html = page(admin_client, url)
    assert "If disabled, the current password for this user will be lost." in html
    assert "停用后" not in html
    assert 'id="id_unusable_warning"' in html  # Django's script shows and hides it


def test_the_index_and_lockouts_are_named_in_chinese(admin_client):
    html = page(admin_client, "/admin/")
    assert "登录锁定" in html and ">Axes<" not in html
    assert "模型名称" in html and "Model name" not in html
    html = page(admin_client, "/admin/accounts/user/add/")
    assert "创建用户后，即可编辑更多用户选项。" in html


def test_a_policy_versions_people_are_labelled(admin_client):
    version = policy_v1()
    html = page(admin_client, f"/admin/policy/policyversion/{version.pk}/change/")
    assert "创建人" in html and "发布人" in html
    assert "Created by" not in html and "Published by" not in html


def test_a_lockout_is_headed_by_who_from_where_and_when_in_local_time(admin_client):
    attempt = access_attempt()
    html = page(admin_client, "/admin/axes/accessattempt/")
    assert ">状态<" in html and ">Status<" not in html
    html = page(admin_client, f"/admin/axes/accessattempt/{attempt.pk}/change/")
    assert "lead@example.com 自 203.0.113.7（" in html
    assert "+00:00" not in html and "Attempted Access" not in html
