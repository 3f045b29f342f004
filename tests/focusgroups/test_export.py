import csv
import io

import pytest
from django.urls import reverse

from csoprogram.lib.spreadsheet import safe_cell
from tests.focusgroups.factories import FeedbackFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain words", "Plain words"),
        ("a = b", "a = b"),
        (None, ""),
        (7, "7"),
    ],
)
def test_cells_that_would_start_a_formula_are_written_as_text(value, expected):
    assert safe_cell(value) == expected


def _rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_department_export_is_safe_and_has_one_row_per_feedback(
    client, cso_fleet, dept_fleet, themes
):
    session = SessionFactory(department=dept_fleet, location="=cmd|' /C calc'!A0")
    FeedbackFactory(session=session, text="-1 star, slow", themes=[themes["Wait times"]])
    FeedbackFactory(session=session, text="@everyone was helpful", sentiment="positive")
    SessionFactory(department=dept_fleet, status="planned")
    client.force_login(cso_fleet)
    response = client.get(reverse("focusgroups:department_export", kwargs={"slug": "fleet"}))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header[0] == "Department" and "Possible solution" in header
    assert len(rows) == 3  # two feedback rows and the planned session without feedback
    texts = {r[header.index("Feedback")] for r in rows}
    assert {"'-1 star, slow", "'@everyone was helpful", ""} == texts
    assert all(r[header.index("Location")] != "=cmd|' /C calc'!A0" for r in rows)
    assert "Wait times" in {r[header.index("Themes")] for r in rows}


def test_department_export_holds_only_that_department(client, ccso, dept_fleet, dept_streets):
    FeedbackFactory(session=SessionFactory(department=dept_fleet), text="Fleet words")
    FeedbackFactory(session=SessionFactory(department=dept_streets), text="Streets words")
    client.force_login(ccso)
    one = client.get(reverse("focusgroups:department_export", kwargs={"slug": "fleet"}))
    assert [r[7] for r in _rows(one)[1:]] == ["Fleet words"]
    everything = client.get(reverse("focusgroups:export_all"))
    assert sorted(r[7] for r in _rows(everything)[1:]) == ["Fleet words", "Streets words"]


def test_export_query_count_is_fixed(client, ccso, dept_fleet, django_assert_max_num_queries):
    for _ in range(10):
        FeedbackFactory.create_batch(3, session=SessionFactory(department=dept_fleet))
    client.force_login(ccso)
    with django_assert_max_num_queries(10):
        client.get(reverse("focusgroups:export_all"))
