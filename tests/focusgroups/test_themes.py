import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from focusgroups import services
from focusgroups.models import FeedbackItem, Theme
from focusgroups.selectors import themes_usable_by
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(dept_fleet, cso_fleet):
    return services.theme_propose(department=dept_fleet, proposed_by=cso_fleet, name="Parking")


def test_a_proposed_theme_is_usable_at_once_in_its_department_only(
    proposal, dept_fleet, dept_streets
):
    assert proposal.status == Theme.Status.PROPOSED
    assert proposal in themes_usable_by(department=dept_fleet)
    assert proposal not in themes_usable_by(department=dept_streets)


def test_theme_names_are_unique_whatever_the_case(proposal, dept_streets, cso_streets):
    with pytest.raises(ValidationError, match="already exists"):
        services.theme_propose(department=dept_streets, proposed_by=cso_streets, name=" parking ")


def test_cso_proposes_a_theme_from_the_session_page_with_htmx(client, cso_fleet, dept_fleet):
    session = SessionFactory(department=dept_fleet)
    client.force_login(cso_fleet)
    response = client.post(
        reverse("focusgroups:theme_propose", kwargs={"slug": "fleet"}),
        {"propose-name": "Signage", "next_session": session.pk},
        headers={"HX-Request": "true"},
    )
    theme = Theme.objects.get(name="Signage")
    assert (theme.status, theme.proposed_for, theme.proposed_by) == (
        "proposed",
        dept_fleet,
        cso_fleet,
    )
    html = response.content.decode()
    assert 'data-hx-swap-oob="beforeend:#id_themes-options"' in html
    assert f'value="{theme.pk}" id="id_themes_new_{theme.pk}" checked' in html


def test_ccso_accepts_a_proposal(client, ccso, proposal, dept_streets):
    client.force_login(ccso)
    client.post(reverse("focusgroups:theme_accept", kwargs={"pk": proposal.pk}))
    proposal.refresh_from_db()
    assert proposal.status == Theme.Status.ACCEPTED
    assert proposal.decided_by == ccso and proposal.decided_at is not None
    assert proposal in themes_usable_by(department=dept_streets)


def test_a_decision_is_taken_once(ccso, proposal):
    services.theme_accept(theme=proposal, decided_by=ccso)
    stale = Theme.objects.get(pk=proposal.pk)
    stale.status = Theme.Status.PROPOSED  # a second request that read it before
    with pytest.raises(ValidationError):
        services.theme_reject(theme=stale, decided_by=ccso)
    assert Theme.objects.get(pk=proposal.pk).status == Theme.Status.ACCEPTED


def _plan_area(department):
    plan = PlanFactory(department=department, with_area=False)
    return AreaOfFocusFactory(plan=plan, title="Faster releases", themes=[])


def test_merging_a_proposal_moves_all_its_feedback_and_area_links(
    client, ccso, proposal, dept_fleet
):
    target = ThemeFactory(name="Wait times")
    other = ThemeFactory(name="Communication")
    session = SessionFactory(department=dept_fleet)
    only_proposal = FeedbackFactory.create_batch(3, session=session, themes=[proposal])
    both = FeedbackFactory(session=session, themes=[proposal, target])
    with_other = FeedbackFactory(session=session, themes=[proposal, other])
    untouched = FeedbackFactory(session=session, themes=[other])
    area = _plan_area(dept_fleet)
    area.themes.add(proposal)
    items_before = FeedbackItem.objects.count()

    client.force_login(ccso)
    response = client.post(
        reverse("focusgroups:theme_merge", kwargs={"pk": proposal.pk}), {"into": target.pk}
    )
    assert response.status_code == 302

    proposal.refresh_from_db()
    assert proposal.status == Theme.Status.MERGED and proposal.merged_into == target
    assert FeedbackItem.objects.count() == items_before  # nothing lost
    assert not proposal.feedback_items.exists()
    for item in [*only_proposal, both]:
        assert list(item.themes.all()) == [target]
    assert set(with_other.themes.all()) == {target, other}
    assert list(untouched.themes.all()) == [other]
    assert target.feedback_items.count() == 5
    assert list(area.themes.all()) == [target]


def test_merging_into_a_theme_that_is_not_accepted_is_refused(ccso, proposal, dept_streets):
    other_proposal = ThemeFactory(name="Towing", status="proposed", proposed_for=dept_streets)
    with pytest.raises(ValidationError):
        services.theme_merge(theme=proposal, into=other_proposal, decided_by=ccso)
    with pytest.raises(ValidationError):
        services.theme_merge(theme=proposal, into=proposal, decided_by=ccso)
    proposal.refresh_from_db()
    assert proposal.status == Theme.Status.PROPOSED


def test_rejecting_keeps_the_feedback_without_the_theme(ccso, proposal, dept_fleet):
    keep = ThemeFactory(name="Communication")
    item = FeedbackFactory(session=SessionFactory(department=dept_fleet), themes=[proposal, keep])
    assert services.theme_reject(theme=proposal, decided_by=ccso) == 1
    item.refresh_from_db()
    assert list(item.themes.all()) == [keep]
    assert Theme.objects.get(pk=proposal.pk).status == Theme.Status.REJECTED


def test_ccso_adds_and_renames_themes(client, ccso):
    client.force_login(ccso)
    client.post(reverse("focusgroups:theme_create"), {"name": "Process clarity"})
    theme = Theme.objects.get(name="Process clarity")
    assert theme.status == Theme.Status.ACCEPTED
    client.post(
        reverse("focusgroups:theme_edit", kwargs={"pk": theme.pk}),
        {"name": "Clear processes", "description": "Knowing the steps"},
    )
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("Clear processes", "Knowing the steps")


def test_cso_of_another_department_does_not_see_a_proposal(client, cso_streets, proposal):
    client.force_login(cso_streets)
    html = client.get(reverse("focusgroups:theme_list")).content.decode()
    assert "Parking" not in html
