"""Demo program meetings: last Customer Service Week's outcomes session with
every department presenting, an upcoming program update, and the Office of
Fleet Management's public page. Idempotent (seeded once, found afterwards).
Runs after the other apps' demo modules (see the seed_demo command)."""

import datetime

from django.utils import timezone

from departments.models import Department
from metrics.models import Metric
from plans.selectors import plans_approved

from .models import (
    DepartmentPublication,
    ProgramActionItem,
    ProgramMeeting,
    ProgramMeetingDepartment,
)

# Reporting departments open the session; those still drafting close it.
OUTCOMES_ORDER = ["fleet", "records", "water", "li", "streets", "library", "parks", "philly311"]


def _customer_service_week(year: int) -> datetime.date:
    """Customer Service Week is the first full week of October: its Monday."""
    day = datetime.date(year, 10, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def seed(context: dict) -> None:
    today = timezone.localdate()
    year = today.year if today >= _customer_service_week(today.year) else today.year - 1
    ccso = context.get("ccso")
    by_slug = {d.slug: d for d in Department.objects.filter(active=True)}
    ordered = [by_slug[s] for s in OUTCOMES_ORDER if s in by_slug]
    ordered += [d for s, d in sorted(by_slug.items()) if s not in OUTCOMES_ORDER]

    session, created = ProgramMeeting.objects.get_or_create(
        kind=ProgramMeeting.Kind.OUTCOMES_SESSION,
        date=_customer_service_week(year) + datetime.timedelta(days=2),
        defaults={
            "title": f"Outcomes session, Customer Service Week {year}",
            "attendees": "Managing Director\nDeputy Managing Directors\nDepartment heads\n"
            "Chief Customer Service Officer\nCustomer Service Officers",
            "notes": "Each Customer Service Officer presented mission and vision, what "
            "customers said, the area of focus and its customer service metrics.",
            "created_by": ccso,
        },
    )
    if created:
        for order, department in enumerate(ordered, start=1):
            ProgramMeetingDepartment.objects.create(
                meeting=session, department=department, order=order
            )
        ProgramActionItem.objects.create(
            meeting=session,
            what="Share the Office of Fleet Management's wait-time board with the other CSOs.",
            owner="Chief Customer Service Officer",
            due=session.date + datetime.timedelta(days=30),
        )
        if "streets" in by_slug:
            ProgramActionItem.objects.create(
                meeting=session,
                department=by_slug["streets"],
                what="Resubmit the customer service plan with the reviewer's changes.",
                owner="Streets Department CSO",
                due=session.date + datetime.timedelta(days=45),
            )

    update, created = ProgramMeeting.objects.get_or_create(
        kind=ProgramMeeting.Kind.PROGRAM_UPDATE,
        date=today + datetime.timedelta(days=21),
        defaults={
            "title": "Program update: change management",
            "attendees": "Managing Director's Office\nDepartment heads\nCustomer Service Officers",
            "created_by": ccso,
        },
    )
    if created:
        for order, department in enumerate(sorted(ordered, key=lambda d: d.name), start=1):
            ProgramMeetingDepartment.objects.create(
                meeting=update, department=department, order=order
            )

    fleet = by_slug.get("fleet")
    if fleet and plans_approved().filter(department=fleet).exists():
        publication, created = DepartmentPublication.objects.get_or_create(
            department=fleet,
            defaults={
                "status": DepartmentPublication.Status.PUBLISHED,
                "requested_at": timezone.now(),
                "approved_by": ccso,
                "approved_at": timezone.now(),
            },
        )
        if created:
            publication.metrics.set(Metric.objects.filter(department=fleet, active=True))
