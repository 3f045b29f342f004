import pytest
from django.test import Client
from django.urls import reverse

from csoprogram.lib.rules import RuleError
from plans import areas, selectors, services
from plans.models import CustomerServicePlan
from tests.conftest import require_service
from tests.focusgroups.factories import ThemeFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _form(page_plan, **texts):
    data = {n: getattr(page_plan, n) for n in services.PLAN_TEXT_FIELDS}
    return data | {"version": page_plan.version} | texts


def test_two_people_saving_the_same_version_one_wins_the_other_keeps_their_text(
    cso_fleet, cso2_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, mission="Old mission.")
    first, second = Client(), Client()
    first.force_login(cso_fleet)
    second.force_login(cso2_fleet)
    url = reverse("plans:plan_edit", args=[plan.pk])
    # Both open the form on version 1.
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    won = first.post(url, _form(plan, mission="Tracey's mission."))
    lost = second.post(url, _form(plan, mission="Devon's mission.", vision="Devon's vision."))

    assert won.status_code == 302
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "Not saved: Tracey" in page
    assert "saved this plan while you were editing" in page
    # What the other person changed: before and now.
    panel = page[
        page.index('id="conflict-heading"') : page.index('<form method="post" novalidate>')
    ]
    assert "Old mission." in panel
    assert '<span class="visually-hidden">[added: </span>Tracey&#x27;s<span' in panel
    assert '<span class="visually-hidden">[removed: </span>Old<span' in panel
    # The loser's text is kept in the form, and the form now names version 2.
    assert "\nDevon&#x27;s mission.</textarea>" in page
    assert "\nDevon&#x27;s vision.</textarea>" in page
    assert 'name="version" value="2"' in page

    plan.refresh_from_db()
    assert (plan.mission, plan.version) == ("Tracey's mission.", 2)

    # After merging, the second person saves on top of version 2.
    merged = second.post(
        url, _form(plan, mission="Tracey's mission, merged with Devon's.", vision="Devon's vision.")
    )
    assert merged.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 3
    records = list(
        CustomerServicePlan.history.filter(id=plan.pk).order_by("history_date", "history_id")
    )
    assert [(r.version, r.history_user, r.mission) for r in records[1:]] == [
        (2, cso_fleet, "Tracey's mission."),
        (3, cso2_fleet, "Tracey's mission, merged with Devon's."),
    ]


def test_stale_save_through_the_service_raises_a_conflict_naming_the_changes(
    cso_fleet, cso2_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    services.plan_update(plan=plan, user=cso_fleet, version=1, vision="New vision.")
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_update(plan=plan, user=cso2_fleet, version=1, vision="Other vision.")
    assert [c.field for c in conflict.value.changes] == ["vision"]
    assert conflict.value.changes[0].after == "New vision."
    assert conflict.value.by == [cso_fleet]
    assert CustomerServicePlan.objects.get(pk=plan.pk).vision == "New vision."


def test_a_status_change_in_between_also_stops_a_stale_save(cso_fleet, ccso, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    services.plan_submit(plan=plan, user=cso_fleet)
    # `plan` is the copy the CSO opened as a draft; it is submitted now.
    with pytest.raises(RuleError, match="cannot be edited now"):
        services.plan_update(plan=plan, user=cso_fleet, version=1, mission="late")


def test_a_cso_saving_after_the_plan_was_submitted_keeps_their_text(
    client, cso_fleet, cso2_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    services.plan_submit(plan=plan, user=cso2_fleet)
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:plan_edit", args=[plan.pk]), _form(plan, mission="My late words.")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "cannot be edited now" in page
    assert "\nMy late words.</textarea>" in page
    assert CustomerServicePlan.objects.get(pk=plan.pk).mission != "My late words."


def test_timeline_shows_every_step_with_who_and_when(client, cso_fleet, ccso, dept_fleet):
    plan = services.plan_create(department=dept_fleet, user=cso_fleet, program_year=2027)
    plan = services.plan_update(plan=plan, user=cso_fleet, version=1, mission="M", vision="V")
    areas.area_of_focus_add(
        plan=plan, user=cso_fleet, title="Turnaround", themes=[ThemeFactory(name="T")]
    )
    plan = services.plan_submit(plan=plan, user=cso_fleet)
    services.plan_request_changes(plan=plan, user=ccso, comment="Clearer vision.", field="vision")
    entries = selectors.plan_timeline(plan)
    whats = [(e.what, e.who) for e in reversed(entries)]
    assert whats[0] == ("Started", cso_fleet)
    assert ("Edited", cso_fleet) in whats
    assert ("Area of focus “Turnaround”: Added", cso_fleet) in whats
    assert ("Submitted for review", cso_fleet) in whats
    assert ("Changes requested", ccso) in whats
    assert ("Changes requested on vision statement", ccso) in whats
    edited = next(e for e in entries if e.what == "Edited")
    assert ("Mission statement", "", "M") in edited.details

    client.force_login(ccso)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Timeline" in page and "Submitted for review" in page


def test_history_page_shows_what_changed_between_two_versions(client, cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, mission="Before.")
    plan.history.all().delete()  # the builder's row was not made through a service
    CustomerServicePlan.history.bulk_history_create([plan], default_user=cso_fleet)
    services.plan_update(plan=plan, user=cso_fleet, version=1, mission="After.")
    versions = selectors.plan_versions(plan)
    newer, older = versions[0], versions[1]
    client.force_login(cso_fleet)
    response = client.get(
        reverse("plans:plan_history", args=[plan.pk]),
        {"older": older.history_id, "newer": newer.history_id},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="diff-changed"' in page
    row = page[page.index("Mission statement<br><small>changed</small>") :]
    assert row.index("Before.") < row.index("After.")
    rows = selectors.plan_version_diff(plan, older_id=older.history_id, newer_id=newer.history_id)
    assert [r.label for r in rows if r.changed] == ["Mission statement"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_version_let_exactly_one_win(
    cso_fleet, cso2_fleet, dept_fleet
):
    import threading

    from django.db import connection

    require_service(connection.vendor == "postgresql", "PostgreSQL (threads need a server)")
    plan = PlanFactory(department=dept_fleet)
    barrier = threading.Barrier(2)
    results = {}

    def save(user, text):
        try:
            barrier.wait(timeout=5)
            services.plan_update(plan=plan, user=user, version=1, mission=text)
            results[user.username] = "won"
        except services.PlanConflict:
            results[user.username] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(cso_fleet, "Tracey's")),
        threading.Thread(target=save, args=(cso2_fleet, "Devon's")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(results.values()) == ["conflict", "won"]
    winner = next(u for u, r in results.items() if r == "won")
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.mission == ("Tracey's" if winner == "cso_fleet" else "Devon's")
    edits = CustomerServicePlan.history.filter(id=plan.pk, history_change_reason="Edited")
    assert [r.history_user.username for r in edits] == [winner]
