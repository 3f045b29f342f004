"""Review packets: queue a build, watch its state, download it (never from a public URL)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from csoprogram.lib.access import post_only, read_only
from departments import roles

from ..permissions import BUILD_PACKET
from .models import ReviewPacket
from .packet_upkeep import packet_stalled, packets_with_progress
from .packets import meeting_packet_request, outcomes_packet_request, packet_request
from .permissions import can_build_packet, meeting_for_user, packet_for_user


@post_only(lambda request, pk: meeting_for_user(request.user, pk, action=BUILD_PACKET))
def meeting_packet_build(request, meeting, pk):
    packet = meeting_packet_request(meeting=meeting, user=request.user)
    messages.success(request, "The review packet is queued; this page shows when it is ready.")
    return redirect(packet_status_url(packet))


def packet_status_url(packet) -> str:
    if packet.meeting_id:
        return packet.meeting.get_absolute_url() + "#review-packet"
    return reverse("metrics:packet_list")


@post_only(lambda request, pk: packet_for_user(request.user, pk, build=True))
def packet_retry(request, packet, pk):
    if packet_request(packet=packet, user=request.user):
        messages.success(request, "The review packet is queued again.")
    else:
        messages.info(request, "The review packet is already being built.")
    return redirect(packet_status_url(packet))


@read_only(lambda request, pk: packet_for_user(request.user, pk))
def packet_status(request, packet, pk):
    """The packet's state (n of N departments while building); htmx polls it
    while queued or building."""
    packet = packets_with_progress(ReviewPacket.objects.filter(pk=packet.pk)).get()
    return render(
        request,
        "metrics/partials/packet_status.html",
        {
            "packet": packet,
            "can_build": can_build_packet(request.user, packet.department),
            "stalled": packet_stalled(packet),
        },
    )


@read_only(lambda request, pk: packet_for_user(request.user, pk))
def packet_download(request, packet, pk):
    if packet.status != ReviewPacket.Status.READY or not packet.file:
        raise Http404("The packet is not ready.")
    # Streamed from the storage (local disk or the S3 bucket, which is never
    # public), after the permission check above.
    if not default_storage.exists(packet.file):
        raise Http404("The packet file is missing; build it again.")
    handle = default_storage.open(packet.file, "rb")
    slug = packet.department.slug if packet.department else "outcomes-session"
    filename = f"review-packet-{slug}-{packet.pk}.pdf"
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def packet_list(request):
    """Outcomes-session packets (program-wide) and the department packets the user may see
    (the latest 100), each with its progress."""
    user = request.user
    qs = packets_with_progress(
        ReviewPacket.objects.select_related("department", "meeting").order_by("-created_at")
    )
    if roles.is_program_wide(user):
        visible = qs
    else:
        visible = qs.filter(
            kind=ReviewPacket.Kind.DEPARTMENT,
            department_id__in=roles.department_ids_with_role(user),
        )
    return render(
        request,
        "metrics/packet_list.html",
        {"packets": visible[:100], "can_build_outcomes": roles.is_ccso(user)},
    )


def _ccso_only(request):
    if not roles.is_ccso(request.user):
        raise PermissionDenied


@post_only(_ccso_only)
def outcomes_packet_build(request, _):
    outcomes_packet_request(user=request.user)
    messages.success(request, "The outcomes session packet is queued; it covers every department.")
    return redirect("metrics:packet_list")
