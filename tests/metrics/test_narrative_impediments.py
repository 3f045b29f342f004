"""One impediment concept: the narrative's free-text impediments became the
department's impediment records (migration 0012), and the narrative, the
meeting page, the packet, the memos and the program update show one list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.program_meetings.selectors import program_update_departments, program_update_rows
from metrics.phillystat import packet_render
from plans.models import Impediment
from plans.selectors import impediments_listed
from tests.metrics.factories import PhillyStatMeetingFactory
from tests.plans.factories import ImpedimentFactory

BEFORE = [("metrics", "0011_packet_sweep_schedules"), ("plans", "0004_history_of_program_records")]
AFTER = [("metrics", "0012_follow_up_memo_and_narrative_impediments")]


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_turns_narrative_texts_into_impediment_records():
    """The later tests of this worker need every migration again: restored
    whatever happens here."""
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Department = old.get_model("departments", "Department")
        Narrative = old.get_model("metrics", "QuarterlyNarrative")
        fleet = Department.objects.create(name="Fleet Management", slug="fleet-migr")
        water = Department.objects.create(name="Water Department", slug="water-migr")
        Narrative.objects.create(
            department=fleet, fiscal_year=2026, quarter=3, impediments="Old pushback"
        )
        Narrative.objects.create(
            department=fleet,
            fiscal_year=2026,
            quarter=4,
            impediments="- Two vacancies at the front desk\n- The case system upgrade slipped\n",
        )
        Narrative.objects.create(department=water, fiscal_year=2026, quarter=4, impediments="")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)

        records = {
            (i.description, i.status, i.kind)
            for i in Impediment.objects.filter(department__slug="fleet-migr")
        }
        assert records == {
            ("Two vacancies at the front desk", "open", "other"),
            ("The case system upgrade slipped", "open", "other"),
            ("Old pushback", "resolved", "other"),
        }
        assert not Impediment.objects.filter(department__slug="water-migr").exists()
        resolved = Impediment.objects.get(description="Old pushback")
        assert "FY2026 Q3 quarterly narrative" in resolved.resolution
        assert resolved.history.count() == 1
    finally:
        _migrate_to_latest()


def test_the_packet_the_meeting_page_and_the_program_update_show_the_same_list(
    client, dept_fleet, cso_fleet, md_office
):
    first = ImpedimentFactory(department=dept_fleet, description="Two vacancies at the desk")
    second = ImpedimentFactory(
        department=dept_fleet, kind="pushback", description="The upgrade slipped"
    )
    ImpedimentFactory(
        department=dept_fleet,
        description="Resolved long ago",
        status="resolved",
        resolution="Hired.",
    )
    listed = impediments_listed(dept_fleet)
    assert listed == [first, second]
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=fiscal.today() + timedelta(days=3)
    )
    context = packet_render.department_packet_context(
        dept_fleet, quarter=meeting.fiscal_quarter, meeting=meeting
    )
    assert context["impediments"] == listed
    html = packet_render.render_to_string(
        "metrics/packets/section.html", {"s": context, "agenda": packet_render.AGENDA}
    )
    assert "Two vacancies at the desk" in html and "The upgrade slipped" in html
    assert "No open impediments." not in html and "Resolved long ago" not in html
    (row,) = [
        d
        for d in program_update_rows(program_update_departments(md_office))
        if d.pk == dept_fleet.pk
    ]
    assert row.open_impediments == listed
    client.force_login(cso_fleet)
    for url in (
        reverse("metrics:meeting_detail", args=[meeting.pk]),
        reverse("metrics:narrative_edit", args=[meeting.pk]),
        reverse("metrics:briefing_memo", args=[meeting.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Two vacancies at the desk" in page and "The upgrade slipped" in page
        assert f"#impediment-{first.pk}" in page
        assert "Resolved long ago" not in page
