"""Layouts that fit (issue 17): the stage stepper counts focus groups until the
target is met, times print "a.m." once, wide tables carry their column names
for the stacked cards, and the navigation groups items into menus."""

import datetime
import zoneinfo

from django.urls import reverse

from csoprogram.lib import formats
from csoprogram.navigation import nav_for
from csoprogram.stage import department_stage, departments_with_stage, stage_steps
from metrics.phillystat.models import ReminderDelivery
from tests.csoprogram.factories import full_department
from tests.focusgroups.factories import SessionFactory
from tests.metrics.factories import PhillyStatMeetingFactory as MeetingFactory
from tests.plans.factories import PlanFactory


def _steps(department):
    d = departments_with_stage().get(pk=department.pk)
    return stage_steps(d, department_stage(d))


def test_the_stepper_says_3_of_5_while_a_plan_is_drafted_before_the_target(settings, dept_fleet):
    settings.FOCUS_GROUP_TARGET = 5
    SessionFactory.create_batch(3, department=dept_fleet)
    PlanFactory(department=dept_fleet)
    steps = _steps(dept_fleet)
    assert (steps[0].label, steps[0].state) == ("Focus groups (3 of 5)", "todo")
    assert (steps[1].label, steps[1].state) == ("Plan drafting", "current")


def test_the_stepper_says_done_once_the_target_is_met(settings, dept_fleet):
    settings.FOCUS_GROUP_TARGET = 2
    SessionFactory.create_batch(2, department=dept_fleet)
    steps = _steps(dept_fleet)
    assert (steps[0].label, steps[0].state) == ("Focus groups", "done")
    assert steps[1].state == "current"


def test_the_department_page_shows_the_count_not_done(client, settings, cso_fleet, dept_fleet):
    settings.FOCUS_GROUP_TARGET = 5
    SessionFactory.create_batch(3, department=dept_fleet)
    PlanFactory(department=dept_fleet)
    client.force_login(cso_fleet)
    html = client.get(dept_fleet.get_absolute_url()).content.decode()
    stepper = html[html.index('class="stage-steps"') :]
    stepper = stepper[: stepper.index("</ol>")]
    assert "To come: </span>Focus groups (3 of 5)" in stepper
    assert "Done:" not in stepper


def test_a_time_prints_a_m_once_even_at_the_end_of_a_sentence(settings):
    settings.TIME_ZONE = "America/New_York"
    moment = datetime.datetime(2026, 12, 7, 12, 41, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert formats.when(moment) == "Dec 7, 2026, 7:41 a.m."
    assert formats.when(moment, "time") == "7:41 a.m."
    assert formats.sentence(f"Sent at {formats.when(moment, 'time')}") == "Sent at 7:41 a.m."
    assert formats.sentence("Queued") == "Queued."
    assert formats.when(None) == ""


def test_the_meeting_page_prints_a_reminder_time_with_one_full_stop(client, ccso, dept_fleet):
    meeting = MeetingFactory(department=dept_fleet)
    ReminderDelivery.objects.create(
        meeting=meeting,
        recipient=ccso,
        kind="ccso",
        offset_days=7,
        subject="s",
        body="b",
        missing=["x"],
        sent_at=datetime.datetime(2026, 12, 7, 12, 41, tzinfo=datetime.UTC),
    )
    client.force_login(ccso)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "m.." not in html
    assert "a.m." in html or "p.m." in html


def test_wide_tables_name_each_cell_for_the_stacked_cards(client, ccso, dept_fleet):
    full_department(dept_fleet)
    client.force_login(ccso)
    html = client.get(reverse("csoprogram:program_review")).content.decode()
    assert 'class="table align-middle table-sm table-stack"' in html
    for label in ("Stage", "Focus groups", "Customer service plan", "Freshness"):
        assert f'data-label="{label}"' in html


def test_the_navigation_groups_items_into_menus(md_office, rf):
    items = nav_for(md_office, "/focus-groups/board/")
    labels = [i["label"] for i in items]
    assert labels == ["My work", "Departments", "Focus groups", "Plans", "Metrics", "Program"]
    focus = next(i for i in items if i["label"] == "Focus groups")
    active = [c["label"] for c in focus["children"] if c["active"]]
    assert focus["active"] and len(active) <= 1


def test_a_menu_of_one_item_is_a_plain_link(analyst_fleet):
    items = nav_for(analyst_fleet, "/")
    focus = next(i for i in items if "Focus group" in i["label"])
    assert "children" not in focus and focus["url"] == reverse("focusgroups:session_list")
