from celery import shared_task

from .lib.outbox import outbox_drain


@shared_task(name="csoprogram.outbox_drain", ignore_result=True)
def outbox_drain_task():
    return outbox_drain()
