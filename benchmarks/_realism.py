"""What makes the benchmark program look like a real one (benchmarks/_seed.py
calls it inside its transaction): varied text lengths, history rows, quarterly
narratives with a note on every red value, commitments (some closed, some
overdue), value corrections, open impediments and two monthly metrics per
department with three years of monthly values.

Deterministic (a seeded random), so two runs seed the same program.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from csoprogram.lib import fiscal
from metrics.models import Metric, MetricValue, MetricVersion, PhillyStatMeeting, ValueCorrection
from metrics.phillystat.models import Commitment, MetricNote, QuarterlyNarrative
from plans.models import CustomerServicePlan, Impediment

_SENTENCES = (
    "the wait at the counter was long and nobody told us why staff were kind and "
    "helpful the form online did not save my answers the phone line rang out twice "
    "a clear letter would have saved a trip the inspector came on time and explained "
    "every step we need one contact person for a case that crosses departments"
)
WORDS = _SENTENCES.split()
MONTHS = 36


def text(rng: random.Random, low: int, high: int) -> str:
    """A sentence of low to high words (real feedback is a line or a page)."""
    n = rng.randint(low, high)
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words).capitalize() + ".") if words else ""


def vary_feedback(items, rng: random.Random) -> None:
    """Feedback of 5 to 160 words, a possible solution on a third of it."""
    for item in items:
        item.text = text(rng, 5, 160 if rng.random() < 0.1 else 40)
        item.possible_solution = text(rng, 6, 30) if rng.random() < 0.33 else ""


def vary_plans(plans, rng: random.Random) -> None:
    for plan in plans:
        plan.mission = text(rng, 12, 60)
        plan.vision = text(rng, 10, 40)
        plan.strengths = "\n".join(text(rng, 4, 14) for _ in range(rng.randint(1, 5)))
        plan.opportunities = "\n".join(text(rng, 4, 14) for _ in range(rng.randint(1, 5)))


def add(depts, users, quarters, metrics, rng: random.Random, *, prefix: str) -> dict:
    """The rest of a real program for `depts` (users: cso, analyst, head per
    department). Returns how many rows of each kind it made."""
    now = timezone.now()
    today = fiscal.today()
    made = {}
    # Two monthly metrics a department, 36 months of values.
    monthly = Metric.objects.bulk_create(
        Metric(
            department=dept,
            code=f"{prefix}{d:03d}-m{m}",
            name=f"Calls answered within {30 + 30 * m} seconds",
            definition=text(rng, 8, 40),
            unit="percent",
            direction="higher",
            frequency="monthly",
            baseline_value=Decimal(60),
            baseline_period=quarters[-1].start,
            target_value=Decimal(85),
            amber_band=Decimal(5),
        )
        for d, dept in enumerate(depts)
        for m in range(2)
    )
    MetricVersion.objects.bulk_create(
        MetricVersion(
            metric=metric,
            number=1,
            effective_from=fiscal.quarter(2000, 1).start,
            definition=metric.definition,
            unit=metric.unit,
            direction=metric.direction,
            target_value=metric.target_value,
            amber_band=metric.amber_band,
        )
        for metric in monthly
    )
    first = quarters[-1].start
    months = []
    year, month = first.year, first.month
    for _ in range(MONTHS):
        months.append(first.replace(year=year, month=month, day=1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    months = [m for m in months if m <= quarters[0].start + timedelta(days=62)]
    values = []
    for metric in monthly:
        for i, start in enumerate(months):
            v = Decimal(62 + (i * 7 + metric.pk * 3) % 30)
            status = "green" if v >= 85 else ("amber" if v >= 80 else "red")
            values.append(MetricValue(metric=metric, period_start=start, value=v, status=status))
    MetricValue.objects.bulk_create(values, batch_size=5000)
    made["monthly_values"] = len(values)

    # A note on red values (what the narrative must explain).
    red = list(
        MetricValue.objects.filter(
            metric__department__in=depts, status="red", period_start__gte=quarters[3].start
        ).only("pk", "note")
    )
    for v in red:
        v.note = text(rng, 6, 50)
    MetricValue.objects.bulk_update(red, ["note"], batch_size=5000)
    made["red_value_notes"] = len(red)

    # Quarterly narratives for the last four quarters, with a note per metric.
    narratives = QuarterlyNarrative.objects.bulk_create(
        QuarterlyNarrative(
            department=dept,
            fiscal_year=q.fiscal_year,
            quarter=q.quarter,
            what_changed=text(rng, 30, 250),
            written_by=users[d * 3],
            completed_at=now if i else None,
        )
        for d, dept in enumerate(depts)
        for i, q in enumerate(quarters[:4])
    )
    by_dept = {}
    for m in metrics:
        by_dept.setdefault(m.department_id, []).append(m)
    MetricNote.objects.bulk_create(
        MetricNote(narrative=n, metric=m, note=text(rng, 5, 60))
        for n in narratives
        for m in by_dept.get(n.department_id, [])[:4]
    )
    made["narratives"] = len(narratives)

    # Commitments at each department's meeting: one closed, two open (one overdue).
    meetings = {m.department_id: m for m in PhillyStatMeeting.objects.filter(department__in=depts)}
    commitments = Commitment.objects.bulk_create(
        Commitment(
            meeting=meetings[dept.pk],
            department=dept,
            what=text(rng, 6, 40),
            owner=users[d * 3],  # the department's CSO
            due=today + timedelta(days=(-10, 20, -40)[c]),
            status="done" if c == 2 else "open",
            closed_at=now if c == 2 else None,
            closed_by=users[d * 3] if c == 2 else None,
            closing_note=text(rng, 4, 20) if c == 2 else "",
            created_by=users[d * 3 + 1],
        )
        for d, dept in enumerate(depts)
        if dept.pk in meetings
        for c in range(3)
    )
    made["commitments"] = len(commitments)

    # Corrections: two values a department changed after they were entered.
    corrected = list(
        MetricValue.objects.filter(metric__in=metrics, period_start=quarters[1].start)
        .order_by("metric__department_id", "metric_id")
        .select_related("metric")
    )[:: max(1, len(metrics) // (2 * len(depts)))]
    ValueCorrection.objects.bulk_create(
        ValueCorrection(
            metric=v.metric,
            period_start=v.period_start,
            metric_value=v,
            old_value=v.value + 3,
            new_value=v.value,
            reason=text(rng, 5, 30),
            changed_by=users[0],
        )
        for v in corrected
    )
    made["corrections"] = len(corrected)

    Impediment.objects.bulk_create(
        Impediment(
            department=dept,
            kind=("pushback", "resources")[d % 2],
            description=text(rng, 10, 80),
            support_requested=text(rng, 0, 30),
        )
        for d, dept in enumerate(depts)
        if d % 3
    )

    # History rows, as the pages' timelines and the audit read them.
    made["history_rows"] = 0
    for model, qs in (
        (MetricValue, MetricValue.objects.filter(metric__department__in=depts)),
        (Metric, Metric.objects.filter(department__in=depts)),
        (CustomerServicePlan, CustomerServicePlan.objects.filter(department__in=depts)),
        (Commitment, Commitment.objects.filter(department__in=depts)),
    ):
        objs = list(qs)
        model.history.bulk_history_create(objs, batch_size=5000, default_date=now)
        made["history_rows"] += len(objs)
    return made
