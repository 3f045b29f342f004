import pytest

from focusgroups.models import Theme
from focusgroups.selectors import (
    department_strengths_and_opportunities,
    departments_strengths_and_opportunities,
)
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _say(session, theme, sentiment, n, prefix):
    return [
        FeedbackFactory(session=session, sentiment=sentiment, themes=[theme], text=f"{prefix} {i}")
        for i in range(n)
    ]


def test_strengths_and_opportunities_rank_themes_with_counts_and_two_quotes(
    dept_fleet, dept_streets, themes
):
    s = SessionFactory(department=dept_fleet)
    _say(s, themes["Staff courtesy"], "positive", 4, "Kind")
    _say(s, themes["Staff courtesy"], "negative", 1, "Curt")
    _say(s, themes["Online services"], "positive", 2, "Easy portal")
    _say(s, themes["Wait times"], "negative", 3, "Slow")
    _say(s, themes["Wait times"], "positive", 1, "Fast once")
    _say(s, themes["Communication"], "suggestion", 2, "Idea")  # neither
    # Another department's feedback does not count.
    _say(SessionFactory(department=dept_streets), themes["Wait times"], "positive", 9, "Other")

    result = department_strengths_and_opportunities(department=dept_fleet)

    assert [x.theme.name for x in result.strengths] == ["Staff courtesy", "Online services"]
    courtesy = result.strengths[0]
    assert (courtesy.positive, courtesy.negative) == (4, 1)
    assert courtesy.quotes == ["Kind 3", "Kind 2"]  # newest positive first, two of them
    assert [x.theme.name for x in result.opportunities] == ["Wait times"]
    wait = result.opportunities[0]
    assert (wait.positive, wait.negative) == (1, 3)
    assert wait.quotes == ["Slow 2", "Slow 1"]


def test_a_department_without_feedback_has_no_strengths_or_opportunities(dept_fleet):
    result = department_strengths_and_opportunities(department=dept_fleet)
    assert not result
    assert result.strengths == [] and result.opportunities == []


def test_rejected_themes_are_left_out(dept_fleet):
    rejected = ThemeFactory(name="Noise", status=Theme.Status.REJECTED)
    _say(SessionFactory(department=dept_fleet), rejected, "negative", 2, "Loud")
    assert not department_strengths_and_opportunities(department=dept_fleet)


def test_many_departments_in_a_fixed_number_of_queries(themes, django_assert_max_num_queries):
    departments = []
    for i in range(12):
        dept = DepartmentFactory(slug=f"so-{i}", name=f"SO {i}")
        _say(SessionFactory(department=dept), themes["Wait times"], "negative", 2, f"D{i}")
        departments.append(dept)
    with django_assert_max_num_queries(3):
        result = departments_strengths_and_opportunities(departments=departments)
    assert all(result[d.pk].opportunities[0].negative == 2 for d in departments)
