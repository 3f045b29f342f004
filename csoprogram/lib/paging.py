"""Pages of a long list: the number comes from ``?page=``, and every link
keeps the request's other query parameters, so filters, sorting and search
survive paging. Rendered by templates/components/pagination.html.

A page number that is not a number, or is below 1, is page 1; one past the
end is the last page (a bookmark still shows something after the list
shrank), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator

PAGE_PARAM = "page"


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap between distant pages
    query: str = ""
    current: bool = False


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int
    first_index: int  # 1-based position of the first item shown (0 if none)
    last_index: int
    links: list[PageLink]
    previous_query: str | None
    next_query: str | None

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 1


def page_number(raw) -> int:
    """The page asked for as a positive integer (anything else is page 1)."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _query(params, number: int) -> str:
    params = params.copy()
    if number == 1:
        params.pop(PAGE_PARAM, None)  # page 1 is the bare list's address
    else:
        params[PAGE_PARAM] = str(number)
    return params.urlencode()


def paginate(request, items, *, per_page: int) -> Page:
    """The page of `items` (a list or a queryset, already filtered and in its
    final order) that `request` asks for. A queryset is counted once and only
    the page's rows are fetched."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    number = min(page_number(request.GET.get(PAGE_PARAM, 1)), paginator.num_pages)
    page = paginator.page(number)
    params = request.GET
    links = [
        PageLink(None)
        if n == Paginator.ELLIPSIS
        else PageLink(n, _query(params, n), current=n == number)
        for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
    ]
    return Page(
        items=list(page.object_list),
        number=number,
        pages=paginator.num_pages,
        total=paginator.count,
        first_index=page.start_index(),
        last_index=page.end_index(),
        links=links,
        previous_query=_query(params, number - 1) if page.has_previous() else None,
        next_query=_query(params, number + 1) if page.has_next() else None,
    )
