"""Who is told when a review packet is ready or failed (notify() in the ground floor).

Ready: whoever asked for it. Failed: whoever asked, and the CCSO. Each build
result is one event (the packet and when it finished), so a rebuild that
fails again is news again, and a retried task tells nobody twice.
"""

from django.urls import reverse

from csoprogram.lib.notifications import notify
from departments.recipients import ccso_people

from .models import ReviewPacket


def packet_result_notify(*, packet_id: int) -> list[int]:
    packet = ReviewPacket.objects.select_related("requested_by").get(pk=packet_id)
    if packet.status not in (ReviewPacket.Status.READY, ReviewPacket.Status.FAILED):
        return []
    finished = packet.finished_at.isoformat() if packet.finished_at else "-"
    url = (
        reverse("metrics:meeting_detail", kwargs={"pk": packet.meeting_id})
        if packet.meeting_id
        else reverse("metrics:packet_list")
    )
    asked = [packet.requested_by] if packet.requested_by else []
    if packet.status == ReviewPacket.Status.READY:
        return notify(
            kind="packet_ready",
            event_key=f"packet:{packet.pk}:ready:{finished}",
            recipients=asked,
            title=f"Review packet ready: {packet.title}",
            body=f"{packet.pages} pages.",
            url=url,
        )
    return notify(
        kind="packet_failed",
        event_key=f"packet:{packet.pk}:failed:{finished}",
        recipients=list({p.pk: p for p in asked + ccso_people()}.values()),
        title=f"Review packet failed: {packet.title}",
        body=f"{packet.error}\nRetry it from the packet's page.",
        url=url,
    )
