"""The page figures of `make bench`: each page for the Chief Customer Service
Officer and for a CSO, with its query count, median server time, HTML size
and the floor beside it.

The floor (`floor_ms`) is hand-written SQL that fetches exactly what the page
shows and nothing more (the rows on screen, the counts and totals it prints),
in as few statements as SQL allows, every row fetched on the bare cursor. It
is *not* the page's own SQL replayed (that would count over-fetching as
floor). A page's median over its floor is what Django, the templates and the
page's extra queries cost.

Used by benchmarks/run.py (Django set up, the size's departments active).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from departments.models import User
from metrics.models import Metric
from plans.models import CustomerServicePlan

from . import _seed

FIGURES = (
    "department_page",
    "theme_board",
    "plan_page",
    "metric_page",
    "program_review",
    "outcomes_dashboard",
    "metrics_list",
    "focus_group_list",
    "inbox",
)


@dataclass
class Subject:
    """What a persona's pages are about: the departments it sees, the one
    department (plan, metric) whose pages are timed, the person."""

    persona: str
    user: User
    dept_ids: list[int]
    dept_id: int
    plan_id: int
    metric_id: int
    slug: str


def subjects(size: int) -> list[Subject]:
    depts = list(_seed.departments(size).order_by("slug"))
    middle = depts[len(depts) // 2]
    plan = (
        CustomerServicePlan.objects.filter(department=middle)
        .order_by("-program_year")
        .values_list("pk", flat=True)
        .first()
    )
    metric = (
        Metric.objects.filter(department=middle, frequency="quarterly")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    cso = User.objects.get(username=f"{middle.slug}-cso")
    common = {"dept_id": middle.pk, "plan_id": plan, "metric_id": metric, "slug": middle.slug}
    return [
        Subject("ccso", _seed.ccso(), [d.pk for d in depts], **common),
        Subject("cso", cso, [middle.pk], **common),
    ]


def url(figure: str, s: Subject) -> str:
    return {
        "department_page": f"/departments/{s.slug}/",
        "theme_board": "/focus-groups/board/",
        "plan_page": f"/plans/{s.plan_id}/",
        "metric_page": f"/metrics/{s.metric_id}/",
        "program_review": "/program/review/",
        "outcomes_dashboard": "/program/outcomes/",
        "metrics_list": "/metrics/",
        "focus_group_list": "/focus-groups/",
        "inbox": "/inbox/",
    }[figure]


# -- The floors: what each page shows, in hand-written SQL ------------------------------

LATEST_VALUE = """
LEFT JOIN LATERAL (
    SELECT v.value, v.status, v.period_start FROM metrics_metricvalue v
    WHERE v.metric_id = m.id ORDER BY v.period_start DESC LIMIT 1
) lv ON true"""

FLOORS: dict[str, list[str]] = {
    # The department, its people, its latest plan, its metrics with their
    # latest value, its five newest sessions, next meeting and open counts.
    "department_page": [
        "SELECT id, name, short_name, slug FROM departments_department WHERE id = %(dept)s",
        """SELECT u.first_name, u.last_name, u.email, a.role
           FROM departments_departmentassignment a JOIN departments_user u ON u.id = a.user_id
           WHERE a.department_id = %(dept)s""",
        """SELECT id, status, program_year, status_changed_at FROM plans_customerserviceplan
           WHERE department_id = %(dept)s ORDER BY program_year DESC LIMIT 1""",
        f"""SELECT m.id, m.name, m.unit, m.target_value, lv.value, lv.status
           FROM metrics_metric m {LATEST_VALUE}
           WHERE m.department_id = %(dept)s AND m.active ORDER BY m.name""",
        """SELECT s.id, s.held_on, s.audience, s.status, s.participants,
                  (SELECT count(*) FROM focusgroups_feedbackitem f WHERE f.session_id = s.id)
           FROM focusgroups_focusgroupsession s WHERE s.department_id = %(dept)s
           ORDER BY s.held_on DESC LIMIT 5""",
        """SELECT (SELECT min(date) FROM metrics_phillystatmeeting
                   WHERE department_id = %(dept)s AND date >= current_date),
                  (SELECT count(*) FROM metrics_commitment
                   WHERE department_id = %(dept)s AND closed_at IS NULL),
                  (SELECT count(*) FROM plans_impediment
                   WHERE department_id = %(dept)s AND status = 'open')""",
    ],
    # Each theme's counts per sentiment and department, its three newest quotes.
    "theme_board": [
        """SELECT t.id, t.name, f.department_id, f.sentiment, count(*)
           FROM focusgroups_feedbackitem_themes ft
           JOIN focusgroups_feedbackitem f ON f.id = ft.feedbackitem_id
           JOIN focusgroups_theme t ON t.id = ft.theme_id
           WHERE f.department_id = ANY(%(depts)s) GROUP BY 1, 2, 3, 4""",
        """SELECT theme_id, text, possible_solution FROM (
             SELECT ft.theme_id, f.text, f.possible_solution, row_number() OVER (
               PARTITION BY ft.theme_id ORDER BY f.created_at DESC, f.id DESC) AS rank
             FROM focusgroups_feedbackitem_themes ft
             JOIN focusgroups_feedbackitem f ON f.id = ft.feedbackitem_id
             WHERE f.department_id = ANY(%(depts)s)) q WHERE rank <= 3""",
        "SELECT id, name FROM departments_department WHERE id = ANY(%(depts)s)",
    ],
    # The plan, its department, its areas with their themes, its comments.
    "plan_page": [
        """SELECT p.*, d.name FROM plans_customerserviceplan p
           JOIN departments_department d ON d.id = p.department_id WHERE p.id = %(plan)s""",
        """SELECT a.id, a.title, a.description, a.year, a.status, string_agg(t.name, ', ')
           FROM plans_areaoffocus a
           LEFT JOIN plans_areaoffocus_themes at ON at.areaoffocus_id = a.id
           LEFT JOIN focusgroups_theme t ON t.id = at.theme_id
           WHERE a.plan_id = %(plan)s GROUP BY a.id""",
        "SELECT * FROM plans_plancomment WHERE plan_id = %(plan)s",
    ],
    # The metric, every value with its note, its versions and corrections.
    "metric_page": [
        """SELECT m.*, d.name FROM metrics_metric m
           JOIN departments_department d ON d.id = m.department_id WHERE m.id = %(metric)s""",
        """SELECT period_start, value, status, note FROM metrics_metricvalue
           WHERE metric_id = %(metric)s ORDER BY period_start""",
        "SELECT * FROM metrics_metricversion WHERE metric_id = %(metric)s ORDER BY number",
        """SELECT period_start, old_value, new_value, reason, status, changed_at
           FROM metrics_valuecorrection WHERE metric_id = %(metric)s""",
    ],
    # The first page (50 rows by name) of every department's facts, and the
    # counts above the table over all of them.
    "program_review": [
        """SELECT count(*) FROM departments_department WHERE id = ANY(%(depts)s)""",
        f"""SELECT d.id, d.name, d.slug,
             (SELECT count(*) FROM focusgroups_focusgroupsession s
              WHERE s.department_id = d.id AND s.status = 'held'),
             (SELECT p.status FROM plans_customerserviceplan p WHERE p.department_id = d.id
              ORDER BY p.program_year DESC LIMIT 1),
             (SELECT string_agg(a.title, '; ') FROM plans_areaoffocus a
              WHERE a.department_id = d.id AND a.status IN ('active', 'progressing')),
             (SELECT count(*) FROM metrics_metric m WHERE m.department_id = d.id AND m.active),
             (SELECT json_object_agg(coalesce(st, ''), n) FROM (
                SELECT lv.status AS st, count(*) AS n FROM metrics_metric m {LATEST_VALUE}
                WHERE m.department_id = d.id AND m.active GROUP BY lv.status) c),
             (SELECT min(date) FROM metrics_phillystatmeeting pm
              WHERE pm.department_id = d.id AND pm.date >= current_date),
             (SELECT count(*) FROM metrics_commitment c
              WHERE c.department_id = d.id AND c.closed_at IS NULL),
             (SELECT count(*) FROM plans_impediment i
              WHERE i.department_id = d.id AND i.status = 'open')
           FROM departments_department d WHERE d.id = ANY(%(depts)s)
           ORDER BY d.name LIMIT 50""",
    ],
    # Program totals over every department, then ten cards: plan, areas, the
    # two top themes each way with a quote, metric lines with latest values.
    "outcomes_dashboard": [
        """SELECT count(*) FILTER (WHERE audience = 'internal'),
                  count(*) FILTER (WHERE audience = 'external'), sum(participants)
           FROM focusgroups_focusgroupsession
           WHERE department_id = ANY(%(depts)s) AND status = 'held'""",
        f"""SELECT count(lv.value), count(*) FILTER (WHERE lv.status = 'green')
           FROM metrics_metric m {LATEST_VALUE}
           WHERE m.department_id = ANY(%(depts)s) AND m.active""",
        """SELECT count(*) FILTER (WHERE status = 'approved') FROM plans_customerserviceplan
           WHERE department_id = ANY(%(depts)s)""",
        """WITH page AS (SELECT id FROM departments_department WHERE id = ANY(%(depts)s)
                         ORDER BY name LIMIT 10)
           SELECT p.department_id, p.mission, p.vision, a.title, a.year, a.status
           FROM plans_customerserviceplan p
           LEFT JOIN plans_areaoffocus a ON a.plan_id = p.id
           WHERE p.department_id IN (SELECT id FROM page) AND p.status <> 'draft'""",
        """WITH page AS (SELECT id FROM departments_department WHERE id = ANY(%(depts)s)
                         ORDER BY name LIMIT 10),
           counts AS (
             SELECT f.department_id, ft.theme_id, f.sentiment, count(*) AS n,
                    (array_agg(f.text ORDER BY f.created_at DESC))[1] AS quote
             FROM focusgroups_feedbackitem_themes ft
             JOIN focusgroups_feedbackitem f ON f.id = ft.feedbackitem_id
             WHERE f.department_id IN (SELECT id FROM page)
               AND f.sentiment IN ('positive', 'negative')
             GROUP BY 1, 2, 3)
           SELECT department_id, t.name, sentiment, n, quote FROM (
             SELECT c.*, row_number() OVER (
               PARTITION BY department_id, sentiment ORDER BY n DESC) AS rank FROM counts c) r
           JOIN focusgroups_theme t ON t.id = r.theme_id WHERE rank <= 2""",
        f"""WITH page AS (SELECT id FROM departments_department WHERE id = ANY(%(depts)s)
                          ORDER BY name LIMIT 10)
           SELECT m.department_id, m.name, m.unit, m.target_value, lv.value, lv.status
           FROM metrics_metric m {LATEST_VALUE}
           WHERE m.department_id IN (SELECT id FROM page) AND m.active""",
    ],
    # Fifteen departments' metrics with the latest value and area of focus.
    "metrics_list": [
        f"""WITH page AS (SELECT d.id, d.name FROM departments_department d
                          WHERE d.id = ANY(%(depts)s) ORDER BY d.name LIMIT 15)
           SELECT page.name, m.id, m.name, m.unit, m.target_value, a.title, lv.value, lv.status
           FROM page JOIN metrics_metric m ON m.department_id = page.id AND m.active
           LEFT JOIN plans_areaoffocus a ON a.id = m.area_of_focus_id {LATEST_VALUE}""",
    ],
    # Twenty-five departments with their sessions and each session's feedback count.
    "focus_group_list": [
        """WITH page AS (SELECT d.id, d.name, d.slug FROM departments_department d
                         WHERE d.id = ANY(%(depts)s) ORDER BY d.name LIMIT 25)
           SELECT page.name, page.slug, s.id, s.held_on, s.audience, s.status,
                  s.participants, (SELECT count(*) FROM focusgroups_feedbackitem f
                                   WHERE f.session_id = s.id)
           FROM page LEFT JOIN focusgroups_focusgroupsession s ON s.department_id = page.id""",
    ],
    # What the person must do next: plans to review (the CCSO), changes
    # requested, narratives and values due for the coming meetings, open
    # commitments of their departments.
    "inbox": [
        """SELECT p.id, d.name, p.submitted_at FROM plans_customerserviceplan p
           JOIN departments_department d ON d.id = p.department_id
           WHERE p.status = 'submitted' AND d.active AND %(program_wide)s""",
        """SELECT p.id, p.status FROM plans_customerserviceplan p
           WHERE p.status = 'changes_requested' AND p.department_id = ANY(%(own)s)""",
        """SELECT pm.id, pm.date, d.name, n.completed_at FROM metrics_phillystatmeeting pm
           JOIN departments_department d ON d.id = pm.department_id
           LEFT JOIN metrics_quarterlynarrative n ON n.department_id = pm.department_id
             AND n.fiscal_year = pm.fiscal_year AND n.quarter = pm.quarter
           WHERE pm.department_id = ANY(%(own)s) AND pm.date >= current_date""",
        """SELECT c.id, c.what, c.due FROM metrics_commitment c
           WHERE c.department_id = ANY(%(own)s) AND c.closed_at IS NULL""",
    ],
}


def floor(figure: str, s: Subject) -> float:
    """Seconds the figure's floor SQL takes, every row fetched."""
    params = {
        "dept": s.dept_id,
        "depts": s.dept_ids,
        "plan": s.plan_id,
        "metric": s.metric_id,
        "program_wide": s.persona == "ccso",
        "own": [] if s.persona == "ccso" else [s.dept_id],
    }
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        for sql in FLOORS[figure]:
            cursor.execute(sql, params)
            cursor.fetchall()
        return time.perf_counter() - t0


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def time_page(client: Client, figure: str, s: Subject, size: int, runs: int) -> dict:
    """One figure: the page RUNS times after a warm-up, its floor as often."""
    row = {"figure": figure, "departments": size, "persona": s.persona}
    address = url(figure, s)
    response = client.get(address)  # warm up: templates, connection, caches
    if response.status_code != 200:
        # A page the persona may not open (the program review is program-wide).
        return {
            **row,
            "status": response.status_code,
            "queries": None,
            "median_ms": None,
            "html_kib": None,
            "floor_ms": None,
            "peak_rss_mib": None,
        }
    times, floors, queries, size_kib = [], [], 0, 0.0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(address)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (address, response.status_code)
        queries, size_kib = len(ctx.captured_queries), len(response.content) / 1024
        floors.append(floor(figure, s))
    return {
        **row,
        "queries": queries,
        "median_ms": ms(statistics.median(times)),
        "html_kib": round(size_kib, 1),
        "floor_ms": ms(statistics.median(floors)),
        "peak_rss_mib": None,
    }


def time_pages(size: int, runs: int, emit, host: str) -> None:
    for s in subjects(size):
        client = Client(HTTP_HOST=host)
        client.force_login(s.user)
        for figure in FIGURES:
            emit(time_page(client, figure, s, size, runs))
