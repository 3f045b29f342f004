"""The paging helper (csoprogram/lib/paging.py): the page comes from ?page=,
out-of-range and bad numbers never fail, and every link keeps the filters."""

from urllib.parse import parse_qs

import pytest
from django.test import RequestFactory

from csoprogram.lib.paging import page_number, paginate

ITEMS = list(range(1, 24))  # 23 items: pages of 10, 10 and 3


def _page(query: str, items=ITEMS, per_page=10):
    return paginate(RequestFactory().get(f"/list/?{query}"), items, per_page=per_page)


def test_the_first_page_is_the_default():
    page = _page("")
    assert page.items == list(range(1, 11))
    assert (page.number, page.pages, page.total) == (1, 3, 23)
    assert (page.first_index, page.last_index) == (1, 10)
    assert page.previous_query is None and page.next_query == "page=2"


def test_the_last_page_holds_the_rest():
    page = _page("page=3")
    assert page.items == [21, 22, 23]
    assert page.next_query is None and page.previous_query == "page=2"


@pytest.mark.parametrize("raw", ["0", "-4", "abc", "", "2.5", "1e3", "٣x", "%00"])
def test_a_bad_page_number_is_page_one(raw):
    assert _page(f"page={raw}").number == 1
    assert page_number(raw) == 1


def test_a_page_past_the_end_is_the_last_page():
    for raw in ("4", "99999999999999999999"):
        page = _page(f"page={raw}")
        assert page.number == 3 and page.items == [21, 22, 23]


def test_an_empty_list_is_one_empty_page():
    page = _page("page=5", items=[])
    assert (page.number, page.pages, page.total, page.items) == (1, 1, 0, [])
    assert not page.has_other_pages


def test_filters_and_sorting_survive_every_link():
    page = _page("stage=plan_approved&sort=red&flag=on&flag=late&page=2")
    queries = [page.previous_query, page.next_query] + [link.query for link in page.links]
    for query in queries:
        params = parse_qs(query)
        assert params["stage"] == ["plan_approved"] and params["sort"] == ["red"]
        assert params["flag"] == ["on", "late"]
    # Page 1's address is the bare list with its filters (no page=1).
    assert "page" not in parse_qs(page.previous_query)
    assert parse_qs(page.next_query)["page"] == ["3"]
    assert [link.current for link in page.links] == [False, True, False]


def test_many_pages_are_elided_around_the_current_one():
    page = _page("page=50", items=list(range(1000)), per_page=10)
    numbers = [link.number for link in page.links]
    assert numbers[0] == 1 and numbers[-1] == 100 and None in numbers
    assert {48, 49, 50, 51, 52} <= set(numbers) and len(numbers) < 12
