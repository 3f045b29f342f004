"""In-app notifications, the profile, and the outbox that queues Celery work after commit."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.notifications import notification_create
from csoprogram.lib.outbox import outbox_drain, outbox_enqueue, outbox_flush
from csoprogram.models import Notification, OutboxMessage


def test_header_shows_the_unread_count_and_opening_marks_read(client, cso_fleet):
    n = notification_create(user=cso_fleet, title="Narrative due", url="/departments/fleet/")
    notification_create(user=cso_fleet, title="Values missing")
    client.force_login(cso_fleet)
    html = client.get("/").content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in html
    response = client.post(reverse("notification_open", args=[n.pk]))
    assert response.status_code == 302 and response.url == "/departments/fleet/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert '1<span class="visually-hidden"> unread</span>' in client.get("/").content.decode()


def test_notification_open_refuses_other_peoples_and_external_urls(client, cso_fleet, cso_streets):
    theirs = notification_create(user=cso_streets, title="Theirs")
    client.force_login(cso_fleet)
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    mine = notification_create(user=cso_fleet, title="Mine", url="https://evil.example/steal")
    response = client.post(reverse("notification_open", args=[mine.pk]))
    assert response.url == reverse("notification_list")


def test_mark_all_read_touches_only_my_notifications(client, cso_fleet, cso_streets):
    notification_create(user=cso_fleet, title="A")
    other = notification_create(user=cso_streets, title="B")
    client.force_login(cso_fleet)
    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(user=cso_fleet, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_profile_saves_the_reminder_choice_and_nothing_else(client, cso_fleet):
    client.force_login(cso_fleet)
    response = client.post(
        reverse("profile"),
        {"first_name": "Tracey", "last_name": "Bryant", "email": "t@example.org", "is_staff": "on"},
    )
    assert response.status_code == 302
    cso_fleet.refresh_from_db()
    assert cso_fleet.reminders_by_email is False  # unticked box
    assert cso_fleet.is_staff is False


def test_outbox_message_is_sent_only_after_commit(transactional_db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from csoprogram.celery import app

    sent = []
    original = app.send_task
    app.send_task = lambda name, args=None, kwargs=None, **kw: sent.append(name)
    try:
        with transaction.atomic():
            message = outbox_enqueue(task_name="csoprogram.outbox_drain")
            assert sent == []
        outbox_flush()  # published by the process's publisher thread, off the request path
        assert sent == ["csoprogram.outbox_drain"]
    finally:
        app.send_task = original
    message.refresh_from_db()
    assert message.sent_at is not None


def test_outbox_keeps_work_when_the_broker_is_down_and_drains_it_later(transactional_db, settings):
    good_url = settings.CELERY_BROKER_URL
    # A real broker connection to a port where nothing listens.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = timezone.now()
    message = outbox_enqueue(task_name="csoprogram.outbox_drain")
    elapsed = timezone.now() - started
    outbox_flush()
    settings.CELERY_BROKER_URL = good_url
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "Error" in message.last_error
    # The caller never waited on the broker: the publisher thread did.
    assert elapsed < timedelta(milliseconds=300)
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert outbox_drain() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
