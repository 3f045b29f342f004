"""Demo customer service metrics, values, PhillyStat meetings, narratives and
commitments for every approved area of focus. Idempotent: values are computed,
not random, so a second run finds everything in place and changes nothing."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.test.utils import override_settings

from csoprogram.lib import fiscal
from departments.models import DepartmentRole, User
from plans.models import AreaOfFocus

from . import services
from .models import (
    Commitment,
    CommitmentStatus,
    CorrectionStatus,
    Metric,
    PhillyStatMeeting,
    QuarterlyNarrative,
    Status,
    ValueCorrection,
)
from .phillystat import commitments
from .phillystat import services as phillystat_services

# name, definition, unit, direction, frequency, baseline, target, amber band, data source
TEMPLATES = [
    (
        "Average wait time",
        "Average minutes from a customer's arrival or call until they are served.",
        "minutes",
        "lower",
        "monthly",
        "32",
        "20",
        "4",
        "Queue management system",
    ),
    (
        "First-contact resolution",
        "Share of requests resolved at the first contact, without a transfer or call-back.",
        "percent",
        "higher",
        "monthly",
        "62",
        "80",
        "5",
        "Case management system",
    ),
    (
        "On-time completion",
        "Share of service requests completed within the promised service level.",
        "percent",
        "higher",
        "quarterly",
        "71",
        "90",
        "5",
        "Work order system",
    ),
    (
        "Customer satisfaction score",
        "Average score (1 to 5) in the post-service survey.",
        "score",
        "higher",
        "quarterly",
        "3.4",
        "4.2",
        "0.3",
        "Customer survey",
    ),
    (
        "Follow-up within 3 days",
        "Share of customers who heard back within three working days of their request.",
        "percent",
        "higher",
        "monthly",
        "55",
        "85",
        "10",
        "Case management system",
    ),
]

# Where each metric ends up after six quarters, as a share of its amber band
# short of the target: below 0 is green, up to 1 amber, above 1 red.
FINAL_GAP = [Decimal("-0.2"), Decimal("0.6"), Decimal("2.5"), Decimal("0.3")]
QUARTERS = 6
ATTENDEES = "CSO, department head, PhillyStat analyst, Chief Customer Service Officer"


def _areas(context):
    areas = context.get("areas_of_focus")
    if isinstance(areas, dict):  # plans.demo: slug -> areas of the current plan
        areas = [a for slug in sorted(areas) for a in areas[slug]]
    if areas:
        return [a for a in areas if a.plan.status == "approved"]
    return list(
        AreaOfFocus.objects.filter(plan__status="approved")
        .select_related("plan", "department")
        .order_by("department__name", "year", "pk")
    )


def _analyst(department):
    return (
        User.objects.filter(
            assignments__department=department, assignments__role=DepartmentRole.ANALYST
        )
        .order_by("pk")
        .first()
    )


def _cso(department):
    return (
        User.objects.filter(
            assignments__department=department, assignments__role=DepartmentRole.CSO
        )
        .order_by("pk")
        .first()
    )


def _series(metric, k: int, periods: list) -> list[tuple[datetime.date, Decimal]]:
    """Values moving from the baseline toward (or short of) the target."""
    sign = 1 if metric.direction == "higher" else -1
    # From the first version's target, so a target changed later (the demo
    # changes one mid-year) leaves the series as it was: seeding stays idempotent.
    first = metric.versions.order_by("number").first()
    target = first.target_value if first and first.target_value is not None else metric.target_value
    final = target - sign * FINAL_GAP[k % len(FINAL_GAP)] * metric.amber_band
    places = Decimal("0.01") if metric.unit == "score" else Decimal("0.1")
    n = len(periods)
    result = []
    for i, start in enumerate(periods):
        # Most of the movement happens in the first year, as a plan takes hold.
        share = min(Decimal(1), Decimal(i + 1) / (Decimal(n) * Decimal("0.6")))
        wiggle = Decimal(((i * 37 + k * 11) % 5) - 2) / Decimal(10) * metric.amber_band
        value = metric.baseline_value + (final - metric.baseline_value) * share
        if i < n - 1:
            value += wiggle
        result.append((start, value.quantize(places)))
    return result


def _metric(area, template, analyst, first_quarter) -> Metric:
    name, definition, unit, direction, frequency, baseline, target, band, source = template
    existing = Metric.objects.filter(department=area.department, name=name).first()
    if existing:
        return existing
    return services.metric_create(
        user=analyst,
        department=area.department,
        data={
            "name": name,
            "area_of_focus": area,
            "definition": definition,
            "unit": unit,
            "direction": direction,
            "frequency": frequency,
            "rollup": "average",
            "baseline_value": Decimal(baseline),
            "baseline_period": first_quarter.previous().start,
            "target_value": Decimal(target),
            "target_period": first_quarter.start.replace(year=first_quarter.start.year + 3),
            "amber_band": Decimal(band),
            "data_source": source,
            "owner": analyst,
        },
    )


def _meeting_date(quarter: fiscal.Quarter) -> datetime.date:
    day = quarter.next().start + datetime.timedelta(days=14)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


@contextmanager
def _quarters_open():
    """The demo's past was entered while its quarters were open: seed it with
    the reporting calendar's windows open (metrics.locks), then show the lock."""
    with override_settings(METRIC_VALUES_GRACE_DAYS=100 * 365, NARRATIVE_GRACE_DAYS=100 * 365):
        yield


def seed(context: dict) -> None:
    with _quarters_open():
        by_department = _seed_history(context)
    _seed_data_trust(by_department)
    _stale_packet(context, fiscal.today())


def _missing_month_department(areas):
    """The department whose PhillyStat meeting is a week ahead (reminders go
    out): one of its monthly metrics misses the quarter's last month."""
    ordered = sorted(
        {a.department for a in areas if _analyst(a.department)},
        key=lambda d: (d.slug != "fleet", d.name),
    )
    return ordered[2] if len(ordered) > 2 else None


def _seed_history(context: dict) -> dict:
    today = fiscal.today()
    last = fiscal.last_completed_quarter()
    quarters = [last]
    for _ in range(QUARTERS - 1):
        quarters.insert(0, quarters[0].previous())
    first_quarter = quarters[0]
    ccso = context.get("ccso")

    by_department: dict = {}
    areas = _areas(context)
    partial = _missing_month_department(areas)
    partial_metric = None
    for index, area in enumerate(areas):
        analyst = _analyst(area.department)
        if analyst is None:
            continue
        count = 2 + (index % 3)  # two to four metrics per area of focus
        start = index % len(TEMPLATES)
        templates = [TEMPLATES[(start + j) % len(TEMPLATES)] for j in range(count)]
        for k, template in enumerate(templates):
            metric = _metric(area, template, analyst, first_quarter)
            if metric.area_of_focus_id != area.pk:
                continue  # the department's other area already has this metric
            if metric.frequency == fiscal.MONTHLY:
                periods = [m.start for q in quarters for m in q.months()]
            else:
                periods = [q.start for q in quarters]
            series = _series(metric, k, periods)
            monthly_of_partial = area.department == partial and metric.frequency == fiscal.MONTHLY
            if monthly_of_partial and partial_metric in (None, metric):
                partial_metric = metric
                series = series[:-1]  # the quarter's last month is missing
            for start_day, value in series:
                services.value_record(
                    user=analyst, metric=metric, period_start=start_day, value=value
                )
            by_department.setdefault(area.department, []).append(metric)

    for d_index, (department, metrics) in enumerate(
        sorted(by_department.items(), key=lambda x: (x[0].slug != "fleet", x[0].name))
    ):
        analyst, cso = _analyst(department), _cso(department)
        if d_index == 0 and metrics[0].version == 1:
            # Show a versioned definition whose target changed mid-year:
            # counted from check-in and held to a tighter target from two
            # quarters ago; the quarters before keep the old target.
            m = metrics[0]
            sign = 1 if m.direction == "higher" else -1
            services.metric_update(
                user=analyst,
                metric=m,
                data={
                    "definition": m.definition + " Counted from check-in, not arrival.",
                    "target_value": m.target_value + sign * m.amber_band,
                },
                effective_from=quarters[-2],
                change_note="Check-in kiosks now timestamp every visit; the target was "
                "tightened with the department head mid-year.",
            )
        meetings = []
        for q in [*quarters, last.next()]:
            meeting_day = _meeting_date(q)
            if q == last and d_index == 0:
                # Three days ahead: the worker builds its review packet unasked.
                meeting_day = today + datetime.timedelta(days=3)
            elif q == last and d_index == 2:
                # A week ahead with the narrative still missing: reminders go out.
                meeting_day = today + datetime.timedelta(days=7)
            elif q == last and d_index == 1:
                meeting_day = today + datetime.timedelta(days=9)
            meeting, _ = PhillyStatMeeting.objects.get_or_create(
                department=department,
                fiscal_year=q.fiscal_year,
                quarter=q.quarter,
                defaults={
                    "date": meeting_day,
                    "analyst": analyst,
                    "attendees": ATTENDEES,
                    "scheduled_by": ccso or analyst,
                },
            )
            meetings.append(meeting)
            # Narratives for every reviewed quarter, except the last one of every
            # third department (so the stages differ).
            if q == last.next() or (q == last and d_index % 3 == 2) or cso is None:
                continue
            if not QuarterlyNarrative.objects.filter(
                department=department, fiscal_year=q.fiscal_year, quarter=q.quarter
            ).exists():
                report_notes = {}
                for m in metrics:
                    if m.values.filter(
                        period_start__gte=q.start, period_start__lte=q.end, status=Status.RED
                    ).exists():
                        report_notes[m.pk] = (
                            f"{m.name} is behind: staffing gaps during {q.label}; "
                            "a recovery plan is in the commitments."
                        )
                narrative = phillystat_services.narrative_save(
                    user=cso,
                    department=department,
                    quarter=q,
                    what_changed=(
                        "Extended counter hours and published service levels on the "
                        f"department's web page in {q.label}."
                    ),
                    notes=report_notes,
                    # Raised with the latest narrative: an impediment record of the
                    # department, listed by the narrative, the packet and the memos.
                    new_impediment={
                        "kind": "resources",
                        "description": "Two vacancies at the front desk; "
                        "the case system upgrade slipped.",
                        "support_requested": "Approval to fill the two vacancies.",
                    }
                    if q == last and d_index % 2
                    else None,
                )
                # Written before the meeting, as a department that reports does.
                QuarterlyNarrative.objects.filter(pk=narrative.pk).update(
                    completed_at=datetime.datetime.combine(
                        min(meeting.date, today) - datetime.timedelta(days=2),
                        datetime.time(16),
                        tzinfo=datetime.UTC,
                    )
                )
        _seed_commitments(department, d_index, [m for m in meetings if m.date < today], today)
    return by_department


def _seed_commitments(department, d_index: int, past_meetings: list, today) -> None:
    """Two commitments per past meeting, owned by the analyst and the CSO:
    those of older meetings are done; of the meeting before last, the CSO's is
    overdue in every other department (a week and more: the CCSO is told); of
    the last meeting, the analyst's is due in two days and the CSO's in a month."""
    analyst, cso = _analyst(department), _cso(department)
    if analyst is None:
        return
    cso = cso or analyst
    day = datetime.timedelta(days=1)
    for index, meeting in enumerate(past_meetings):
        if meeting.commitments.exists():
            continue
        q = meeting.fiscal_quarter
        from_last = len(past_meetings) - 1 - index  # 0: the last meeting
        dues = {
            0: (today + 2 * day, today + 30 * day),
            1: (meeting.date + 30 * day, today - 10 * day),
        }.get(from_last, (meeting.date + 30 * day, meeting.date + 60 * day))
        made = [
            commitments.commitment_create(
                user=analyst,
                meeting=meeting,
                what=f"Report weekly wait times to the CSO until the {q.next().label} meeting",
                owner=analyst,
                due=dues[0],
            ),
            commitments.commitment_create(
                user=analyst,
                meeting=meeting,
                what="Train two more staff on first-contact resolution",
                owner=cso,
                due=dues[1],
            ),
        ]
        if from_last == 0:
            continue
        done = made if from_last > 1 or d_index % 2 else made[:1]
        for c in done:
            Commitment.objects.filter(pk=c.pk, status=CommitmentStatus.OPEN).update(
                status=CommitmentStatus.DONE,
                closing_note="Done; the report is on the department's shared drive.",
                closed_at=datetime.datetime.combine(
                    min(c.due, today), datetime.time(12), tzinfo=datetime.UTC
                ),
                closed_by=c.owner,
            )


def _seed_data_trust(by_department: dict) -> None:
    """What the reporting calendar shows, seeded with the windows closed: a
    correction to a locked quarter waiting for the CCSO's approval (Fleet) and
    an interim target set by hand on the trajectory."""
    fleet = next((d for d in by_department if d.slug == "fleet"), None)
    if fleet is None:
        return
    analyst = _analyst(fleet)
    metrics = sorted(by_department[fleet], key=lambda m: m.frequency != fiscal.QUARTERLY)
    if not metrics or analyst is None:
        return
    metric = metrics[-1]  # not the one whose definition changed
    locked = fiscal.last_completed_quarter().previous()
    period = locked.start if metric.frequency == fiscal.QUARTERLY else locked.months()[-1].start
    if not ValueCorrection.objects.filter(metric=metric, status=CorrectionStatus.PENDING).exists():
        current = metric.values.filter(period_start=period).first()
        if current is not None:
            services.value_record(
                user=analyst,
                metric=metric,
                period_start=period,
                value=current.value + metric.amber_band / 2,
                reason="The vendor re-ran the work-order report: eleven requests closed "
                "on the last day of the quarter were missing.",
            )
    if not metric.interim_targets:
        nxt = fiscal.current_quarter().next()
        services.metric_update(
            user=analyst,
            metric=metric,
            data={"interim_targets": {nxt.code: metric.target_value}},
            effective_from=fiscal.current_quarter(),
            change_note=f"The new work-order system goes live in {nxt.label}: the target "
            "is expected then, not only at the end of the plan.",
        )


def _stale_packet(context, today) -> None:
    """Fleet's meeting three days ahead: its review packet, built, then made out of
    date by a late change, so the meeting page shows "Out of date" and the worker
    rebuilds it a few minutes later (beat's freshness check)."""
    from .models import ReviewPacket
    from .phillystat import packet_upkeep, packets

    meeting = (
        PhillyStatMeeting.objects.filter(
            department__slug="fleet", date=today + datetime.timedelta(days=3)
        )
        .select_related("department")
        .first()
    )
    if meeting is None or ReviewPacket.objects.filter(meeting=meeting).exists():
        return
    packet = packets.meeting_packet_request(meeting=meeting)
    # Built here, as the worker would (seed_demo runs before the worker starts).
    packets.packet_build_in_process(packet_id=packet.pk)
    # A late change: the CSO adds a sentence to the quarterly narrative.
    narrative = (
        QuarterlyNarrative.objects.filter(
            department=meeting.department,
            fiscal_year=meeting.fiscal_year,
            quarter=meeting.quarter,
        )
        .prefetch_related("metric_notes")
        .first()
    )
    cso = _cso(meeting.department)
    if narrative is None or cso is None:
        return
    phillystat_services.narrative_save(
        user=cso,
        department=meeting.department,
        quarter=meeting.fiscal_quarter,
        what_changed=narrative.what_changed
        + " Late addition: the second service bay reopened this week.",
        notes={n.metric_id: n.note for n in narrative.metric_notes.all()},
    )
    packet_upkeep.packets_freshness_check()
