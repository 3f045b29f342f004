import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from plans.models import CustomerServicePlan
from tests.csoprogram.factories import ProgramMeetingFactory, full_department, many_departments
from tests.metrics.factories import (
    MetricNoteFactory,
    QuarterlyNarrativeFactory,
    ReviewPacketFactory,
)
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _csv(response) -> list[list[str]]:
    """The rows of a CSV download (streamed, with a byte-order mark)."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_ccso_sees_every_department_with_stage_and_reasons_in_words(client, ccso, dept_fleet):
    full_department(dept_fleet, red=True)
    response = _get(client, ccso, reverse("csoprogram:program_review"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.department == dept_fleet)
    assert row.stage.key in ("plan_approved", "reporting")
    assert row.focus_groups_held == 2
    assert (row.internal_sessions, row.external_sessions) == (1, 1)
    assert row.metrics_defined == 2 and row.metrics_current == 2
    assert (row.green, row.red) == (1, 1)
    assert row.overdue_commitments == 1 and row.open_impediments == 1
    assert "1 metric off target" in row.flags
    assert "1 commitment overdue" in row.flags
    assert "PhillyStat meeting in 5 days, quarterly narrative not written" in row.flags
    assert "Office of Fleet Management" in response.content.decode()


def test_returned_plan_is_flagged_with_its_age(client, ccso, dept_fleet):
    p = PlanFactory(department=dept_fleet, status="changes_requested")
    CustomerServicePlan.objects.filter(pk=p.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=21, hours=1)
    )
    response = _get(client, ccso, reverse("csoprogram:program_review"))
    row = response.context["rows"][0]
    assert "plan returned 21 days ago" in row.flags


def test_approved_plan_without_values_for_last_quarter_is_flagged(client, ccso, dept_fleet):
    from tests.metrics.factories import MetricFactory

    p = PlanFactory(department=dept_fleet, status="approved")
    MetricFactory(department=dept_fleet, area_of_focus=p.areas_of_focus.first())
    response = _get(client, ccso, reverse("csoprogram:program_review"))
    quarter = fiscal.last_completed_quarter()
    assert f"no values for {quarter.label}" in response.context["rows"][0].flags


def test_mdo_never_sees_a_plan_that_was_never_submitted(client, md_office, ccso, dept_fleet):
    PlanFactory(
        department=dept_fleet, status="draft", with_area=True, mission="Secret draft mission"
    )
    row = _get(client, md_office, reverse("csoprogram:program_review")).context["rows"][0]
    assert row.plan_status is None and row.plan_status_label == "Not yet submitted"
    assert row.areas_of_focus == []
    row = _get(client, ccso, reverse("csoprogram:program_review")).context["rows"][0]
    assert row.plan_status == "draft"


def test_filters_keep_only_matching_departments(client, ccso, dept_fleet, dept_streets):
    full_department(dept_fleet, red=True)
    PlanFactory(department=dept_streets, status="draft")
    url = reverse("csoprogram:program_review")
    names = lambda r: [x.department.slug for x in r.context["rows"]]  # noqa: E731
    assert names(_get(client, ccso, url, red="on")) == ["fleet"]
    assert names(_get(client, ccso, url, overdue="on")) == ["fleet"]
    assert names(_get(client, ccso, url, stage="plan_drafting")) == ["streets"]
    assert names(_get(client, ccso, url, sort="red")) == ["fleet", "streets"]


def test_department_people_get_403_on_the_program_review(client, cso_fleet, head_fleet):
    for user in (cso_fleet, head_fleet):
        assert _get(client, user, reverse("csoprogram:program_review")).status_code == 403
        assert _get(client, user, reverse("csoprogram:program_review_csv")).status_code == 403


def test_csv_export_has_a_row_per_department_and_cannot_run_formulas(client, ccso, dept_fleet):
    full_department(dept_fleet)
    dept_fleet.name = '=HYPERLINK("http://evil")'
    dept_fleet.save()
    response = _get(client, ccso, reverse("csoprogram:program_review_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == "Department" and "Needs attention" in rows[0]
    assert rows[1][0].startswith("'=")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_program_pages_run_the_same_number_of_queries_for_10_and_100_departments(client, ccso):
    client.force_login(ccso)
    urls = [
        reverse("csoprogram:program_review"),
        reverse("csoprogram:program_review_csv"),
        reverse("csoprogram:outcomes_dashboard"),
        reverse("csoprogram:outcomes_presentation"),
        reverse("csoprogram:program_update"),
        reverse("public:index"),
    ]

    meeting = ProgramMeetingFactory(kind="program_update", agenda=many_departments(10))
    urls.append(reverse("csoprogram:meeting_detail", args=[meeting.pk]))
    at_10 = [_count_queries(client, u) for u in urls]
    for i in range(10, 100):
        d = full_department(name=f"More {i:03d}", slug=f"more-{i:03d}", red=i % 4 == 0)
        meeting.agenda.create(department=d, order=i + 1)
    at_110 = [_count_queries(client, u) for u in urls]
    assert at_10 == at_110, list(zip(urls, at_10, at_110, strict=True))


def test_column_headings_sort_and_keep_the_filters(client, ccso, dept_fleet, dept_streets):
    full_department(dept_streets, red=True)
    PlanFactory(department=dept_fleet, status="draft")
    response = _get(client, ccso, reverse("csoprogram:program_review"), stage="", sort="red")
    assert [r.department.slug for r in response.context["rows"]] == ["streets", "fleet"]
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    assert "?stage=&amp;sort=freshness" in html


def test_next_meeting_shows_whether_its_review_packet_is_ready(client, ccso, dept_fleet):
    from metrics.models import PhillyStatMeeting

    full_department(dept_fleet)
    upcoming = PhillyStatMeeting.objects.filter(date__gte=timezone.localdate()).get()
    row = _get(client, ccso, reverse("csoprogram:program_review")).context["rows"][0]
    assert row.next_meeting == upcoming and not row.packet_ready
    ReviewPacketFactory(meeting=upcoming, status="ready")
    row = _get(client, ccso, reverse("csoprogram:program_review")).context["rows"][0]
    assert row.packet_ready


def test_open_commitments_link_to_the_next_meeting_that_carries_them(client, ccso, dept_fleet):
    from metrics.models import PhillyStatMeeting
    from tests.metrics.factories import CommitmentFactory

    full_department(dept_fleet)
    upcoming = PhillyStatMeeting.objects.filter(date__gte=timezone.localdate()).get()
    earlier = PhillyStatMeeting.objects.filter(date__lt=timezone.localdate()).latest("date")
    CommitmentFactory(meeting=earlier)
    response = _get(client, ccso, reverse("csoprogram:program_review"))
    link = f'href="{upcoming.get_absolute_url()}#carried-heading"'
    assert link in response.content.decode()
    carried = client.get(upcoming.get_absolute_url()).content.decode()
    assert 'id="carried-heading"' in carried and "Publish the wait-time dashboard" in carried


def _narrative(department, *, note_on=None):
    """The last completed quarter's narrative, saying what changed; with a
    note on `note_on` (a metric) if given."""
    narrative = QuarterlyNarrativeFactory(
        department=department, what_changed="Wait times fell after the new intake desk opened."
    )
    if note_on is not None:
        MetricNoteFactory(narrative=narrative, metric=note_on)
    return narrative


def test_narrative_is_not_ready_while_a_red_value_lacks_its_note(ccso, dept_fleet):
    from csoprogram.review.selectors import program_review

    full_department(dept_fleet, red=True)
    narrative = _narrative(dept_fleet)
    row = program_review(ccso)[0]
    assert row.red == 1 and not row.narrative_ready
    assert "PhillyStat meeting in 5 days, quarterly narrative not complete" in row.flags
    red = dept_fleet.metrics.order_by("pk").first()
    MetricNoteFactory(narrative=narrative, metric=red)
    row = program_review(ccso)[0]
    assert row.narrative_ready
    assert not any("quarterly narrative" in f for f in row.flags)


def test_review_page_and_csv_say_the_narrative_is_not_complete_until_red_is_noted(
    client, ccso, dept_fleet
):
    full_department(dept_fleet, red=True)
    narrative = _narrative(dept_fleet)
    html = _get(client, ccso, reverse("csoprogram:program_review")).content.decode()
    assert "Quarterly narrative <strong>not complete</strong>" in html
    response = _get(client, ccso, reverse("csoprogram:program_review_csv"))
    header, row = _csv(response)
    assert row[header.index("Quarterly narrative ready")] == "no"

    red = dept_fleet.metrics.order_by("pk").first()
    MetricNoteFactory(narrative=narrative, metric=red)
    html = _get(client, ccso, reverse("csoprogram:program_review")).content.decode()
    assert "Quarterly narrative ready" in html
    response = _get(client, ccso, reverse("csoprogram:program_review_csv"))
    header, row = _csv(response)
    assert row[header.index("Quarterly narrative ready")] == "yes"


def test_freshness_counts_the_narrative_only_once_red_values_have_their_note(
    client, cso_fleet, dept_fleet
):
    from csoprogram.review.freshness import department_freshness

    full_department(dept_fleet, red=True)
    narrative = _narrative(dept_fleet)

    def narrative_points():
        current = department_freshness(dept_fleet)[0]
        return next(p for p in current.parts if p.label.startswith("Narrative"))

    part = narrative_points()
    assert part.points == 0 and "not complete" in part.detail
    client.force_login(cso_fleet)
    html = client.get(reverse("csoprogram:freshness", args=["fleet"])).content.decode()
    assert "write a note on every metric off target" in html

    red = dept_fleet.metrics.order_by("pk").first()
    MetricNoteFactory(narrative=narrative, metric=red)
    assert narrative_points().points == 25
    html = client.get(reverse("csoprogram:freshness", args=["fleet"])).content.decode()
    assert "not complete" not in html


def test_review_status_words_are_the_metrics_status_labels(client, ccso, dept_fleet):
    from metrics.models import Status

    full_department(dept_fleet, red=True)
    html = _get(client, ccso, reverse("csoprogram:program_review")).content.decode()
    for status in Status:
        assert f"{status.label.lower()}</span>" in html
    response = _get(client, ccso, reverse("csoprogram:program_review_csv"))
    header = _csv(response)[0]
    assert [s.label for s in Status] == [h for h in header if h in Status.labels]
