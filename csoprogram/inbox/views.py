from django.shortcuts import render

from .items import URGENCY_LABELS
from .selectors import inbox_for


def inbox(request):
    """My work: what the signed-in person must do next, and why."""
    items = inbox_for(request.user)
    groups = [
        (label, [i for i in items if i.urgency == urgency])
        for urgency, label in URGENCY_LABELS.items()
    ]
    return render(
        request,
        "csoprogram/inbox.html",
        {"items": items, "groups": [(label, its) for label, its in groups if its]},
    )
