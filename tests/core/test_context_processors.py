"""The portal's name on every page, whatever host the browser used."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import LeadUnitUserFactory

pytestmark = pytest.mark.django_db
NAME = "保定市产业创新战略联盟备案管理平台"


def brand_and_title(client, url_name):
    response = client.get(
        reverse(url_name), HTTP_HOST="127.0.0.1:8820", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    # The brand link holds the full name and, for phones, a short one (static/css/responsive.css).
    brand = re.search(r'class="navbar-brand"[^>]*>(.*?)</a>', page, re.S).group(1)
    full = re.search(r'data-testid="portal-name">(.*?)</span>', brand, re.S).group(1)
    return full.strip(), title


@override_settings(ALLOWED_HOSTS=["127.0.0.1"], LANGUAGE_CODE="zh-hans")
@pytest.mark.parametrize("url_name", ["accounts:login", "accounts:password_reset"])
def test_brand_and_title_name_the_portal_not_the_host(client, url_name):
    brand, title = brand_and_title(client, url_name)
    assert brand == NAME and NAME in title
    assert "8820" not in title + brand


@override_settings(ALLOWED_HOSTS=["127.0.0.1"], LANGUAGE_CODE="zh-hans")
def test_a_signed_in_page_names_the_portal(client):
    client.force_login(LeadUnitUserFactory())
    brand, title = brand_and_title(client, "portal:home")
    assert brand == NAME and NAME in title


def test_every_page_template_names_itself_in_the_title():
    """The title reads “页面 · 平台名”: every template that extends the base layout gives
    its own title (the separator was never shown: ``self.title`` is Jinja, not Django)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    missing = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if '{% extends "base.html" %}' in path.read_text()
        and not re.search(r"{% block title %}\s*\S", path.read_text())
    ]
    assert missing == []


@override_settings(ALLOWED_HOSTS=["127.0.0.1"], LANGUAGE_CODE="zh-hans")
def test_the_title_separates_the_page_from_the_portal(client):
    _brand, title = brand_and_title(client, "accounts:login")
    assert title == f"登录 · {NAME}"
