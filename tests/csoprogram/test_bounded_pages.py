"""Pages that list every department stay small at any program size: the
outcomes dashboard pages its cards and the presentation loads later cards
when reached; the program review, the metrics list and the focus-groups list
are paged with their filters kept. Bytes and queries do not grow with the
number of departments beyond a page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csoprogram.outcomes.views import CARDS_PER_PAGE, SLIDES_AT_ONCE
from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.departments.factories import DepartmentFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _departments(n: int, start: int = 0) -> list:
    return [
        DepartmentFactory(name=f"Department {i:03d}", slug=f"d{i:03d}")
        for i in range(start, start + n)
    ]


def _slugs(response) -> list[str]:
    return [c.department.slug for c in response.context["dash"].cards]


def test_outcomes_dashboard_shows_ten_cards_a_page_in_agenda_order(client, md_office):
    depts = _departments(23)
    # The agenda puts the last three first.
    ProgramMeetingFactory(agenda=depts[-3:][::-1])
    client.force_login(md_office)
    url = reverse("csoprogram:outcomes_dashboard")
    first = client.get(url)
    assert _slugs(first) == ["d022", "d021", "d020"] + [f"d{i:03d}" for i in range(7)]
    assert first.context["dash"].totals.departments == 23
    html = first.content.decode()
    assert html.count('class="card outcomes-card') == CARDS_PER_PAGE
    assert 'aria-current="page"' in html and "Showing 1–10 of 23 departments" in html
    assert _slugs(client.get(url, {"page": 3})) == ["d017", "d018", "d019"]
    assert _slugs(client.get(url, {"page": 99})) == ["d017", "d018", "d019"]
    assert _slugs(client.get(url, {"page": "x"}))[0] == "d022"


def test_outcomes_filters_survive_paging(client, ccso):
    for d in _departments(14):
        PlanFactory(department=d, status="submitted")
    _departments(3, start=14)  # no plan: not in the filter
    client.force_login(ccso)
    url = reverse("csoprogram:outcomes_dashboard")
    response = client.get(url, {"stage": "plan_submitted"})
    html = response.content.decode()
    assert "Showing 1–10 of 14 departments" in html
    assert "?stage=plan_submitted&amp;page=2" in html
    second = client.get(url, {"stage": "plan_submitted", "page": 2})
    assert _slugs(second) == [f"d{i:03d}" for i in range(10, 14)]
    # Presentation mode keeps the filter but not the page.
    assert 'href="/program/outcomes/present/?stage=plan_submitted"' in second.content.decode()


def test_presentation_loads_later_cards_from_the_card_url(client, md_office):
    depts = _departments(SLIDES_AT_ONCE + 2)
    full_department(depts[-1])
    client.force_login(md_office)
    response = client.get(reverse("csoprogram:outcomes_presentation"))
    html = response.content.decode()
    assert len(_slugs(response)) == SLIDES_AT_ONCE  # rendered at once
    urls = re.findall(r'data-card-url="([^"]+)"', html)
    assert urls == [
        reverse("csoprogram:outcomes_card", args=[d.slug]) for d in depts[SLIDES_AT_ONCE:]
    ]
    # Every department is on the agenda slide and has a slide with its name.
    assert html.count('class="slide"') == len(depts) + 1
    assert f'id="card-{depts[-1].slug}"' in html
    card = client.get(urls[-1]).content.decode()
    assert "Mission statement." in card and f"The wait was too long. ({depts[-1].slug})" in card
    assert "<html" not in card  # a fragment, inserted into the slide


def test_the_card_url_answers_as_the_dashboard_does(client, cso_fleet, dept_fleet, dept_streets):
    full_department(dept_fleet)
    full_department(dept_streets)
    client.force_login(cso_fleet)
    own = client.get(reverse("csoprogram:outcomes_card", args=["fleet"]))
    assert own.status_code == 200 and "(fleet)" in own.content.decode()
    assert client.get(reverse("csoprogram:outcomes_card", args=["streets"])).status_code == 404
    assert client.get(reverse("csoprogram:outcomes_card", args=["nowhere"])).status_code == 404
    assert client.post(reverse("csoprogram:outcomes_card", args=["fleet"])).status_code == 405


def test_the_card_url_keeps_the_agenda_order(client, md_office):
    a, b = _departments(2)
    meeting = ProgramMeetingFactory(agenda=[b, a])
    client.force_login(md_office)
    url = reverse("csoprogram:outcomes_card", args=[a.slug])
    card = client.get(url, {"meeting": meeting.pk}).content.decode()
    assert '<span class="agenda-order">2.</span>' in card


def test_program_review_pages_fifty_rows_and_keeps_filters_and_sort(client, ccso):
    _departments(55)
    client.force_login(ccso)
    url = reverse("csoprogram:program_review")
    response = client.get(url, {"sort": "department"})
    assert len(response.context["rows"]) == 50
    html = response.content.decode()
    assert (
        "?sort=department&amp;page=2" in html and 'aria-label="Pages of the program review"' in html
    )
    rows = client.get(url, {"sort": "department", "page": 2}).context["rows"]
    assert [r.department.slug for r in rows] == [f"d{i:03d}" for i in range(50, 55)]
    # A new sort starts again on page 1; the CSV has every matching row.
    second = client.get(url, {"sort": "department", "page": 2}).content.decode()
    assert "page=2&amp;sort=" not in second and "?sort=stage" in second
    csv = client.get(reverse("csoprogram:program_review_csv"), {"sort": "department"})
    assert (
        b"".join(csv.streaming_content if csv.streaming else [csv.content]).count(b"Department 0")
        == 55
    )


def _page_bytes_and_queries(client, urls) -> dict[str, tuple[int, int]]:
    result = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = (len(response.content), len(ctx.captured_queries))
    return result


def test_listing_pages_do_not_grow_with_departments_beyond_a_page(client, ccso, cso_fleet):
    """At 52 and at 80 departments (each with plan, metrics, sessions and
    feedback) every listing page is the same size give or take the page links
    and runs the same number of queries. The presentation lists every
    department's name: it grows by a line per department, not a card."""
    urls = [
        reverse("csoprogram:outcomes_dashboard"),
        reverse("csoprogram:program_review"),
        reverse("metrics:metric_list"),
        reverse("focusgroups:session_list"),
        reverse("departments:list"),
        reverse("csoprogram:program_update"),
        reverse("home"),
    ]
    presentation = reverse("csoprogram:outcomes_presentation")
    for i in range(52):
        full_department(name=f"Department {i:03d}", slug=f"d{i:03d}")
    client.force_login(ccso)
    client.get(presentation)  # warm the card cache the same way both times
    small = _page_bytes_and_queries(client, [*urls, presentation])
    for i in range(52, 80):
        full_department(name=f"Department {i:03d}", slug=f"d{i:03d}")
    client.get(presentation)
    large = _page_bytes_and_queries(client, [*urls, presentation])
    for url in urls:
        (small_bytes, small_q), (large_bytes, large_q) = small[url], large[url]
        assert large_q == small_q, (url, small_q, large_q)
        # Only the page links and the counts change.
        assert abs(large_bytes - small_bytes) < 1024, (url, small_bytes, large_bytes)
        assert large_bytes < 200 * 1024, url
    (small_bytes, small_q), (large_bytes, large_q) = small[presentation], large[presentation]
    assert large_q == small_q
    assert (large_bytes - small_bytes) / 28 < 600  # bytes per added department
