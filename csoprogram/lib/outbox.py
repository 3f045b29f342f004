"""Queue Celery work after the database commits, and survive a broker outage."""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *, task_name: str, args: list | tuple = (), kwargs: dict | None = None
) -> OutboxMessage:
    """Record the task now; send it when the surrounding transaction commits."""
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs or {}
    )
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def outbox_send(*, message_id: int) -> bool:
    """Publish one message. False (and the message stays pending) if the broker is away."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at=None).first()
    if message is None:
        return True
    try:
        # No publish retries here: a request must not hang on a missing broker;
        # the drain task sends it later.
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
            current_app.send_task(
                message.task_name,
                args=message.args,
                kwargs=message.kwargs,
                connection=connection,
                retry=False,
            )
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves it pending
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        logger.warning("Outbox message %s not sent yet: %s", message_id, exc)
        return False
    OutboxMessage.objects.filter(pk=message_id, sent_at=None).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    return True


def outbox_drain(*, older_than: timedelta = timedelta(seconds=30), limit: int = 500) -> int:
    """Send what is still pending (the broker was down when it was committed)."""
    cutoff = timezone.now() - older_than
    pending = list(
        OutboxMessage.objects.filter(sent_at=None, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        if not outbox_send(message_id=pk):
            break  # broker still away; try again on the next run
        sent += 1
    return sent
