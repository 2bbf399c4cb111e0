"""适老化 mode (issue 17): the switch in the header turns on large text and high contrast,
remembered on the account and in a cookie; the cookie outlives logout, and at login the
account's own choice applies (accounts.preferences)."""

import pytest
from django.urls import reverse

from accounts.preferences import COOKIE
from tests.factories import PASSWORD, AuditorFactory, LeadUnitUserFactory

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:elder_mode")


def html_class(response) -> str:
    start = response.content.decode().split("<html", 1)[1].split(">", 1)[0]
    return start


def switch(client, on: bool, next_url="/registry/"):
    return client.post(SWITCH, {"elder": "1" if on else "0", "next": next_url})


def log_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_a_visitor_switches_it_on_and_the_cookie_remembers(client):
    assert 'class="elder"' not in html_class(client.get("/registry/"))
    response = switch(client, True)
    assert response.status_code == 302 and response.url == "/registry/"
    assert response.cookies[COOKIE].value == "v1"  # a visitor's choice
    assert response.cookies[COOKIE]["httponly"]
    assert response.cookies[COOKIE]["max-age"] >= 365 * 24 * 3600
    page = client.get("/registry/")
    assert 'class="elder"' in html_class(page)
    assert "已开启适老化模式" in page.content.decode()
    # The switch says what pressing it now does.
    assert "退出适老化模式" in page.content.decode()

    switch(client, False)
    assert 'class="elder"' not in html_class(client.get("/registry/"))


def test_a_user_s_choice_is_stored_on_the_account(client):
    lead = LeadUnitUserFactory()
    client.force_login(lead)
    switch(client, True)
    lead.refresh_from_db()
    assert lead.elder_mode is True
    assert 'class="elder"' in html_class(client.get("/"))
    switch(client, False)
    lead.refresh_from_db()
    assert lead.elder_mode is False


def test_the_choice_survives_logout_and_the_account_s_choice_applies_at_login(client):
    lead = LeadUnitUserFactory()
    log_in(client, lead)
    switch(client, True)
    client.post(reverse("accounts:logout"))
    # Logged out: the login page still has large text (the cookie stayed).
    assert client.cookies[COOKIE].value == "1"
    assert 'class="elder"' in html_class(client.get(reverse("accounts:login")))

    # Someone else at this computer who never chose it: their account's choice applies,
    # and from then on the cookie says so too.
    other = LeadUnitUserFactory()
    log_in(client, other)
    assert client.cookies[COOKIE].value == "0"
    assert 'class="elder"' not in html_class(client.get("/"))
    client.post(reverse("accounts:logout"))
    assert 'class="elder"' not in html_class(client.get(reverse("accounts:login")))

    # The first user logs in again on a browser that never chose: on again.
    client.cookies.clear()
    log_in(client, lead)
    assert client.cookies[COOKIE].value == "1"
    assert 'class="elder"' in html_class(client.get("/"))


def test_switched_on_at_the_login_page_it_stays_on_after_login_and_is_stored(client):
    """The walk: an older user switched it on at the login page and lost it at login."""
    expert = LeadUnitUserFactory()
    client.get(reverse("accounts:login"))
    switch(client, True)
    assert 'class="elder"' in html_class(client.get(reverse("accounts:login")))
    log_in(client, expert)
    assert client.cookies[COOKIE].value == "1"  # the account's now, not a visitor's
    assert 'class="elder"' in html_class(client.get("/"))
    expert.refresh_from_db()
    assert expert.elder_mode is True
    # Logged out, the next person's login is not given it: the cookie is the account's.
    client.post(reverse("accounts:logout"))
    other = LeadUnitUserFactory()
    log_in(client, other)
    other.refresh_from_db()
    assert other.elder_mode is False
    assert 'class="elder"' not in html_class(client.get("/"))


def test_switched_off_at_the_login_page_it_is_off_after_login(client):
    lead = LeadUnitUserFactory(elder_mode=True)
    switch(client, False)
    log_in(client, lead)
    lead.refresh_from_db()
    assert lead.elder_mode is False
    assert 'class="elder"' not in html_class(client.get("/"))


def test_the_switch_takes_post_only_and_comes_back_to_this_site_only(client):
    assert client.get(SWITCH).status_code == 405
    response = switch(client, True, next_url="https://evil.example/")
    assert response.url == "/"
    response = switch(client, True, next_url="//evil.example/")
    assert response.url == "/"


def test_the_switch_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(SWITCH, {"elder": "1"})
    assert response.status_code == 403


def test_the_security_auditor_may_switch_it_too(client):
    auditor = AuditorFactory()
    client.force_login(auditor)
    assert switch(client, True, next_url="/logs/operations/").status_code == 302
    auditor.refresh_from_db()
    assert auditor.elder_mode is True


def test_the_switch_is_in_the_header_beside_the_language_button(client):
    page = client.get("/registry/").content.decode()
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert f'action="{SWITCH}"' in nav and 'name="language"' in nav
    assert nav.index('name="language"') < nav.index(f'action="{SWITCH}"')
    assert 'name="next" value="/registry/"' in nav


def test_a_signed_in_switch_is_not_undone_by_a_visitor_cookie_the_request_carried(client):
    """The browser's signed-out choice is adopted once; a switch made while signed in,
    in a request that still carried such a cookie, stands."""
    user = LeadUnitUserFactory()
    client.force_login(user)
    client.cookies[COOKIE] = "v1"  # switched on while signed out, never adopted
    response = switch(client, False)
    assert response.cookies[COOKIE].value == "0"
    user.refresh_from_db()
    assert user.elder_mode is False
