"""The outcomes dashboard, its presentation mode and one department's card
(what the presentation loads when a slide is reached). All three include the
same card (csoprogram/partials/department_card.html)."""

from itertools import zip_longest

from django.http import Http404
from django.shortcuts import render

from csoprogram.lib.access import read_only
from csoprogram.lib.paging import PAGE_PARAM, paginate

from .forms import DashboardFilterForm
from .selectors import outcomes_card as card_for
from .selectors import outcomes_cards
from .selectors import outcomes_dashboard as dashboard_for

# Ten cards a page keep the dashboard near 100 KiB of HTML at any program size.
CARDS_PER_PAGE = 10
# The presentation renders the first slides at once; the later ones load
# when reached (and the next one ahead of it), so its HTML stays small too.
SLIDES_AT_ONCE = 10


def _anyone_signed_in(request):
    # Department people see their own departments' cards; the selector scopes them.
    return request.user


def _query(request, *drop: str) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    return form, dashboard_for(request.user, **form.options())


@read_only(_anyone_signed_in)
def outcomes_dashboard(request, user):
    form, dash = _dashboard(request)
    page = paginate(request, dash.entries, per_page=CARDS_PER_PAGE)
    dash.cards = outcomes_cards(page.items, dash.metrics)
    context = {
        "form": form,
        "dash": dash,
        "page": page,
        # Moving between the two modes keeps the filters, not the position.
        "query": _query(request, "slide", PAGE_PARAM),
    }
    return render(request, "csoprogram/outcomes_dashboard.html", context)


@read_only(_anyone_signed_in)
def outcomes_presentation(request, user):
    form, dash = _dashboard(request)
    dash.cards = outcomes_cards(dash.entries[:SLIDES_AT_ONCE], dash.metrics)
    context = {
        "form": form,
        "dash": dash,
        "slides": list(zip_longest(dash.entries, dash.cards)),
        "query": _query(request, "slide", PAGE_PARAM),
        # A card loaded later keeps its place on the agenda asked for.
        "card_query": _query(request, "slide", PAGE_PARAM, "stage", "status"),
    }
    return render(request, "csoprogram/outcomes_presentation.html", context)


def _card(request, slug):
    form = DashboardFilterForm(request.GET or None)
    card = card_for(request.user, slug=slug, meeting_id=form.options()["meeting_id"])
    if card is None:
        raise Http404("No such department.")
    return card


@read_only(_card)
def outcomes_card(request, card, slug):
    return render(request, "csoprogram/partials/department_card.html", {"card": card})
