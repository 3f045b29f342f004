"""Seed a whole program at scale for benchmarks/run.py (Django must be set up).

One call seeds SIZE departments under the slug prefix ``bench<SIZE>-`` in one
transaction with bulk_create, and does nothing if that size is there already.
Per department: a CSO, an analyst and a head; a plan (the stages cycle: draft,
submitted, changes requested, approved) with two areas of focus; 8 quarterly
metrics with 12 quarters of values each; 5 held focus group sessions with 10
feedback items each (50); a PhillyStat meeting for the last completed quarter
14, 7, 1 or 0 days ahead (so the daily reminder scan has work for every
department); and a place on one outcomes session's agenda.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.models import ProgramMeeting, ProgramMeetingDepartment
from departments.models import Department, DepartmentAssignment, User
from departments.roles import CCSO_GROUP, ensure_program_groups
from focusgroups.models import FeedbackItem, FocusGroupSession, Theme
from metrics.models import Metric, MetricValue, MetricVersion, PhillyStatMeeting
from metrics.status import value_status
from plans.models import AreaOfFocus, CustomerServicePlan

from . import _realism

METRICS, QUARTERS, SESSIONS, FEEDBACK_PER_SESSION = 8, 12, 5, 10
STAGES = ("draft", "submitted", "changes_requested", "approved")
MEETING_OFFSETS = (14, 7, 1, 0)
THEMES = (
    "Timeliness",
    "Courtesy",
    "Clarity",
    "Accessibility",
    "Communication",
    "Online services",
    "Wait times",
    "Follow-up",
)
CCSO_USERNAME = "bench-ccso"


def quarterly_values(metrics, quarters, *, low: int, spread: int) -> list[MetricValue]:
    """Unsaved values for every metric and quarter, between low and low + spread,
    each with the status its metric's target and band give it."""
    values = []
    for metric in metrics:
        for i, q in enumerate(quarters):
            v = Decimal(low + (i * 3 + metric.pk) % spread)
            status = value_status(
                value=v,
                target=metric.target_value,
                direction=metric.direction,
                amber_band=metric.amber_band,
            )
            values.append(MetricValue(metric=metric, period_start=q.start, value=v, status=status))
    return values


def replay(statements: list[str]) -> float:
    """The raw-SQL floor of a request: its statements run on the bare cursor,
    every row fetched; returns the seconds taken."""
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
        return time.perf_counter() - t0


def prefix(size: int) -> str:
    return f"bench{size}-"


def departments(size: int):
    return Department.objects.filter(slug__startswith=prefix(size))


def activate(size: int) -> None:
    """Make this size's departments the only active ones, so every page and
    job sees exactly SIZE departments."""
    Department.objects.filter(active=True).exclude(slug__startswith=prefix(size)).update(
        active=False
    )
    departments(size).filter(active=False).update(active=True)


def ccso() -> User:
    ensure_program_groups()
    user, _ = User.objects.get_or_create(
        username=CCSO_USERNAME, defaults={"first_name": "Chief", "last_name": "Officer"}
    )
    user.groups.add(Group.objects.get(name=CCSO_GROUP))
    return user


def _quarters() -> list:
    last = fiscal.last_completed_quarter()
    quarters = [last]
    for _ in range(QUARTERS - 1):
        quarters.append(quarters[-1].previous())
    return quarters


def seed(size: int) -> bool:
    """Seed SIZE departments; False if they were there already."""
    if departments(size).count() >= size:
        return False
    chief = ccso()
    themes = [
        Theme.objects.filter(name__iexact=n).first() or Theme.objects.create(name=n) for n in THEMES
    ]
    p = prefix(size)
    quarters = _quarters()
    last = quarters[0]
    today = fiscal.today()
    now = timezone.now()
    with transaction.atomic():
        # A half-seeded size (there is none: one transaction) would be redone.
        departments(size).delete()
        User.objects.filter(username__startswith=p).delete()
        depts = Department.objects.bulk_create(
            Department(
                name=f"Benchmark {size} Department {d:03d}",
                short_name=f"B{size} {d:03d}",
                slug=f"{p}{d:03d}",
                active=False,
            )
            for d in range(size)
        )
        roles = ("cso", "analyst", "head")
        users = User.objects.bulk_create(
            User(
                username=f"{p}{d:03d}-{role}",
                email=f"{role}.{d}@bench.example",
                first_name=role.upper(),
                last_name=f"{d:03d}",
                password="!",
            )
            for d in range(size)
            for role in roles
        )
        DepartmentAssignment.objects.bulk_create(
            DepartmentAssignment(user=users[d * 3 + r], department=dept, role=role)
            for d, dept in enumerate(depts)
            for r, role in enumerate(roles)
        )
        plans = []
        for d, dept in enumerate(depts):
            stage = STAGES[d % len(STAGES)]
            plans.append(
                CustomerServicePlan(
                    department=dept,
                    program_year=last.fiscal_year,
                    status=stage,
                    ever_submitted=stage != "draft",
                    submitted_at=now if stage != "draft" else None,
                    approved_by=chief if stage == "approved" else None,
                    approved_at=now if stage == "approved" else None,
                    status_changed_at=now,
                    mission=f"Mission of department {d}: serve every customer well.",
                    vision=f"Vision of department {d}: on time, every time.",
                    strengths="Committed staff.\nClear processes.",
                    opportunities="Shorter waits.\nBetter follow-up.",
                    sustainability="Quarterly reviews with the team.",
                )
            )
        rng = random.Random(size)
        _realism.vary_plans(plans, rng)
        plans = CustomerServicePlan.objects.bulk_create(plans)
        areas = AreaOfFocus.objects.bulk_create(
            AreaOfFocus(
                plan=plan,
                department=plan.department,
                title=f"Area of focus {a + 1} of department {d}",
                description="Reduce the time customers wait.",
                year=a + 1,
            )
            for d, plan in enumerate(plans)
            for a in range(2)
        )
        AreaOfFocus.themes.through.objects.bulk_create(
            AreaOfFocus.themes.through(areaoffocus_id=area.pk, theme_id=themes[i % 8].pk)
            for i, area in enumerate(areas)
        )
        sessions = FocusGroupSession.objects.bulk_create(
            FocusGroupSession(
                department=dept,
                held_on=today - timedelta(days=30 + 60 * s),
                audience=("internal", "external")[s % 2],
                status="held",
                participants=8 + s,
                location="City Hall",
                notes="Benchmark session.",
            )
            for dept in depts
            for s in range(SESSIONS)
        )
        sentiments = ("positive", "negative", "negative", "suggestion")
        items = [
            FeedbackItem(
                session=session,
                department_id=session.department_id,
                sentiment=sentiments[i % 4],
                customer_type=session.audience,
                text=f"Feedback {i} on the service: waits were long, staff were kind.",
                possible_solution="Text customers when their turn is near." if i % 3 else "",
                shared_with_csos=i % 2 == 0,
            )
            for session in sessions
            for i in range(FEEDBACK_PER_SESSION)
        ]
        _realism.vary_feedback(items, rng)
        items = FeedbackItem.objects.bulk_create(items, batch_size=5000)
        FeedbackItem.themes.through.objects.bulk_create(
            FeedbackItem.themes.through(feedbackitem_id=item.pk, theme_id=themes[(i * 3) % 8].pk)
            for i, item in enumerate(items)
        )
        metrics = Metric.objects.bulk_create(
            Metric(
                department=dept,
                area_of_focus=areas[d * 2 + m % 2],
                code=f"{p}{d:03d}-{m}",
                name=f"Customer service metric {m}",
                definition="Median minutes from arrival to service.",
                unit="minutes",
                direction="lower",
                frequency="quarterly",
                baseline_value=Decimal(40),
                baseline_period=quarters[-1].start,
                target_value=Decimal(20),
                amber_band=Decimal(5),
            )
            for d, dept in enumerate(depts)
            for m in range(METRICS)
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
            for metric in metrics
        )
        MetricValue.objects.bulk_create(
            quarterly_values(metrics, quarters, low=14, spread=20), batch_size=5000
        )
        PhillyStatMeeting.objects.bulk_create(
            PhillyStatMeeting(
                department=dept,
                fiscal_year=last.fiscal_year,
                quarter=last.quarter,
                date=today + timedelta(days=MEETING_OFFSETS[d % len(MEETING_OFFSETS)]),
                analyst=users[d * 3 + 1],
                scheduled_by=chief,
            )
            for d, dept in enumerate(depts)
        )
        meeting = ProgramMeeting.objects.create(
            kind="outcomes_session",
            title=f"Benchmark outcomes session ({size} departments)",
            date=today + timedelta(days=30),
            created_by=chief,
        )
        ProgramMeetingDepartment.objects.bulk_create(
            ProgramMeetingDepartment(meeting=meeting, department=dept, order=size - d)
            for d, dept in enumerate(depts)
        )
        _realism.add(depts, users, quarters, metrics, rng, prefix=p)
    return True


def counts(size: int) -> dict:
    q = Q(department__slug__startswith=prefix(size))
    return {
        "departments": departments(size).count(),
        "metric_values": MetricValue.objects.filter(
            metric__department__slug__startswith=prefix(size)
        ).count(),
        "feedback_items": FeedbackItem.objects.filter(q).count(),
        "sessions": FocusGroupSession.objects.filter(q).count(),
        "plans": CustomerServicePlan.objects.filter(q).count(),
    }
