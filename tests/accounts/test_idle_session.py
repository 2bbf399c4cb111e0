"""The idle-logout warning's requests (issue 17; static/js/idle.js does the timing and is
tested in tests/e2e/test_idle_warning_browser.py): 继续使用 pushes the session's expiry
forward at once, and the session-ended request logs out and says why."""

import datetime
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db

KEEP_ALIVE = reverse("accounts:keep_alive")
ENDED = reverse("accounts:session_ended")


def session_expiry(client):
    from django.conf import settings

    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_continuing_keeps_the_session_past_its_original_end(client):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(MunicipalStaffFactory())
        assert client.get("/").status_code == 200
        first_end = session_expiry(client)
        # 28 minutes idle, the warning shows; 30 seconds later the user continues. A page
        # at that moment would not have moved the expiry if one had been loaded within the
        # minute: the keep-alive moves it whatever.
        clock.shift(datetime.timedelta(minutes=28, seconds=30))
        response = client.post(KEEP_ALIVE)
        assert response.status_code == 200
        assert response.json() == {"signed_in": True, "idle_seconds": 1800}
        assert response.headers["Cache-Control"].startswith("max-age=0")
        assert session_expiry(client) >= timezone.now() + datetime.timedelta(minutes=30)
        # After the first end, still signed in.
        clock.move_to(first_end + datetime.timedelta(minutes=1))
        assert client.get("/supervision/compliance/").status_code == 200


def test_without_continuing_the_session_ends(client):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(MunicipalStaffFactory())
        assert client.get("/").status_code == 200
        clock.move_to(session_expiry(client) + datetime.timedelta(seconds=1))
        response = client.get("/supervision/compliance/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        # The page's keep-alive then learns it is over.
        assert client.post(KEEP_ALIVE).status_code == 401


def test_a_second_keep_alive_within_the_minute_writes_again(client):
    """SessionIdleMiddleware writes once a minute; the keep-alive each time it is asked
    (it is asked once per warning)."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(MunicipalStaffFactory())
        client.post(KEEP_ALIVE)
        before = session_expiry(client)
        clock.shift(datetime.timedelta(seconds=20))
        client.post(KEEP_ALIVE)
        assert session_expiry(client) == before + datetime.timedelta(seconds=20)


def test_the_keep_alive_takes_post_only(client):
    client.force_login(MunicipalStaffFactory())
    assert client.get(KEEP_ALIVE).status_code == 405
    assert client.get(ENDED).status_code == 405


def idle_for(client, minutes: int) -> None:
    """The server last saw the client's session ``minutes`` ago."""
    from core.middleware import SessionIdleMiddleware

    session = client.session
    session[SessionIdleMiddleware.KEY] = int(time.time()) - minutes * 60
    session.save()


def test_when_time_runs_out_the_user_is_logged_out_and_told_why(client):
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    idle_for(client, 30)
    response = client.post(ENDED, {"next": "/supervision/compliance/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fsupervision%2Fcompliance%2F"
    page = client.get(response.url)
    assert not page.wsgi_request.user.is_authenticated
    assert "由于超过30分钟没有操作，您已自动退出登录" in page.content.decode()
    entry = AuditEntry.objects.filter(action="logout", actor=staff).latest("pk")
    assert entry.action_label == "超时自动退出登录"
    # An ordinary logout keeps its own label.
    client.force_login(staff)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="logout", actor=staff).latest("pk").action_label == (
        "退出登录"
    )


def test_a_session_the_server_saw_in_use_is_not_ended_by_an_idle_tab(client):
    """The tab counts only the requests it saw: a download or a tab without storage in
    the last minutes keeps the session, and the idle tab shows its page again."""
    staff = MunicipalStaffFactory()
    client.force_login(staff)
    idle_for(client, 20)
    response = client.post(ENDED, {"next": "/supervision/compliance/"})
    assert response.status_code == 302 and response.url == "/supervision/compliance/"
    assert client.get("/").wsgi_request.user == staff
    assert not AuditEntry.objects.filter(action="logout", actor=staff).exists()


def test_the_session_ended_request_leads_only_to_this_site(client):
    response = client.post(ENDED, {"next": "https://evil.example/"})
    assert response.url == "/accounts/login/?next=%2F"


def test_the_warning_is_on_signed_in_pages_only(client):
    assert 'id="idle-warning"' not in client.get("/registry/").content.decode()
    client.force_login(MunicipalStaffFactory())
    page = client.get("/registry/").content.decode()
    assert 'id="idle-warning"' in page
    assert 'role="alertdialog"' in page
    assert 'data-idle-seconds="1800"' in page and 'data-warn-seconds="120"' in page
    assert "/static/js/idle.js" in page
