import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments import roles
from focusgroups.board import theme_board
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory

pytestmark = pytest.mark.django_db
BOARD = reverse("focusgroups:theme_board")


@pytest.fixture
def board_feedback(dept_fleet, dept_streets, themes):
    wait = themes["Wait times"]
    streets = SessionFactory(department=dept_streets, held_on=datetime.date(2026, 9, 10))
    FeedbackFactory(
        session=streets,
        text="SHARED: permits took six weeks",
        shared_with_csos=True,
        themes=[wait],
        possible_solution="SHARED SOLUTION: online permit tracker",
    )
    FeedbackFactory(
        session=streets,
        text="PRIVATE: the supervisor was rude",
        themes=[wait],
        possible_solution="PRIVATE SOLUTION: retrain the supervisor",
    )
    FeedbackFactory(
        session=SessionFactory(department=dept_fleet, held_on=datetime.date(2026, 10, 5)),
        text="OWN: repairs were quick",
        sentiment="positive",
        customer_type="internal",
        themes=[wait],
    )


def test_cso_sees_another_departments_shared_quote_and_not_the_unshared_ones(
    client, cso_fleet, board_feedback
):
    client.force_login(cso_fleet)
    html = client.get(BOARD).content.decode()
    assert "SHARED: permits took six weeks" in html
    assert "SHARED SOLUTION" in html
    assert "OWN: repairs were quick" in html
    assert "PRIVATE" not in html
    # The counts of unshared feedback are still there: Streets has 2 negative.
    assert 'Streets</th><td class="text-end">0</td><td class="text-end">2</td>' in html


def test_ccso_sees_every_quote(client, ccso, board_feedback):
    client.force_login(ccso)
    html = client.get(BOARD).content.decode()
    assert "PRIVATE: the supervisor was rude" in html
    assert "SHARED: permits took six weeks" in html


def test_board_filters_by_audience_sentiment_and_dates(client, ccso, board_feedback):
    client.force_login(ccso)
    html = client.get(BOARD, {"audience": "internal"}).content.decode()
    assert "OWN: repairs were quick" in html and "SHARED" not in html
    html = client.get(BOARD, {"sentiment": "negative"}).content.decode()
    assert "OWN:" not in html and "PRIVATE:" in html
    html = client.get(BOARD, {"date_from": "2026-10-01", "date_to": "2026-10-31"}).content.decode()
    assert "OWN:" in html and "SHARED:" not in html


def _add_departments(start, stop, themes):
    for i in range(start, stop):
        dept = DepartmentFactory(slug=f"dept-q{i}", name=f"Department Q{i}")
        session = SessionFactory(department=dept)
        for j, theme in enumerate(themes.values()):
            FeedbackFactory(
                session=session,
                themes=[theme],
                sentiment=("positive", "negative")[j % 2],
                shared_with_csos=bool(i % 2),
                possible_solution=f"Solution {i}-{j}",
            )


def _board_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(BOARD)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("persona", ["cso_fleet", "ccso"])
def test_board_query_count_does_not_grow_with_departments(
    client, request, persona, themes, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    _add_departments(0, 5, themes)
    with django_assert_max_num_queries(20):
        at_5, html = _board_queries(client)
    assert "Department Q4" in html
    _add_departments(5, 50, themes)
    with django_assert_max_num_queries(20):
        at_50, html = _board_queries(client)
    assert "Department Q49" in html
    assert at_50 == at_5


def test_head_gets_403_on_the_board(client, head_fleet):
    client.force_login(head_fleet)
    assert client.get(BOARD).status_code == 403


def test_board_selector_runs_four_queries_at_any_size(cso_fleet, themes, django_assert_num_queries):
    # The role lookups are cached per request and already made by the page.
    roles.department_roles(cso_fleet)
    roles.is_program_wide(cso_fleet)
    _add_departments(0, 5, themes)
    with django_assert_num_queries(4):
        board = theme_board(user=cso_fleet)
    assert len(board.themes[0].departments) == 5
    _add_departments(5, 50, themes)
    with django_assert_num_queries(4):
        board = theme_board(user=cso_fleet)
    assert len(board.themes[0].departments) == 50
