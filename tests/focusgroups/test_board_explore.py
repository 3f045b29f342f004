"""The theme board to explore (issue 17): filters by department, audience,
sentiment, fiscal year and quarter and possible solutions; a chart of counts
per department; a drill-down to all of a theme's readable items, paginated;
full-text search over readable feedback and possible solutions. Only shared
items are read outside their department; queries do not grow with departments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csoprogram.lib import fiscal
from focusgroups.board import BoardFilters, search_feedback, theme_board
from focusgroups.models import FeedbackItem
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.django_db
BOARD = reverse("focusgroups:theme_board")


@pytest.fixture
def wait(db):
    return ThemeFactory(name="Wait times")


@pytest.fixture
def feedback(dept_fleet, dept_streets, wait):
    q1 = fiscal.quarter(2027, 1)
    q2 = fiscal.quarter(2027, 2)
    streets = SessionFactory(department=dept_streets, held_on=q1.start, audience="external")
    FeedbackFactory(
        session=streets,
        text="SHARED: residents waited six weeks for a permit",
        shared_with_csos=True,
        themes=[wait],
        customer_type="external",
        possible_solution="An online permit tracker",
    )
    FeedbackFactory(
        session=streets,
        text="PRIVATE: the waiting room was cold",
        themes=[wait],
        customer_type="external",
        possible_solution="PRIVATE SOLUTION: heat the room",
    )
    fleet = SessionFactory(department=dept_fleet, held_on=q2.start, audience="internal")
    FeedbackFactory(
        session=fleet,
        text="OWN: repairs were quick",
        sentiment="positive",
        customer_type="internal",
        themes=[wait],
    )


def test_filter_by_department_counts_only_that_department(client, ccso, dept_streets, feedback):
    client.force_login(ccso)
    html = client.get(BOARD, {"department": dept_streets.pk}).content.decode()
    assert "SHARED:" in html and "PRIVATE:" in html and "OWN:" not in html


def test_filter_by_fiscal_year_and_quarter(client, ccso, feedback):
    client.force_login(ccso)
    html = client.get(BOARD, {"fiscal_year": 2027, "quarter": 2}).content.decode()
    assert "OWN:" in html and "SHARED:" not in html
    html = client.get(BOARD, {"fiscal_year": 2027}).content.decode()
    assert "OWN:" in html and "SHARED:" in html
    html = client.get(BOARD, {"fiscal_year": 2026}).content.decode()
    assert "OWN:" not in html and "SHARED:" not in html


def test_a_quarter_without_a_year_is_an_error_next_to_the_field(client, ccso, feedback):
    client.force_login(ccso)
    html = client.get(BOARD, {"quarter": 2}).content.decode()
    assert "Choose the fiscal year of the quarter." in html


def test_only_feedback_with_a_possible_solution(client, cso_fleet, feedback):
    client.force_login(cso_fleet)
    html = client.get(BOARD, {"with_solution": "on"}).content.decode()
    assert "SHARED:" in html and "OWN:" not in html and "PRIVATE" not in html


def test_search_finds_shared_feedback_and_solutions_and_never_unshared(
    client, cso_fleet, ccso, feedback
):
    client.force_login(cso_fleet)
    html = client.get(BOARD, {"q": "permit"}).content.decode()
    assert "SHARED:" in html
    html = client.get(BOARD, {"q": "tracker"}).content.decode()  # in the solution
    assert "SHARED:" in html
    html = client.get(BOARD, {"q": "cold"}).content.decode()
    assert "PRIVATE" not in html
    # Not even a count: the search counts readable feedback only.
    assert "No feedback matches these filters" in html
    client.force_login(ccso)
    assert "PRIVATE:" in client.get(BOARD, {"q": "cold"}).content.decode()


def test_search_uses_stems_on_postgresql_and_words_elsewhere(feedback):
    found = search_feedback(FeedbackItem.objects.all(), "waited")
    texts = {f.text[:7] for f in found}
    assert "SHARED:" in texts
    if connection.vendor == "postgresql":
        # "waiting" and "waited" share the stem "wait".
        stemmed = {f.text[:7] for f in search_feedback(FeedbackItem.objects.all(), "wait")}
        assert {"SHARED:", "PRIVATE"} <= stemmed


def test_the_search_index_exists_and_is_used_on_postgresql(feedback):
    if connection.vendor != "postgresql":
        # SQLite: no index to use, the plain match finds the words.
        assert search_feedback(FeedbackItem.objects.all(), "permit").count() == 1
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'focusgroups_feedback_search_gin'"
        )
        (indexdef,) = cursor.fetchone()
        assert "gin" in indexdef and "to_tsvector" in indexdef
        sql, params = search_feedback(FeedbackItem.objects.all(), "permit").query.sql_with_params()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "focusgroups_feedback_search_gin" in plan


def test_the_board_draws_a_chart_of_counts_per_department(client, ccso, feedback, wait):
    client.force_login(ccso)
    html = client.get(BOARD).content.decode()
    assert '<svg class="board-chart"' in html
    assert f'id="chart-title-{wait.pk}">Feedback about Wait times by department: ' in html
    assert 'class="bar-negative"' in html and 'class="bar-positive"' in html


def test_drill_down_lists_readable_items_only(client, cso_fleet, ccso, feedback, wait):
    url = reverse("focusgroups:theme_board_theme", args=[wait.pk])
    client.force_login(cso_fleet)
    html = client.get(url).content.decode()
    assert "SHARED:" in html and "OWN:" in html and "PRIVATE" not in html
    assert "2 feedback items" in html
    html = client.get(url, {"audience": "internal"}).content.decode()
    assert "OWN:" in html and "SHARED:" not in html
    client.force_login(ccso)
    assert "PRIVATE:" in client.get(url).content.decode()


def test_drill_down_is_paginated(client, ccso, dept_fleet, wait):
    session = SessionFactory(department=dept_fleet)
    for i in range(30):
        FeedbackFactory(session=session, text=f"Item number {i:02d}", themes=[wait])
    client.force_login(ccso)
    url = reverse("focusgroups:theme_board_theme", args=[wait.pk])
    first = client.get(url).content.decode()
    assert first.count("Item number") == 25 and "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("Item number") == 5


def test_the_board_shows_twelve_themes_a_page(client, ccso, dept_fleet):
    session = SessionFactory(department=dept_fleet)
    for i in range(14):
        FeedbackFactory(session=session, themes=[ThemeFactory(name=f"Theme {i:02d}")])
    client.force_login(ccso)
    html = client.get(BOARD).content.decode()
    assert html.count('class="card board-theme') == 12 and "Page 1 of 2" in html
    assert client.get(BOARD, {"page": 2}).content.decode().count('class="card board-theme') == 2


def _add_departments(start, stop, theme):
    for i in range(start, stop):
        dept = DepartmentFactory(slug=f"dept-x{i}", name=f"Department X{i}")
        session = SessionFactory(department=dept, held_on=datetime.date(2026, 8, 1))
        FeedbackFactory(
            session=session,
            themes=[theme],
            text=f"Permit wait {i}",
            shared_with_csos=bool(i % 2),
            possible_solution=f"Solution {i}",
        )


@pytest.mark.parametrize("persona", ["cso_fleet", "ccso"])
@pytest.mark.parametrize(
    "params", [{}, {"q": "permit", "fiscal_year": 2027, "with_solution": "on"}], ids=["all", "q"]
)
def test_board_and_drill_down_queries_do_not_grow_with_departments(
    client, request, persona, params, wait
):
    client.force_login(request.getfixturevalue(persona))
    drill = reverse("focusgroups:theme_board_theme", args=[wait.pk])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    _add_departments(0, 3, wait)
    small = (count(BOARD), count(drill))
    _add_departments(3, 40, wait)
    assert (count(BOARD), count(drill)) == small


def test_selector_accepts_the_filters(cso_fleet, dept_streets, feedback):
    board = theme_board(user=cso_fleet, filters=BoardFilters(department_id=dept_streets.pk))
    (only,) = board.themes
    assert [d.slug for d in only.departments] == [dept_streets.slug]


def test_a_themes_table_lists_the_busiest_departments_and_the_page_stays_bounded(
    client, ccso, wait
):
    """At city scale a theme's table shows the fifteen departments with the
    most feedback and says how many more; the department filter shows any one."""
    client.force_login(ccso)
    _add_departments(0, 20, wait)
    small = len(client.get(BOARD).content)
    _add_departments(20, 80, wait)
    html = client.get(BOARD).content.decode()
    assert html.count('<th scope="row" class="fw-normal">') == 15
    assert "and 65 more: choose a department in the filters to see its counts" in html
    # 60 more options in the department filter (about 45 bytes each), not 60
    # more table rows (about 150 bytes each).
    assert len(html.encode()) - small < 60 * 75
    one = DepartmentFactory._meta.model.objects.get(slug="dept-x77")
    filtered = client.get(BOARD, {"department": one.pk}).content.decode()
    assert "Department X77" in filtered and "more: choose a department" not in filtered
