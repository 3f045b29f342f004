"""The theme board and its drill-down to one theme's feedback. Both take the
same filters (board_forms.py) and show a page at a time."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import board
from .board_forms import BoardFilterForm
from .permissions import require_theme_reader, theme_for_user

THEMES_PER_PAGE = 12
ITEMS_PER_PAGE = 25


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def theme_board(request):
    require_theme_reader(request.user)
    form = BoardFilterForm(request.GET or None)
    result = board.theme_board(user=request.user, filters=form.filters())
    page = Paginator(result.themes, THEMES_PER_PAGE).get_page(request.GET.get("page"))
    count_columns = [("Positive", "Pos."), ("Negative", "Neg."), ("Suggestions", "Sugg.")]
    context = {
        "board": result,
        "page": page,
        "form": form,
        "count_columns": count_columns,
        "query": _query_without_page(request),
    }
    return render(request, "focusgroups/theme_board.html", context)


@require_GET
def theme_board_theme(request, pk):
    theme = theme_for_user(request.user, pk)  # 404 first: a proposal stays unnamed
    require_theme_reader(request.user)
    form = BoardFilterForm(request.GET or None)
    items = board.theme_items(user=request.user, theme=theme, filters=form.filters())
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "theme": theme,
        "page": page,
        "form": form,
        "query": _query_without_page(request),
        "sees_everything": board.theme_board_sees_everything(request.user),
    }
    return render(request, "focusgroups/theme_board_theme.html", context)
