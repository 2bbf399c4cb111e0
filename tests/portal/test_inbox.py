import pytest

from core.models import Notification
from core.notify import send_notice
from tests.factories import LeadUnitUserFactory, MunicipalStaffFactory, filing_in_state

pytestmark = pytest.mark.django_db


def test_every_email_also_lands_in_the_inbox(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_in_state("returned")
    lead = filing.created_by
    emails_to_lead = [m for m in mailoutbox if m.to == [lead.email]]
    subjects = set(Notification.objects.filter(user=lead).values_list("subject", flat=True))
    assert emails_to_lead
    assert {m.subject.removeprefix("[保定市创新联盟] ") for m in emails_to_lead} == subjects


def test_unread_count_in_navigation_and_mark_read(client):
    user = LeadUnitUserFactory()
    send_notice(users=[user], subject="测试通知甲", body="正文")
    send_notice(users=[user], subject="测试通知乙", body="正文")
    client.force_login(user)
    body = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in body
    first = Notification.objects.get(subject="测试通知甲")
    client.get(f"/inbox/{first.pk}/")
    assert 'data-testid="unread-count">1<' in client.get("/").content.decode()
    client.post("/inbox/read-all/")
    assert "unread-count" not in client.get("/").content.decode()


def test_another_users_notification_is_404(client):
    owner, other = LeadUnitUserFactory(), LeadUnitUserFactory()
    send_notice(users=[owner], subject="私人通知", body="x")
    notification = Notification.objects.get()
    client.force_login(other)
    assert client.get(f"/inbox/{notification.pk}/").status_code == 404
    assert "私人通知" not in client.get("/inbox/").content.decode()


def test_opt_out_stops_non_legal_emails_but_not_legal_ones(client, mailoutbox):
    user = MunicipalStaffFactory()
    client.force_login(user)
    client.post("/inbox/preference/", {"email_opt_out": "on"})
    user.refresh_from_db()
    assert user.email_opt_out
    send_notice(users=[user], subject="待办提醒", body="x", legal=False)
    send_notice(users=[user], subject="决定书", body="x", legal=True)
    assert [m.subject for m in mailoutbox] == ["[保定市创新联盟] 决定书"]
    assert Notification.objects.filter(user=user).count() == 2


def test_mark_read_is_post_only(client):
    user = LeadUnitUserFactory()
    client.force_login(user)
    assert client.get("/inbox/read-all/").status_code == 405


def test_a_notice_links_to_the_portal_with_a_button_that_works_on_any_host(client):
    """Issue 15 item 7: the e-mail's absolute link (built from PORTAL_BASE_URL, which may
    name another host than the reader's) becomes a relative 查看 button in the inbox;
    links elsewhere stay text."""
    import re

    from django.urls import reverse

    lead = LeadUnitUserFactory()
    notice = Notification.objects.create(
        user=lead,
        subject="请修改备案申请",
        body="请按意见修改。\n\nhttp://127.0.0.1:8000/filings/5/\n参考 https://example.org/guide/",
        legal=True,
    )
    client.force_login(lead)
    page = client.get(reverse("portal:notification", args=[notice.pk])).content.decode()
    buttons = re.findall(r'href="([^"]+)" data-testid="notice-link"', page)
    assert buttons == ["/filings/5/"]
    assert "127.0.0.1:8000" not in page
    assert 'href="https://example.org/guide/"' in page  # not the portal's: left as a link
