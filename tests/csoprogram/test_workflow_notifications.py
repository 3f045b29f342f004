"""notify(): each workflow event tells each person once, in the app and by
e-mail (one each, or one daily digest), as each person chose."""

import smtplib
from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from csoprogram.lib.models import EmailStatus, Notification, NotificationDigest, OutboxMessage
from csoprogram.lib.notification_email import digest_send, digests_scan, notification_email_send
from csoprogram.lib.notifications import (
    EMAIL_TASK,
    NOTIFICATION_KINDS,
    notification_preferences_save,
    notify,
)
from tests.departments.factories import UserFactory


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://cso.example.org"


def _emails_queued() -> list[int]:
    return [m.args[0] for m in OutboxMessage.objects.filter(task_name=EMAIL_TASK)]


def test_each_person_is_notified_once_per_event(cso_fleet, ccso):
    gone = UserFactory(username="left.the.city", is_active=False)
    made = notify(
        kind="plan_submitted",
        event_key="plan:1:submitted:1",
        recipients=[cso_fleet, ccso, gone, None],
        title="Fleet submitted its plan",
        url="/plans/1/",
    )
    assert len(made) == 2
    assert set(Notification.objects.filter(pk__in=made).values_list("user", flat=True)) == {
        cso_fleet.pk,
        ccso.pk,
    }
    assert sorted(_emails_queued()) == sorted(made)
    # Again (a retry, a double click): nothing more, also when someone is added.
    assert (
        notify(
            kind="plan_submitted",
            event_key="plan:1:submitted:1",
            recipients=[cso_fleet, ccso],
            title="Fleet submitted its plan",
        )
        == []
    )
    assert Notification.objects.count() == 2 and len(_emails_queued()) == 2
    # A new event (the next version) is news again.
    assert (
        len(
            notify(
                kind="plan_submitted",
                event_key="plan:1:submitted:2",
                recipients=[ccso],
                title="Again",
            )
        )
        == 1
    )


@pytest.mark.parametrize("kind", sorted(NOTIFICATION_KINDS))
def test_every_kind_notifies_and_emails_once(kind, cso_fleet):
    (pk,) = notify(
        kind=kind,
        event_key=f"test:{kind}",
        recipients=[cso_fleet],
        title=f"About {kind}",
        body="Why it matters",
        url="/plans/",
    )
    assert notify(kind=kind, event_key=f"test:{kind}", recipients=[cso_fleet], title="x") == []
    assert notification_email_send(notification_id=pk) is True
    assert notification_email_send(notification_id=pk) is False  # a retry sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cso_fleet.email] and message.subject == f"About {kind}"
    assert "https://cso.example.org/plans/" in message.body and "Why it matters" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="https://cso.example.org/plans/"' in html
    assert Notification.objects.get(pk=pk).email_status == EmailStatus.SENT


def test_an_unknown_kind_or_a_missing_event_key_is_refused(cso_fleet):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(kind="plan_shredded", event_key="x", recipients=[cso_fleet], title="x")
    with pytest.raises(ValueError, match="event_key"):
        notify(kind="plan_approved", event_key="", recipients=[cso_fleet], title="x")


def test_a_kind_turned_off_is_in_the_app_only(cso_fleet):
    notification_preferences_save(user=cso_fleet, email_kinds=["plan_approved"], daily_digest=False)
    (off,) = notify(kind="plan_comment", event_key="c1", recipients=[cso_fleet], title="x")
    (on,) = notify(kind="plan_approved", event_key="a1", recipients=[cso_fleet], title="y")
    assert Notification.objects.get(pk=off).email_status == EmailStatus.NONE
    assert _emails_queued() == [on]


def test_no_address_no_email(cso_fleet):
    cso_fleet.email = ""
    cso_fleet.save(update_fields=["email"])
    (pk,) = notify(kind="plan_approved", event_key="a1", recipients=[cso_fleet], title="y")
    assert Notification.objects.get(pk=pk).email_status == EmailStatus.NONE
    assert _emails_queued() == []


def test_a_failed_send_is_released_for_the_retry(cso_fleet):
    (pk,) = notify(kind="plan_approved", event_key="a1", recipients=[cso_fleet], title="y")
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=smtplib.SMTPServerDisconnected("gone"),
        ),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        notification_email_send(notification_id=pk)
    assert Notification.objects.get(pk=pk).email_status == EmailStatus.QUEUED
    assert notification_email_send(notification_id=pk) is True
    assert len(mail.outbox) == 1


def test_the_daily_digest_sends_one_email_per_person_and_day(cso_fleet, ccso):
    notification_preferences_save(
        user=cso_fleet, email_kinds=list(NOTIFICATION_KINDS), daily_digest=True
    )
    notify(kind="plan_comment", event_key="c1", recipients=[cso_fleet, ccso], title="A comment")
    notify(
        kind="plan_approved",
        event_key="a1",
        recipients=[cso_fleet],
        title="Approved",
        url="/plans/1/",
    )
    assert Notification.objects.filter(user=cso_fleet, email_status=EmailStatus.DIGEST).count() == 2
    assert len(_emails_queued()) == 1  # the CCSO's, sent on its own
    day = date(2026, 12, 2)
    assert digests_scan(today=day, hour=6) == []  # not before 7 a.m.
    (digest_id,) = digests_scan(today=day, hour=7)
    assert digests_scan(today=day, hour=8) == [digest_id]  # not sent yet: queued again
    assert digest_send(digest_id=digest_id) is True
    assert digest_send(digest_id=digest_id) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cso_fleet.email] and "2 updates" in message.subject
    assert "A comment" in message.body and "https://cso.example.org/plans/1/" in message.body
    assert not Notification.objects.filter(email_status=EmailStatus.DIGEST).exists()
    # Later that day: news waits for tomorrow's digest.
    notify(kind="plan_comment", event_key="c2", recipients=[cso_fleet], title="Another")
    assert digests_scan(today=day, hour=20) == []
    (tomorrow,) = digests_scan(today=date(2026, 12, 3), hour=7)
    assert digest_send(digest_id=tomorrow) is True
    assert len(mail.outbox) == 2 and "Another" in mail.outbox[1].body
    assert NotificationDigest.objects.filter(user=cso_fleet).count() == 2


def test_preferences_page_saves_the_choice(client, cso_fleet):
    client.force_login(cso_fleet)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert NOTIFICATION_KINDS["plan_approved"] in page
    assert reverse("notification_preferences") in client.get(reverse("profile")).content.decode()
    response = client.post(
        reverse("notification_preferences"),
        {"email_kinds": ["plan_approved"], "daily_digest": "on"},
    )
    assert response.status_code == 302
    pref = cso_fleet.notification_preference
    assert "plan_comment" in pref.email_off and "plan_approved" not in pref.email_off
    assert pref.daily_digest is True
