"""Exports of everything a department owns (issue 17): every table downloads
as CSV and JSON for the personas who may see the department and parses; 404
for other departments; the MDO never gets a draft; spreadsheet-safe cells;
streamed, in constant queries and memory; the CCSO's department archive."""

import csv
import io
import json
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csoprogram.exports.registry import TABLES
from metrics.phillystat.models import ReviewPacket
from plans.models import PlanStatus
from tests.csoprogram.factories import full_department
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory
from tests.metrics.factories import (
    MetricNoteFactory,
    NarrativeCorrectionFactory,
    ReviewPacketFactory,
    ValueCorrectionFactory,
)
from tests.plans.factories import PlanFactory, SuccessFactory

pytestmark = pytest.mark.django_db
ALLOWED = ["cso_fleet", "head_fleet", "analyst_fleet", "ccso", "md_office"]
OTHERS = ["cso_streets", "analyst_streets"]


def _url(key, fmt, slug="fleet"):
    return reverse("exports:download", kwargs={"slug": slug, "key": key, "fmt": fmt})


def _body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def parse(response, fmt):
    text = _body(response)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        return rows[0], rows[1:]
    data = json.loads(text)
    assert isinstance(data, list)
    return (list(data[0]) if data else None), data


@pytest.fixture
def fleet_world(dept_fleet, dept_streets, cso_fleet):
    full_department(dept_fleet)
    full_department(dept_streets)
    metric = dept_fleet.metrics.first()
    ValueCorrectionFactory(metric_value=metric.values.first())
    note = MetricNoteFactory(metric=metric, narrative__department=dept_fleet)
    NarrativeCorrectionFactory(narrative=note.narrative, department=dept_fleet)
    SuccessFactory(department=dept_fleet)
    # A draft plan of a later year, never submitted: the MDO never gets it.
    PlanFactory(
        department=dept_fleet,
        program_year=2099,
        status=PlanStatus.DRAFT,
        mission="DRAFT MISSION never submitted",
    )
    return dept_fleet


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("persona", ALLOWED)
def test_every_table_downloads_and_parses_for_the_people_who_see_the_department(
    client, request, persona, fmt, fleet_world
):
    client.force_login(request.getfixturevalue(persona))
    for key, table in TABLES.items():
        response = client.get(_url(key, fmt))
        assert response.status_code == 200, key
        assert response["Content-Disposition"].startswith("attachment;")
        header, rows = parse(response, fmt)
        if fmt == "csv" or rows:
            assert header == table.header(), key
        if key in ("plans", "feedback", "metric-values", "commitments", "value-corrections"):
            assert rows, f"{key} is empty"


@pytest.mark.parametrize("persona", OTHERS)
def test_other_departments_get_404_for_every_table_and_the_page(
    client, request, persona, fleet_world
):
    client.force_login(request.getfixturevalue(persona))
    for key in TABLES:
        for fmt in ("csv", "json"):
            assert client.get(_url(key, fmt)).status_code == 404
    assert client.get(reverse("exports:department_exports", args=["fleet"])).status_code == 404
    assert client.get(reverse("exports:archive", args=["fleet"])).status_code == 404


def test_the_mdo_never_gets_a_draft_plan_nor_its_versions(
    client, md_office, cso_fleet, fleet_world
):
    client.force_login(md_office)
    for key in ("plans", "plan-versions", "areas-of-focus"):
        for fmt in ("csv", "json"):
            text = _body(client.get(_url(key, fmt)))
            assert "DRAFT MISSION" not in text, key
            assert "2099" not in text, key
    _, versions = parse(client.get(_url("plan-versions", "json")), "json")
    assert versions and all(v["ever_submitted"] for v in versions)
    # The department's CSO gets it.
    client.force_login(cso_fleet)
    assert "DRAFT MISSION" in _body(client.get(_url("plans", "csv")))


def test_an_area_of_a_draft_plan_is_not_named_to_the_mdo(client, md_office, ccso, fleet_world):
    draft = PlanFactory(department=fleet_world, program_year=2098, status=PlanStatus.DRAFT)
    area = draft.areas_of_focus.get()
    area.title = "SECRET DRAFT AREA"
    area.save()
    metric = fleet_world.metrics.first()
    metric.area_of_focus = area
    metric.save()
    client.force_login(md_office)
    assert "SECRET DRAFT AREA" not in _body(client.get(_url("metric-definitions", "csv")))
    client.force_login(ccso)
    assert "SECRET DRAFT AREA" in _body(client.get(_url("metric-definitions", "csv")))


def test_csv_cells_are_spreadsheet_safe_and_json_keeps_the_text(client, cso_fleet, dept_fleet):
    FeedbackFactory(session=SessionFactory(department=dept_fleet), text="=HYPERLINK(1)")
    client.force_login(cso_fleet)
    _, rows = parse(client.get(_url("feedback", "csv")), "csv")
    assert rows[0][4] == "'=HYPERLINK(1)"
    _, items = parse(client.get(_url("feedback", "json")), "json")
    assert items[0]["text"] == "=HYPERLINK(1)"


def test_unknown_tables_and_formats_are_404(client, ccso, dept_fleet):
    client.force_login(ccso)
    assert client.get(_url("nothing", "csv")).status_code == 404
    assert client.get(_url("plans", "xlsx")).status_code == 404


def test_the_exports_page_lists_every_table_and_the_archive_for_the_ccso(
    client, ccso, cso_fleet, fleet_world
):
    page = reverse("exports:department_exports", args=["fleet"])
    client.force_login(cso_fleet)
    html = client.get(page).content.decode()
    for key, table in TABLES.items():
        assert _url(key, "csv") in html and _url(key, "json") in html
        assert table.title in html
    assert reverse("exports:archive", args=["fleet"]) not in html
    assert client.get(reverse("exports:archive", args=["fleet"])).status_code == 403
    client.force_login(ccso)
    assert reverse("exports:archive", args=["fleet"]) in client.get(page).content.decode()
    detail = client.get(fleet_world.get_absolute_url()).content.decode()
    assert page in detail


def test_the_archive_holds_every_table_and_the_packets(client, ccso, fleet_world, settings):
    from django.core.files.storage import default_storage

    meeting = fleet_world.phillystat_meetings.first()
    name = default_storage.save("packets/fleet-test.pdf", io.BytesIO(b"%PDF-1.4 packet"))
    ReviewPacketFactory(meeting=meeting, status=ReviewPacket.Status.READY, file=name)
    client.force_login(ccso)
    response = client.get(reverse("exports:archive", args=["fleet"]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    for key in TABLES:
        assert {f"{key}.csv", f"{key}.json"} <= names
    (packet,) = [n for n in names if n.startswith("review-packets/")]
    assert archive.read(packet) == b"%PDF-1.4 packet"
    assert json.loads(archive.read("plans.json"))
    header = next(csv.reader(io.StringIO(archive.read("feedback.csv").decode("utf-8-sig"))))
    assert header == TABLES["feedback"].header()


def _add_departments(start, stop):
    for i in range(start, stop):
        dept = DepartmentFactory(slug=f"dept-e{i}", name=f"Department E{i}")
        session = SessionFactory(department=dept)
        FeedbackFactory.create_batch(2, session=session)
        PlanFactory(department=dept)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["cso_fleet", "ccso", "md_office"])
def test_query_counts_do_not_grow_with_departments(client, request, persona, fleet_world):
    client.force_login(request.getfixturevalue(persona))
    urls = [_url(key, fmt) for key in TABLES for fmt in ("csv", "json")]
    urls.append(reverse("exports:department_exports", args=["fleet"]))
    _add_departments(0, 2)
    small = [_queries(client, u) for u in urls]
    _add_departments(2, 100)
    assert [_queries(client, u) for u in urls] == small


def test_exports_stream_in_constant_memory_beside_100_departments(client, ccso, dept_fleet):
    _add_departments(0, 100)
    notes = "n" * 2000

    def peak_for(count: int) -> int:
        SessionFactory.create_batch(count, department=dept_fleet, notes=notes)
        client.force_login(ccso)
        response = client.get(_url("focus-group-sessions", "csv"))
        tracemalloc.start()
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert size > count * 2000
        return peak

    small = peak_for(300)
    large = peak_for(2700)  # 3000 sessions: 6 MB of notes
    # Streamed a chunk of rows at a time: ten times the rows, not ten times the memory.
    assert large < 3 * small + 1_000_000, (small, large)
    assert large < 4_000_000
