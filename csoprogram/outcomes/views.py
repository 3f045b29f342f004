"""The outcomes dashboard and its presentation mode: one view body, two
templates that include the same card (csoprogram/partials/department_card.html)."""

from django.shortcuts import render

from csoprogram.lib.access import read_only

from .forms import DashboardFilterForm
from .selectors import outcomes_dashboard as dashboard_for


def _anyone_signed_in(request):
    # Department people see their own departments' cards; the selector scopes them.
    return request.user


def _outcomes_page(request, template_name: str):
    form = DashboardFilterForm(request.GET or None)
    dash = dashboard_for(request.user, **form.options())
    # Moving between the two modes keeps the filters, not the slide position.
    params = request.GET.copy()
    params.pop("slide", None)
    return render(request, template_name, {"form": form, "dash": dash, "query": params.urlencode()})


@read_only(_anyone_signed_in)
def outcomes_dashboard(request, user):
    return _outcomes_page(request, "csoprogram/outcomes_dashboard.html")


@read_only(_anyone_signed_in)
def outcomes_presentation(request, user):
    return _outcomes_page(request, "csoprogram/outcomes_presentation.html")
