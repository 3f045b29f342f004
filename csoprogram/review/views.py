"""The program review page, its CSV export and a department's data freshness."""

from django.shortcuts import render
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.access import read_only
from csoprogram.lib.paging import PAGE_PARAM, paginate
from csoprogram.lib.spreadsheet import csv_response
from departments import roles
from departments.permissions import department_for_user
from focusgroups.progress import focus_group_target

from ..program_access import program_wide_user
from . import selectors
from .forms import ReviewFilterForm
from .freshness import department_freshness

# Fifty rows a page keep the review under 100 KiB of HTML at any program size;
# filters and sorting apply to every department, then the page is cut.
ROWS_PER_PAGE = 50


def _review(request):
    form = ReviewFilterForm(request.GET or None)
    options = form.options()
    rows = selectors.program_review(request.user)
    return form, options, rows, selectors.filter_and_sort_review(rows, **options)


def _without_qd(params, key: str):
    params = params.copy()
    params.pop(key, None)
    return params


def _without(params, key: str) -> str:
    return _without_qd(params, key).urlencode()


@read_only(program_wide_user)
def program_review(request, user):
    form, options, rows, shown = _review(request)
    page = paginate(request, shown, per_page=ROWS_PER_PAGE)
    context = {
        "form": form,
        "rows": page.items,
        "page": page,
        "shown": len(shown),
        "total": len(rows),
        "flagged": sum(1 for r in rows if r.flags),
        "quarter": fiscal.last_completed_quarter(),
        "query": _without(request.GET, PAGE_PARAM),
        # A new sort starts again at page 1.
        "filter_query": _without(_without_qd(request.GET, PAGE_PARAM), "sort"),
        "sort": options["sort"],
        "is_ccso": roles.is_ccso(user),
        "focus_group_target": focus_group_target(),
    }
    return render(request, "csoprogram/program_review.html", context)


@read_only(program_wide_user)
def program_review_csv(request, user):
    _, _, _, shown = _review(request)
    stamp = timezone.localdate().isoformat()
    return csv_response(f"program-review-{stamp}.csv", selectors.review_csv_rows(shown))


@read_only(lambda request, slug: department_for_user(request.user, slug))
def department_freshness_page(request, department, slug):
    trend = department_freshness(department)
    return render(
        request,
        "csoprogram/department_freshness.html",
        {"department": department, "current": trend[0], "trend": trend},
    )
