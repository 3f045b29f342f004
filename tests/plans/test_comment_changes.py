"""A person edits or withdraws their own plan comment within 15 minutes; the
earlier text stays in the history; nobody else can, and not later."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.rules import RuleError
from plans import comments
from plans.models import PlanComment, PlanStatus
from tests.plans.factories import PlanFactory


@pytest.fixture
def comment(cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    return PlanComment.objects.create(
        plan=plan, author=cso_fleet, body="Posted twice.", plan_version=plan.version
    )


def _age(comment, minutes):
    PlanComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def test_the_author_edits_a_comment_and_the_earlier_text_is_kept(client, cso_fleet, comment):
    client.force_login(cso_fleet)
    url = reverse("plans:plan_comment_edit", args=[comment.pk])
    assert "Posted twice." in client.get(url).content.decode()
    response = client.post(url, {"body": "Posted once."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Posted once." and comment.edited_at is not None
    bodies = list(comment.history.order_by("history_date").values_list("body", flat=True))
    assert "Posted twice." in bodies and bodies[-1] == "Posted once."
    assert comment.history.first().history_user == cso_fleet
    history = client.get(reverse("plans:plan_history", args=[comment.plan.pk])).content.decode()
    assert "Edited by its author" in history


def test_the_author_withdraws_a_comment_after_a_confirmation_page(client, cso_fleet, comment):
    client.force_login(cso_fleet)
    url = reverse("plans:plan_comment_withdraw", args=[comment.pk])
    page = client.get(url).content.decode()
    assert "Withdraw the comment" in page and 'method="post"' in page
    comment.refresh_from_db()
    assert comment.withdrawn_at is None  # GET only asks
    assert client.post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.withdrawn_at is not None
    detail = client.get(comment.plan.get_absolute_url()).content.decode()
    assert "Withdrawn by its author" in detail
    assert "<p>Posted twice.</p>" not in detail


def test_an_empty_edit_is_refused_next_to_the_field(client, cso_fleet, comment):
    client.force_login(cso_fleet)
    response = client.post(reverse("plans:plan_comment_edit", args=[comment.pk]), {"body": " "})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.body == "Posted twice."


def test_after_15_minutes_the_comment_can_no_longer_be_changed(client, cso_fleet, comment):
    _age(comment, 16)
    client.force_login(cso_fleet)
    assert client.get(reverse("plans:plan_comment_edit", args=[comment.pk])).status_code == 403
    with pytest.raises(RuleError):
        comments.plan_comment_withdraw(comment=comment, user=cso_fleet)
    detail = client.get(comment.plan.get_absolute_url()).content.decode()
    assert reverse("plans:plan_comment_edit", args=[comment.pk]) not in detail


def test_within_15_minutes_the_links_show_for_the_author_only(client, cso_fleet, ccso, comment):
    _age(comment, 14)
    edit = reverse("plans:plan_comment_edit", args=[comment.pk])
    client.force_login(cso_fleet)
    assert edit in client.get(comment.plan.get_absolute_url()).content.decode()
    client.force_login(ccso)
    assert edit not in client.get(comment.plan.get_absolute_url()).content.decode()
    assert client.post(edit, {"body": "Not mine."}).status_code == 403


def test_a_withdrawn_comment_cannot_be_edited_again(cso_fleet, comment):
    comments.plan_comment_withdraw(comment=comment, user=cso_fleet)
    with pytest.raises(RuleError):
        comments.plan_comment_edit(comment=comment, user=cso_fleet, body="Back")


def test_an_approval_note_is_not_a_comment_to_edit(cso_fleet, comment):
    PlanComment.objects.filter(pk=comment.pk).update(kind=PlanComment.Kind.APPROVED)
    comment.refresh_from_db()
    assert not comments.comment_changeable(comment, cso_fleet)


def test_submit_approve_and_withdraw_ask_on_a_page_first(client, cso_fleet, ccso, dept_fleet):
    draft = PlanFactory(department=dept_fleet)
    client.force_login(cso_fleet)
    detail = client.get(draft.get_absolute_url()).content.decode()
    submit = reverse("plans:plan_submit", args=[draft.pk])
    assert f'href="{submit}"' in detail  # a link to the question, not a one-click form
    page = client.get(submit).content.decode()
    assert "Submit for review" in page and f'action="{submit}"' in page
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    area = draft.areas_of_focus.get()
    withdraw = client.get(reverse("plans:area_withdraw", args=[area.pk]))
    assert withdraw.status_code == 200
    assert "Why the area of focus is withdrawn" in withdraw.content.decode()
    assert client.post(reverse("plans:area_withdraw", args=[area.pk]), {}).status_code == 400

    submitted = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED, program_year=2020)
    client.force_login(ccso)
    page = client.get(reverse("plans:plan_approve", args=[submitted.pk])).content.decode()
    assert "Approve plan" in page and "Note to the CSO (optional)" in page
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED
