"""A user signed in with the password alone reaches no page of the portal: every URL the
resolver knows (the fuzz inventory's way of listing them, the admin included) redirects
a GET to the enrol or code page and refuses anything else, but the pages that get the
second factor or leave, and the idle warning's and 适老化 switch's requests."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.http import urlencode

from accounts.middleware import OPEN_WHILE_PENDING
from tests.factories import CountyReviewerFactory, LeadUnitUserFactory, MunicipalStaffFactory
from tests.two_factor import enrolled, password_login

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(patterns=None, prefix=""):
    """Every route of the project, with its parameters filled in (regular-expression
    routes, a handful in the admin, are left out: their values cannot be made up)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and not re.search(r"[\^$(\\]", route):
            yield "/" + PARAMETER.sub(lambda m: "1" if m.group(1) == "int" else "x", route)


ALL = sorted(set(routes()))


def test_the_walk_covers_the_portal_and_the_admin():
    assert len(ALL) > 150
    assert any(path.startswith("/admin/accounts/user/") for path in ALL)
    assert reverse("filings:municipal_queue") in ALL


def test_only_the_pages_that_give_the_second_factor_stay_open():
    assert OPEN_WHILE_PENDING == {
        "accounts:two_factor_enrol",
        "accounts:two_factor_verify",
        "accounts:logout",
        # The idle warning and the 适老化 switch are on the code page too (issue 17).
        "accounts:keep_alive",
        "accounts:session_ended",
        "accounts:elder_mode",
        "set_language",
    }


@pytest.mark.parametrize(
    ("make", "enrol_first", "step"),
    [
        (MunicipalStaffFactory, False, "/accounts/two-factor/enrol/"),
        (CountyReviewerFactory, True, "/accounts/two-factor/verify/"),
        (LeadUnitUserFactory, True, "/accounts/two-factor/verify/"),  # optional, but enrolled
    ],
)
def test_a_password_alone_opens_no_page(client, make, enrol_first, step):
    user = make()
    if enrol_first:
        enrolled(user)
    password_login(client, user)
    opened, walked = [], 0
    for path in ALL:
        if resolve(path).view_name in OPEN_WHILE_PENDING:
            continue
        walked += 1
        response = client.get(path)
        if response.status_code != 302 or response.url != f"{step}?{urlencode({'next': path})}":
            opened.append(f"GET {path} → {response.status_code}")
        response = client.post(path, {"name": "x"})
        if response.status_code != 403 or "请先完成两步验证" not in response.content.decode():
            opened.append(f"POST {path} → {response.status_code}")
    assert walked > 150
    assert opened == []
