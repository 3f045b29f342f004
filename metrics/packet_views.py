"""Review packets: queue a build, watch its state, download it (never from a public URL)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from departments import roles
from departments.permissions import can_view_department

from .jobs_models import ReviewPacket
from .packets import meeting_packet_request, outcomes_packet_request, packet_request
from .permissions import meeting_for_user


def packet_for_user(user, pk: int, *, build: bool = False) -> ReviewPacket:
    """The packet if the user may see it (404 otherwise); build=True also
    requires the right to (re)build it (403 otherwise)."""
    try:
        packet = ReviewPacket.objects.select_related("department", "meeting").get(pk=pk)
    except ReviewPacket.DoesNotExist:
        raise Http404("No such packet.") from None
    if packet.kind == ReviewPacket.Kind.OUTCOMES:
        # Covers every department: program-wide people only.
        if not roles.is_program_wide(user):
            raise Http404("No such packet.")
    elif not can_view_department(user, packet.department) or not packet.department.active:
        raise Http404("No such packet.")
    if build and not can_build(user, packet.department):
        raise PermissionDenied
    return packet


def can_build(user, department) -> bool:
    """Analysts of the department and the CCSO build packets on demand."""
    if roles.is_ccso(user):
        return True
    return department is not None and roles.is_analyst(user, department)


@require_POST
def meeting_packet_build(request, pk):
    meeting = meeting_for_user(request.user, pk)
    if not can_build(request.user, meeting.department):
        raise PermissionDenied
    packet = meeting_packet_request(meeting=meeting, user=request.user)
    messages.success(request, "The review packet is queued; this page shows when it is ready.")
    return redirect(packet_status_url(packet))


def packet_status_url(packet) -> str:
    if packet.meeting_id:
        return packet.meeting.get_absolute_url() + "#review-packet"
    return reverse("metrics:packet_list")


@require_POST
def packet_retry(request, pk):
    packet = packet_for_user(request.user, pk, build=True)
    if packet_request(packet=packet, user=request.user):
        messages.success(request, "The review packet is queued again.")
    else:
        messages.info(request, "The review packet is already being built.")
    return redirect(packet_status_url(packet))


def packet_status(request, pk):
    """The packet's state; htmx polls it while queued or building."""
    packet = packet_for_user(request.user, pk)
    return render(
        request,
        "metrics/partials/packet_status.html",
        {"packet": packet, "can_build": can_build(request.user, packet.department)},
    )


def packet_download(request, pk):
    packet = packet_for_user(request.user, pk)
    if packet.status != ReviewPacket.Status.READY or not packet.file:
        raise Http404("The packet is not ready.")
    try:
        handle = default_storage.open(packet.file, "rb")
    except FileNotFoundError:
        raise Http404("The packet file is missing; build it again.") from None
    slug = packet.department.slug if packet.department else "outcomes-session"
    filename = f"review-packet-{slug}-{packet.pk}.pdf"
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


def packet_list(request):
    """Outcomes-session packets (program-wide) and the department packets the user may see."""
    user = request.user
    qs = ReviewPacket.objects.select_related("department", "meeting").order_by("-created_at")
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


@require_POST
def outcomes_packet_build(request):
    if not roles.is_ccso(request.user):
        raise PermissionDenied
    outcomes_packet_request(user=request.user)
    messages.success(request, "The outcomes session packet is queued; it covers every department.")
    return redirect("metrics:packet_list")
