import pytest

from departments import demo as departments_demo
from focusgroups import demo
from focusgroups.models import FeedbackItem, FocusGroupSession, Theme

pytestmark = pytest.mark.django_db


def _counts():
    return (Theme.objects.count(), FocusGroupSession.objects.count(), FeedbackItem.objects.count())


def test_demo_seeds_three_to_six_sessions_per_department_and_is_idempotent():
    context: dict = {}
    departments_demo.seed(context)
    demo.seed(context)
    first = _counts()
    demo.seed(context)
    assert _counts() == first
    for department in context["departments"].values():
        sessions = department.focus_group_sessions.all()
        assert 3 <= sessions.count() <= 6
        assert {s.audience for s in sessions} != {sessions[0].audience}  # mixed audiences
        assert department.feedback_items.filter(shared_with_csos=True).exists()
        assert department.feedback_items.filter(shared_with_csos=False).exists()
    assert context["themes"]["Wait times"].status == Theme.Status.ACCEPTED
    assert context["themes"]["Language access"].status == Theme.Status.PROPOSED
