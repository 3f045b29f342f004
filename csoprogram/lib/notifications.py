"""In-app notifications: create, count, read."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notification_create(*, user, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(user=user, title=title[:200], body=body, url=url[:300])


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notifications_unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
