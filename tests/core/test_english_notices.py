"""A reader of the English interface reads notices and 办理记录 in English (issue 15, item
14); the e-mail and the record itself stay Chinese, the official language."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from core.models import Notification
from filings.tasks import send_filing_notification
from tests.factories import filing_in_state

pytestmark = pytest.mark.django_db


def _get(client, user, url, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_notice_is_kept_in_both_languages_and_e_mailed_in_chinese():
    filing = filing_in_state("county_review")
    Notification.objects.all().delete()
    mail.outbox.clear()
    send_filing_notification(filing.pk, "submit")
    notice = Notification.objects.get(user__organisation=filing.alliance.lead_unit)
    assert notice.subject == "备案申请已提交初审"
    assert notice.subject_en == "Filing application submitted for initial review"
    assert filing.alliance.name in notice.body and filing.alliance.name in notice.body_en
    assert "初审" in notice.body and "初审" not in notice.body_en
    # The e-mail: Chinese, whatever the reader's interface language.
    sent = [m for m in mail.outbox if m.to == [notice.user.email]]
    assert sent and "备案申请已提交初审" in sent[0].subject


def test_the_inbox_shows_the_readers_language(client):
    filing = filing_in_state("county_review")
    send_filing_notification(filing.pk, "submit")
    notice = Notification.objects.filter(user__organisation=filing.alliance.lead_unit).first()
    inbox = reverse("portal:inbox")
    english = _get(client, notice.user, inbox, "en")
    assert "Filing application submitted for initial review" in english
    assert "备案申请已提交初审" not in english
    chinese = _get(client, notice.user, inbox, "zh-hans")
    assert "备案申请已提交初审" in chinese
    page = _get(client, notice.user, reverse("portal:notification", args=[notice.pk]), "en")
    assert "Filing application submitted for initial review" in page


def test_a_fixed_text_notice_has_no_english_copy():
    from core.notify import send_notice

    filing = filing_in_state("draft")
    send_notice(users=[filing.created_by], subject="固定标题", body="固定内容")
    notice = Notification.objects.get(subject="固定标题")
    assert (notice.subject_en, notice.body_en) == ("", "")


def test_the_record_of_a_filing_reads_in_english(client):
    filing = filing_in_state("county_review")
    url = reverse("filings:detail", args=[filing.pk])
    english = _get(client, filing.created_by, url, "en")
    timeline = english[english.index('data-testid="timeline"') :]
    assert "Submit for initial review" in timeline
    assert "提交初审" not in timeline
    assert "提交初审" in _get(client, filing.created_by, url, "zh-hans")
