"""The CCSO's audit page and its CSV export."""

from django.shortcuts import render
from django.utils import timezone

from csoprogram.lib.access import read_only
from csoprogram.lib.spreadsheet import csv_response

from ..program_access import ccso_user
from . import selectors
from .forms import AuditFilterForm


def _page_number(request) -> int:
    try:
        return int(request.GET.get("page", 1))
    except ValueError:
        return 1


@read_only(ccso_user)
def audit(request, user):
    form = AuditFilterForm(request.GET or None)
    page = selectors.audit_page(form.audit_filter(), _page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "csoprogram/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@read_only(ccso_user)
def audit_csv(request, user):
    form = AuditFilterForm(request.GET or None)
    stamp = timezone.localdate().isoformat()
    return csv_response(f"audit-{stamp}.csv", selectors.audit_csv_rows(form.audit_filter()))
