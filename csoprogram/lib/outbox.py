"""Queue Celery work after the database commits, and survive a broker outage.

outbox_enqueue() writes an OutboxMessage in the caller's transaction; after
commit the message is published to the broker:

- in a web request (or a shell), by a publisher thread of the process, so the
  request never waits on the broker: with Redis down it answers as fast as with
  Redis up, and the message stays pending;
- inside a Celery task, at once (the task is off any request path already).

Every publication opens one broker connection for all the messages at hand
(a scan that queues 300 reminders publishes them together). The beat-driven
drain sends whatever is still pending (the broker was away, the process
died before its thread published) over one connection per run.
"""

import atexit
import logging
import os
import queue
import threading
from datetime import timedelta

from celery import current_app, current_task
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *, task_name: str, args: list | tuple = (), kwargs: dict | None = None
) -> OutboxMessage:
    """Record the task now; publish it when the surrounding transaction commits."""
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs or {}
    )
    transaction.on_commit(lambda: _hand_off([message.pk]))
    return message


def outbox_enqueue_many(*, task_name: str, args_list: list) -> list[OutboxMessage]:
    """Record one message per args in one INSERT; publish them together after commit."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, args=list(args), kwargs={}) for args in args_list]
    )
    ids = [m.pk for m in messages]
    if ids:
        transaction.on_commit(lambda: _hand_off(ids))
    return messages


def outbox_publish(*, message_ids) -> int:
    """Publish these pending messages over one broker connection; return how
    many went out. Those not sent (the broker is away) stay pending."""
    messages = list(
        OutboxMessage.objects.filter(pk__in=list(message_ids), sent_at=None).order_by("pk")
    )
    if not messages:
        return 0
    sent: list[int] = []
    error = None
    try:
        # No publish retries: the drain sends the rest later.
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
            for message in messages:
                current_app.send_task(
                    message.task_name,
                    args=message.args,
                    kwargs=message.kwargs,
                    connection=connection,
                    retry=False,
                )
                sent.append(message.pk)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the rest pending
        error = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("Outbox: %s message(s) not sent yet: %s", len(messages) - len(sent), exc)
    now = timezone.now()
    if sent:
        OutboxMessage.objects.filter(pk__in=sent, sent_at=None).update(
            sent_at=now, attempts=F("attempts") + 1
        )
    if error:
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages if m.pk not in sent]).update(
            attempts=F("attempts") + 1, last_error=error
        )
    return len(sent)


def outbox_send(*, message_id: int) -> bool:
    """Publish one message. False (and the message stays pending) if the broker is away."""
    if not OutboxMessage.objects.filter(pk=message_id, sent_at=None).exists():
        return True
    return outbox_publish(message_ids=[message_id]) == 1


def outbox_drain(*, older_than: timedelta = timedelta(seconds=30), limit: int = 2000) -> int:
    """Send what is still pending (the broker was down when it was committed),
    over one broker connection."""
    cutoff = timezone.now() - older_than
    pending = list(
        OutboxMessage.objects.filter(sent_at=None, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return outbox_publish(message_ids=pending) if pending else 0


# -- The publisher thread of a web process --------------------------------------------


class _Publisher:
    """One daemon thread per process that publishes what requests committed."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
        self.thread.start()
        atexit.register(self.queue.join)  # a command that exits publishes what it queued

    def _run(self) -> None:
        while True:
            ids = list(self.queue.get())
            done = 1
            # Take what else is waiting, so a burst goes over one connection.
            while True:
                try:
                    ids += self.queue.get_nowait()
                    done += 1
                except queue.Empty:
                    break
            try:
                close_old_connections()
                outbox_publish(message_ids=ids)
            except Exception:  # the drain sends it later; never kill the thread
                logger.exception("Outbox publisher failed; the drain will send the messages")
            finally:
                connections.close_all()  # this thread's connections only
                for _ in range(done):
                    self.queue.task_done()


_publisher: _Publisher | None = None
_publisher_lock = threading.Lock()


def _publisher_for_this_process() -> _Publisher:
    global _publisher
    with _publisher_lock:
        # A forked process (gunicorn worker) gets a thread of its own.
        if _publisher is None or _publisher.pid != os.getpid():
            _publisher = _Publisher()
        return _publisher


def _hand_off(ids: list[int]) -> None:
    if current_task and current_task.request.id:
        outbox_publish(message_ids=ids)  # in a worker: off the request path already
    else:
        _publisher_for_this_process().queue.put(ids)


def outbox_flush() -> None:
    """Wait until this process's publisher thread has published what it was given
    (tests, benchmarks and commands that exit right after queuing work)."""
    if _publisher is not None and _publisher.pid == os.getpid():
        _publisher.queue.join()
