"""Corrections of locked periods waiting for approval: the CCSO's (or a
designated approver's) list, and the approve / reject actions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from csoprogram.lib.access import post_only

from . import corrections
from .forms import CorrectionDecisionForm
from .models import CorrectionStatus, ValueCorrection
from .permissions import (
    APPROVE_CORRECTION,
    can,
    narrative_correction_for_user,
    value_correction_for_user,
)


@require_GET
def correction_list(request):
    if not can(request.user, APPROVE_CORRECTION, None):
        raise PermissionDenied
    user = request.user
    decided = (
        ValueCorrection.objects.filter(
            status__in=[CorrectionStatus.APPROVED, CorrectionStatus.REJECTED]
        )
        .select_related("metric__department", "changed_by", "decided_by")
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(
        request,
        "metrics/correction_list.html",
        {
            "values": list(corrections.value_corrections_pending(user)),
            "narratives": list(corrections.narrative_corrections_pending(user)),
            "decided": decided,
            "grace_days": settings.METRIC_VALUES_GRACE_DAYS,
        },
    )


def _decide(request, decide, record):
    form = CorrectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to approve or not to approve the correction.")
        return redirect("metrics:corrections")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        done = decide(
            user=request.user, correction=record, approve=approve, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(
                request, "Correction approved and applied." if approve else "Correction rejected."
            )
        else:
            messages.info(request, "This correction had been decided already.")
    return redirect("metrics:corrections")


@post_only(lambda request, pk: value_correction_for_user(request.user, pk))
def value_correction_decide(request, correction, pk):
    return _decide(request, corrections.value_correction_decide, correction)


@post_only(lambda request, pk: narrative_correction_for_user(request.user, pk))
def narrative_correction_decide(request, correction, pk):
    return _decide(request, corrections.narrative_correction_decide, correction)
