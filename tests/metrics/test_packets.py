"""Review packets built in parts: one section per department (reused while its
data do not change), merged with a cover, contents and page numbers; a failing
department fails the packet with its name and Retry rebuilds only it; builds
whose worker died are taken over; packets whose data changed are rebuilt once."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from csoprogram.lib import fiscal
from csoprogram.models import OutboxMessage
from metrics.phillystat import packet_render, packet_upkeep, packets
from metrics.phillystat.models import PacketSection, ReviewPacket
from tests.departments.factories import DepartmentFactory
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, add_value
from tests.plans.factories import AreaOfFocusFactory, PlanFactory


def _department_with_metric(name: str, slug: str, value=24):
    dept = DepartmentFactory(name=name, slug=slug)
    area = AreaOfFocusFactory(plan=PlanFactory(department=dept, status="approved", with_area=False))
    metric = MetricFactory(department=dept, area_of_focus=area, name=f"Turnaround of {slug}")
    add_value(metric, fiscal.last_completed_quarter().start, value)
    return dept, metric


def run_queued(task_name: str) -> int:
    """Run the queued messages of one task in-process, as a worker would."""
    runners = {
        "metrics.packet_build": lambda pk: packets.packet_build(packet_id=pk),
        "metrics.packet_section_build": lambda pk: packets.packet_section_build(section_id=pk),
        "metrics.packet_merge": lambda pk: packets.packet_merge(packet_id=pk),
    }
    ran = 0
    for message in OutboxMessage.objects.filter(task_name=task_name, sent_at=None).order_by("pk"):
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
        runners[task_name](*message.args)
        ran += 1
    return ran


def build_everything() -> None:
    while (
        run_queued("metrics.packet_build")
        + run_queued("metrics.packet_section_build")
        + (run_queued("metrics.packet_merge"))
    ):
        pass


def pdf_text(packet: ReviewPacket) -> list[str]:
    with default_storage.open(packet.file, "rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def fleet_meeting(dept_fleet):
    area = AreaOfFocusFactory(
        plan=PlanFactory(department=dept_fleet, status="approved", with_area=False)
    )
    metric = MetricFactory(department=dept_fleet, area_of_focus=area, name="Vehicle turnaround")
    add_value(metric, fiscal.last_completed_quarter().start, 24)
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=fiscal.today() + timedelta(days=3)
    )
    meeting.metric = metric
    return meeting


def test_department_packet_has_cover_contents_page_numbers_and_data_as_of(fleet_meeting):
    packet = packets.meeting_packet_request(meeting=fleet_meeting)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    pages = pdf_text(packet)
    assert packet.pages == len(pages) >= 3
    assert "Data as of" in pages[0]
    assert "Contents" in pages[1] and "Customer service metrics" in pages[1]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Vehicle turnaround" in "".join(pages[2:])
    assert len(packet.fingerprint) == 64 and packet.data_as_of is not None


def test_an_unchanged_department_is_not_rendered_again(fleet_meeting, monkeypatch):
    packet = packets.meeting_packet_request(meeting=fleet_meeting)
    build_everything()
    rendered = []
    real = packet_render.render_pdf
    monkeypatch.setattr(
        packet_render, "render_pdf", lambda html: rendered.append(html) or real(html)
    )
    packet.refresh_from_db()
    assert packets.packet_request(packet=packet)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready"
    # Only the cover is rendered (twice at most, for its page numbers), not the section.
    assert rendered and all("Contents" in html for html in rendered)
    add_value(fleet_meeting.metric, fiscal.last_completed_quarter().previous().start, 40)
    rendered.clear()
    assert packets.packet_request(packet=packet)
    build_everything()
    assert any("Customer service metrics" in html for html in rendered)


def test_outcomes_packet_is_one_section_per_department_in_agenda_order(db):
    for i, name in enumerate(["Water Department", "Free Library", "Streets Department"]):
        _department_with_metric(name, f"d{i}")
    packet = packets.outcomes_packet_request()
    assert run_queued("metrics.packet_build") == 1
    progress = packet_upkeep.packets_with_progress(ReviewPacket.objects.filter(pk=packet.pk)).get()
    assert (progress.sections_ready, progress.sections_total) == (0, 3)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    sections = list(packet.sections.order_by("position"))
    assert [s.department.name for s in sections] == [
        "Free Library",
        "Streets Department",
        "Water Department",
    ]
    contents = pdf_text(packet)[1]
    assert contents.index("Free Library") < contents.index("Streets") < contents.index("Water")


def test_a_failing_department_fails_the_packet_by_name_and_retry_rebuilds_only_it(db, monkeypatch):
    library, _ = _department_with_metric("Free Library", "library")
    _department_with_metric("Water Department", "water")
    packet = packets.outcomes_packet_request()
    real = packet_render.section_html

    def broken_for_library(section):
        if section.department_id == library.pk:
            raise ValueError("the chart could not be drawn")
        return real(section)

    monkeypatch.setattr(packet_render, "section_html", broken_for_library)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "failed"
    assert "Free Library" in packet.error and "the chart could not be drawn" in packet.error
    water = packet.sections.get(department__slug="water")
    assert water.status == "ready"

    monkeypatch.setattr(packet_render, "section_html", real)
    built = []
    monkeypatch.setattr(
        packets.packet_render,
        "html_fingerprint",
        lambda html, real_fp=packet_render.html_fingerprint: built.append(html) or real_fp(html),
    )
    assert packets.packet_request(packet=packet)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready"
    assert len(built) == 1 and "Free Library" in built[0]  # Water was not looked at again
    water.refresh_from_db()
    assert water.attempts == 1


def test_a_section_whose_worker_died_is_taken_over_then_failed_after_three_tries(fleet_meeting):
    packet = packets.meeting_packet_request(meeting=fleet_meeting)
    run_queued("metrics.packet_build")
    section = packet.sections.get()
    later = timezone.now()
    for attempt in range(1, 4):
        # The worker claims the section, then dies: its heartbeat stops.
        PacketSection.objects.filter(pk=section.pk).update(
            status="building", heartbeat_at=later, attempts=attempt, build_token=f"t{attempt}"
        )
        assert packet_upkeep.packets_sweep(now=later + timedelta(seconds=10))["sections"] == 0
        later += packets.LEASE + timedelta(seconds=1)
        swept = packet_upkeep.packets_sweep(now=later)
        if attempt < 3:
            assert swept["sections"] == 1
            assert PacketSection.objects.get(pk=section.pk).status == "queued"
    packet.refresh_from_db()
    assert packet.status == "failed"
    assert "Office of Fleet Management" in packet.error and "3 times" in packet.error


def test_retry_restarts_a_build_whose_worker_died(fleet_meeting):
    packet = packets.meeting_packet_request(meeting=fleet_meeting)
    run_queued("metrics.packet_build")
    section = packet.sections.get()
    dead_since = timezone.now() - packets.LEASE - timedelta(seconds=5)
    PacketSection.objects.filter(pk=section.pk).update(
        status="building", heartbeat_at=dead_since, attempts=1
    )
    assert packet_upkeep.packet_stalled(packet)
    assert packets.packet_request(packet=packet)
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready"
    # While a build is alive, Retry does nothing.
    PacketSection.objects.filter(pk=section.pk).update(
        status="building", heartbeat_at=timezone.now()
    )
    ReviewPacket.objects.filter(pk=packet.pk).update(status="building", heartbeat_at=None)
    assert not packets.packet_request(packet=packet)


def test_a_late_change_shows_the_packet_stale_and_rebuilds_it_once(
    fleet_meeting, client, analyst_fleet
):
    packet = packets.meeting_packet_request(meeting=fleet_meeting)
    build_everything()
    packet.refresh_from_db()
    built_at = packet.data_as_of
    assert packet_upkeep.packets_freshness_check() == {"marked": 0, "rebuilt": 0}

    add_value(fleet_meeting.metric, fiscal.last_completed_quarter().previous().start, 40)
    now = timezone.now()
    assert packet_upkeep.packets_freshness_check(now=now) == {"marked": 1, "rebuilt": 0}
    client.force_login(analyst_fleet)
    page = client.get(reverse("metrics:meeting_detail", args=[fleet_meeting.pk]))
    assert "Out of date" in page.content.decode()
    # Debounced: nothing is rebuilt until the changes have settled.
    assert packet_upkeep.packets_freshness_check(now=now + timedelta(minutes=1))["rebuilt"] == 0
    settled = now + packets.REBUILD_DEBOUNCE + timedelta(seconds=1)
    assert packet_upkeep.packets_freshness_check(now=settled)["rebuilt"] == 1
    assert packet_upkeep.packets_freshness_check(now=settled)["rebuilt"] == 0
    assert OutboxMessage.objects.filter(task_name="metrics.packet_build").count() == 2
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready" and packet.stale_since is None
    assert packet.data_as_of > built_at
    page = client.get(reverse("metrics:meeting_detail", args=[fleet_meeting.pk]))
    assert "Out of date" not in page.content.decode()
    assert packet_upkeep.packets_freshness_check(now=settled) == {"marked": 0, "rebuilt": 0}


def test_the_scheduler_catches_up_on_meetings_that_fell_due_and_skips_past_ones(db):
    today = fiscal.today()
    due = {}
    for days in (-1, 0, 2, 3, 4):
        dept = DepartmentFactory(slug=f"d{days + 1}")
        due[days] = PhillyStatMeetingFactory(department=dept, date=today + timedelta(days=days))
    created = packet_upkeep.packets_schedule_due(today=today)
    assert len(created) == 3
    assert set(ReviewPacket.objects.values_list("meeting__date", flat=True)) == {
        today,
        today + timedelta(days=2),
        today + timedelta(days=3),
    }
    assert packet_upkeep.packets_schedule_due(today=today) == []
    assert OutboxMessage.objects.filter(task_name="metrics.packet_build").count() == 3
