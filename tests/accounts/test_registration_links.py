"""The signed links of a registration: confirming the e-mail address (a button: a GET
changes nothing), the status page, and what a tampered or expired link says. And the
daily job that expires registrations never confirmed."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import registration as services
from accounts.models import Registration
from accounts.registration_links import pk_from_status_token
from accounts.tasks import expire_unconfirmed_registrations
from audit.models import AuditEntry
from core.models import Notification
from tests.factories import CountyReviewerFactory, MunicipalStaffFactory, jurisdiction

from .registration_helpers import HOME, OTHER, code, confirm_token, status_token, submit

pytestmark = pytest.mark.django_db
State = Registration.State


def confirm_url(token):
    return f"/accounts/register/confirm/{token}/"


def status_url(token):
    return f"/accounts/register/status/{token}/"


def test_opening_the_link_shows_a_button_and_changes_nothing(client):
    registration = submit()
    response = client.get(confirm_url(confirm_token(registration)))

    assert response.status_code == 200
    assert 'data-testid="confirm-button"' in response.content.decode()
    assert "竞秀区" in response.content.decode()  # where it goes
    registration.refresh_from_db()
    assert registration.state == State.UNCONFIRMED


def test_confirming_sends_it_to_the_county_of_its_jurisdiction(
    client, django_capture_on_commit_callbacks
):
    home_county = CountyReviewerFactory(jurisdiction=jurisdiction(HOME))
    other_county = CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))
    registration = submit()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(confirm_token(registration)))

    registration.refresh_from_db()
    assert registration.state == State.PENDING
    assert registration.email_confirmed_at and registration.submitted_at
    assert response.status_code == 302
    # The token is signed with a timestamp (its second may differ from ours): the
    # redirect is to a status link that opens this registration.
    prefix = status_url("")[:-1]
    assert response.url.startswith(prefix)
    assert pk_from_status_token(response.url[len(prefix) :].strip("/")) == registration.pk
    page = client.get(response.url).content.decode()
    assert "正在审核" in page and "可以牵头组建联盟" in page
    assert Notification.objects.filter(user=home_county, subject="有单位注册申请待审核").exists()
    assert not Notification.objects.filter(user=other_county).exists()
    entries = AuditEntry.objects.for_object(registration)
    assert [e.action for e in entries] == ["submit", "confirm_email"]
    # The applicant's own steps name the applicant, not “系统”.
    assert {e.actor_name for e in entries} == {f"{registration.applicant_name}（注册申请人）"}
    assert all(e.actor_id is None for e in entries)


def test_the_county_the_code_names_hears_of_a_registration_moved_away(
    client, django_capture_on_commit_callbacks
):
    home_county = CountyReviewerFactory(jurisdiction=jurisdiction(HOME))
    other_county = CountyReviewerFactory(jurisdiction=jurisdiction(OTHER))
    registration = submit(jurisdiction=jurisdiction(OTHER), jurisdiction_reason="已迁址")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(confirm_token(registration)))
    told = Notification.objects.get(user=home_county)
    assert "申请人更正为“莲池区”，理由：已迁址" in told.body
    assert Notification.objects.filter(user=other_county).exists()


def test_outside_baoding_the_municipal_bureau_is_told(client, django_capture_on_commit_callbacks):
    staff = MunicipalStaffFactory()
    county = CountyReviewerFactory(jurisdiction=jurisdiction(HOME))
    registration = submit(uscc=code("110105"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(confirm_token(registration)))
    assert Notification.objects.filter(user=staff, subject="有单位注册申请待审核").exists()
    assert not Notification.objects.filter(user=county).exists()
    page = client.get(status_url(status_token(registration))).content.decode()
    assert "不能牵头组建联盟" in page


def test_confirming_twice_is_harmless(client):
    registration = submit()
    token = confirm_token(registration)
    client.post(confirm_url(token))
    response = client.post(confirm_url(token))
    assert response.status_code == 302
    assert AuditEntry.objects.for_object(registration).count() == 2


def test_a_tampered_link_says_to_copy_it_whole(client):
    registration = submit()
    token = confirm_token(registration)
    forged = f"{registration.pk + 1}{token[len(str(registration.pk)) :]}"
    for url in (confirm_url(forged), confirm_url("x"), status_url(forged)):
        response = client.get(url)
        assert response.status_code == 400
        assert "链接不完整或已被修改" in response.content.decode()
    # A confirmation link is not a status link.
    assert client.get(status_url(token)).status_code == 400
    registration.refresh_from_db()
    assert registration.state == State.UNCONFIRMED


def test_an_expired_confirmation_link_says_to_register_again(client, settings):
    settings.PORTAL_REGISTRATION_CONFIRM_HOURS = 48
    registration = submit()
    token = confirm_token(registration)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        response = client.post(confirm_url(token))
    assert response.status_code == 410
    assert "确认链接已过期" in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == State.UNCONFIRMED
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=47)):
        assert client.post(confirm_url(token)).status_code == 302


def test_an_expired_status_link_says_whom_to_contact(client):
    registration = submit()
    token = status_token(registration)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = client.get(status_url(token))
    assert response.status_code == 410
    assert "30天有效期" in response.content.decode()


def test_unconfirmed_registrations_expire_and_free_their_code(settings):
    settings.PORTAL_REGISTRATION_CONFIRM_HOURS = 48
    old = submit()
    confirmed = submit()
    services.registration_confirm(confirm_token(confirmed))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=30)):
        recent = submit()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=50)):
        assert expire_unconfirmed_registrations.apply().get() == 1
        # Run twice: nothing more.
        assert expire_unconfirmed_registrations.apply().get() == 0

    states = dict(Registration.objects.values_list("pk", "state"))
    assert states == {old.pk: State.EXPIRED, confirmed.pk: State.PENDING, recent.pk: "unconfirmed"}
    entry = AuditEntry.objects.for_object(old).get(action="expire")
    assert entry.source == "unconfirmed" and entry.target == "expired"
    # The code, login and address are free again.
    again = submit(uscc=old.uscc, username=old.username, email=old.email)
    assert again.state == State.UNCONFIRMED


def test_an_expired_registration_cannot_be_confirmed(client):
    registration = submit()
    Registration.objects.filter(pk=registration.pk).update(state=State.EXPIRED)
    response = client.post(confirm_url(confirm_token(registration)))
    assert "已过期，请重新注册" in response.content.decode()


def test_the_daily_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.expire_unconfirmed_registrations" in tasks


def test_no_email_leaves_before_the_registration_is_saved():
    submit()
    assert mail.outbox == []  # queued in the outbox, sent after commit
