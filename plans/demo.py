"""Demo customer service plans for `manage.py seed_demo`: departments in
different stages — drafts, one returned with comments, one submitted and
endorsed, approved plans with a year-one area of focus, and one department
(Water) in year two. Also impediments, leader support and successes.

Plans are made through the services, so each has a real timeline. Idempotent:
a department that already has a plan is left as it is.

Puts context["plans"] (slug -> current plan) and context["areas_of_focus"]
(slug -> areas of focus of the current plan) for the metrics demo."""

import datetime

from django.utils import timezone

from csoprogram.lib.fiscal import current_program_year
from departments.models import User
from focusgroups.models import FeedbackItem, Theme

from . import areas, change_management, services
from .models import AreaOfFocus, CustomerServicePlan, Impediment, LeaderSupport, Success
from .selectors import strengths_and_opportunities_suggestion

FLEET_VISION = (
    "At the Office of Fleet Management, our vision is to deliver top quality service to our "
    "customers on time, every time."
)

# slug -> (mission, vision, area of focus title, description, theme names, stage)
PLANS = {
    "fleet": (
        "We keep the City's vehicles and equipment safe, reliable and ready, so every "
        "department can serve Philadelphians.",
        FLEET_VISION,
        "Vehicles back to departments on time",
        "Publish a promised return date for every repair and call the department when it slips.",
        ["Wait times", "Communication"],
        "approved",
    ),
    "streets": (
        "We keep Philadelphia's streets clean, safe and passable.",
        "Every block clean, every pothole known and fixed.",
        "Missed trash collection answered within a day",
        "Close the loop with residents who report a missed collection.",
        ["Follow-through", "Communication"],
        "changes_requested",
    ),
    "water": (
        "We deliver safe drinking water and manage the City's stormwater and wastewater.",
        "Customers understand their bill and trust the water that reaches them.",
        "Clear water bills",
        "Rewrite the bill and the shut-off notice in plain language.",
        ["Process clarity", "Communication"],
        "year_two",
    ),
    "li": (
        "We make buildings safe through permits, licenses and inspections.",
        "Permits that are predictable, fair and fast.",
        "A permit checklist for every common job",
        "Customers know the documents and steps before they apply.",
        ["Process clarity", "Online services"],
        "submitted",
    ),
    "library": (
        "We advance literacy and guide learning for every Philadelphian.",
        "",
        "Friendly first contact at every branch",
        "",
        ["Staff courtesy"],
        "draft",
    ),
    "parks": (
        "We steward the City's parks and recreation centers for everyone.",
        "",
        "",
        "",
        [],
        "draft",
    ),
    "records": (
        "We keep the City's records and make them available to the public.",
        "Records found in minutes, not weeks.",
        "Online requests answered within five days",
        "Track every online request from receipt to answer.",
        ["Online services", "Wait times"],
        "approved",
    ),
}

YEAR_TWO_AREA = (
    "Payment plans customers can find",
    "Offer and explain payment agreements before a shut-off notice goes out.",
    ["Accessibility", "Communication"],
)

IMPEDIMENTS = {
    "fleet": [
        (
            "resources",
            "Two of five service writers retired; repair updates to departments stall.",
            "Approval to fill one service-writer position.",
            "Managing Director's Office",
            "",
        ),
    ],
    "streets": [
        (
            "pushback",
            "Crews see the missed-collection call-backs as extra work on a full route.",
            "A word from the Commissioner at the district meetings.",
            "Commissioner",
            "",
        ),
        (
            "process",
            "Nobody owned the 311 missed-collection queue on weekends.",
            "",
            "",
            "The weekend supervisor now owns the queue.",
        ),
    ],
    "li": [
        (
            "priorities",
            "Inspection backlog work competes with checklist writing.",
            "Two afternoons a month for the CSO.",
            "Department head",
            "",
        ),
    ],
}

SUCCESSES = {
    "fleet": [("Same-day tire service at the Delaware Ave shop", 20)],
    "water": [("Plain-language bill piloted with 2,000 customers", 45)],
    "streets": [("First week with every missed collection called back", 12)],
    "records": [("Online request form live", 30)],
}


def _user(username):
    return User.objects.filter(username=username).first()


def _themes(context, names):
    known = context.get("themes") or {}
    result = []
    for name in names:
        theme = known.get(name) or Theme.objects.filter(name__iexact=name).first()
        if theme is None:
            theme = Theme.objects.create(name=name)
        result.append(theme)
    return result


def _area(plan, cso, context, title, description, theme_names, year=1, status="active"):
    themes = _themes(context, theme_names)
    items = list(
        FeedbackItem.objects.filter(department=plan.department, themes__in=themes)
        .distinct()
        .order_by("pk")[:2]
    )
    return areas.area_of_focus_add(
        plan=plan,
        user=cso,
        title=title,
        description=description,
        year=year,
        status=status,
        themes=themes,
        feedback_items=items,
    )


def _plan(department, cso, year, mission, vision):
    plan = services.plan_create(department=department, user=cso, program_year=year)
    # The CSO accepts the strengths and opportunities suggested from the
    # focus-group feedback, as the edit form offers them.
    suggestion = strengths_and_opportunities_suggestion(department=department)
    return services.plan_update(
        plan=plan, user=cso, version=plan.version, mission=mission, vision=vision, **suggestion
    )


def _seed_department(slug, department, context, year):
    mission, vision, title, description, theme_names, stage = PLANS[slug]
    cso, head, ccso = _user(f"cso.{slug}"), _user(f"head.{slug}"), context["ccso"]
    if cso is None:
        return
    if stage == "year_two":
        # Year one, approved last year, progress confirmed at PhillyStat.
        last = _plan(department, cso, year - 1, mission, vision)
        first_area = _area(last, cso, context, title, description, theme_names)
        last = services.plan_submit(plan=last, user=cso)
        services.plan_endorse(plan=last, user=head, note="Fully behind this.")
        services.plan_approve(plan=last, user=ccso, comment="A clear, realistic first year.")
        areas.area_of_focus_confirm_progress(
            area=first_area,
            user=ccso,
            note="Billing calls about confusing bills fell by a third over four quarters, "
            "shown at the PhillyStat meeting.",
        )
        plan = services.plan_create(department=department, user=cso, program_year=year)
        copied = plan.areas_of_focus.get()
        areas.area_of_focus_update(area=copied, user=cso, status="sustained")
        y2_title, y2_description, y2_themes = YEAR_TWO_AREA
        _area(plan, cso, context, y2_title, y2_description, y2_themes, year=2)
        plan = services.plan_submit(plan=plan, user=cso)
        services.plan_approve(plan=plan, user=ccso)
        return
    plan = _plan(department, cso, year, mission, vision)
    if title:
        _area(plan, cso, context, title, description, theme_names)
    if stage == "draft":
        return
    plan = services.plan_submit(plan=plan, user=cso)
    if head:
        services.plan_endorse(plan=plan, user=head)
    if stage == "changes_requested":
        services.plan_request_changes(
            plan=plan,
            user=ccso,
            field="vision",
            comment="The vision should say who your customers are: residents, block captains, "
            "and the crews who serve them.",
        )
        services.plan_comment_add(
            plan=plan,
            user=ccso,
            field="areas_of_focus",
            body="Good, realistic area of focus. Say how you will measure 'within a day'.",
        )
    elif stage == "approved":
        services.plan_approve(plan=plan, user=ccso, comment="Approved. Well grounded in feedback.")


def _seed_change_record(slug, department, context):
    cso, head = _user(f"cso.{slug}"), _user(f"head.{slug}")
    if cso is None or Impediment.objects.filter(department=department).exists():
        return
    today = timezone.localdate()
    for kind, description, support, who, resolution in IMPEDIMENTS.get(slug, []):
        impediment = change_management.impediment_create(
            department=department,
            user=cso,
            kind=kind,
            description=description,
            support_requested=support,
            who_can_help=who,
        )
        if resolution:
            change_management.impediment_resolve(
                impediment=impediment, user=cso, resolution=resolution
            )
        elif head:
            change_management.support_record(
                department=department,
                user=head,
                impediment=impediment,
                description="Raised it at the leadership meeting; the CSO has my backing.",
            )
    for title, days_ago in SUCCESSES.get(slug, []):
        if not Success.objects.filter(department=department, title=title).exists():
            change_management.success_record(
                department=department,
                user=head or cso,
                title=title,
                happened_on=today - datetime.timedelta(days=days_ago),
            )
    if slug == "fleet" and not LeaderSupport.objects.filter(department=department).exists():
        change_management.support_record(
            department=department,
            user=context["ccso"],
            description="Recognised the Fleet CSO's work at the Customer Service Week session.",
        )


def seed(context: dict) -> None:
    year = current_program_year()
    departments = context.get("departments", {})
    for slug, department in departments.items():
        if slug in PLANS and not CustomerServicePlan.objects.filter(department=department).exists():
            _seed_department(slug, department, context, year)
        if slug in IMPEDIMENTS or slug in SUCCESSES:
            _seed_change_record(slug, department, context)

    plans, areas = {}, {}
    for slug, department in departments.items():
        plan = department.plans.order_by("-program_year").first()
        if plan is None:
            continue
        plans[slug] = plan
        areas[slug] = list(AreaOfFocus.objects.filter(plan=plan).order_by("year", "pk"))
    context["plans"] = plans
    context["areas_of_focus"] = areas
