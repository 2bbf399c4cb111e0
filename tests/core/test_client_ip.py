"""Behind the TLS proxy, django-axes locks a user name per client, not for everyone; a
client cannot choose its own address with a forged X-Forwarded-For."""

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip
from tests.factories import PASSWORD, LeadUnitUserFactory

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "", PROXY),
        (0, "203.0.113.9", PROXY),  # no proxy configured: the header is the client's words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left part was forged
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # too short: not written by our proxies
        (1, " , ", PROXY),
    ],
)
def test_the_client_is_read_as_far_as_our_proxies_vouch(settings, count, forwarded, expected):
    settings.PORTAL_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _login(client, username, password, address):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.django_db
def test_failures_of_one_client_do_not_lock_the_user_out_elsewhere(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    user = LeadUnitUserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "wrong", "198.51.100.7")
    locked = _login(client, user.username, PASSWORD, "198.51.100.7")
    assert "账号已临时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    _login(client, user.username, PASSWORD, "203.0.113.9")
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_lockout(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    user = LeadUnitUserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "wrong", "198.51.100.7")
    # The attacker prepends another address; the proxy still appends the real one.
    forged = _login(client, user.username, PASSWORD, "203.0.113.9, 198.51.100.7")
    assert "账号已临时锁定" in forged.content.decode()


# --- Penetration test (release after issue 11): junk in X-Forwarded-For --------------------
# With PORTAL_TRUSTED_PROXY_COUNT=1, POST /accounts/login/ with “X-Forwarded-For: 999.1.1.1”
# (or “not-an-ip”) answered 500: django-axes looked the address up in an inet column.


@pytest.mark.parametrize("junk", ["not-an-ip", "999.1.1.1", "1.2.3.4, <script>", "a" * 60])
def test_an_entry_that_is_no_address_is_not_trusted(settings, junk):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=junk)
    assert client_ip(request) == PROXY


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["not-an-ip", "999.1.1.1"])
def test_a_login_with_junk_forwarded_for_is_answered_not_a_500(client, settings, junk):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    user = LeadUnitUserFactory()
    failed = _login(client, user.username, "wrong-password", junk)
    assert failed.status_code == 200
    assert _login(client, user.username, PASSWORD, junk).status_code == 302
