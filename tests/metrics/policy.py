"""Access policy for every metrics page and API endpoint (see tests/policy.py)."""

from csoprogram.lib import fiscal
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    NarrativeCorrectionFactory,
    PhillyStatMeetingFactory,
    ReviewPacketFactory,
    ValueCorrectionFactory,
    add_value,
)
from tests.plans.factories import AreaOfFocusFactory, PlanFactory
from tests.policy import (
    PERSONAS,
    Rule,
    department_cso,
    department_object,
    program_page,
    same_for_all,
)

API_DENIED = 403  # DRF answers an anonymous request with 403 (no login redirect for an API)


def metric(dept, world):
    return {"pk": MetricFactory(department=dept).pk}


def meeting(dept, world):
    return {"pk": PhillyStatMeetingFactory(department=dept).pk}


def past_meeting(dept, world):
    """A meeting three days ago (it can be marked held)."""
    from datetime import timedelta

    return {
        "pk": PhillyStatMeetingFactory(department=dept, date=fiscal.today() - timedelta(days=3)).pk
    }


def draft_memo(dept, world):
    """A meeting marked held, with its follow-up memo drafted."""
    from datetime import timedelta

    from django.utils import timezone

    from metrics.phillystat.memos import follow_up_memo_draft_fields
    from metrics.phillystat.models import FollowUpMemo

    m = PhillyStatMeetingFactory(
        department=dept, date=fiscal.today() - timedelta(days=3), held_at=timezone.now()
    )
    FollowUpMemo.objects.create(meeting=m, **follow_up_memo_draft_fields(m))
    return {"pk": m.pk}


def sent_memo(dept, world):
    """A meeting whose follow-up memo was sent (its PDF stored)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from metrics.phillystat.models import FollowUpMemo

    pk = draft_memo(dept, world)["pk"]
    name = default_storage.save(f"memos/{dept.slug}/policy.pdf", ContentFile(b"%PDF-1.7 test"))
    FollowUpMemo.objects.filter(meeting_id=pk).update(
        status="sent", sent_at=timezone.now(), file=name
    )
    return {"pk": pk}


def commitment(dept, world):
    """Owned by the department's CSO persona (who marks it done)."""
    cso = department_cso(dept, world)
    return {
        "pk": CommitmentFactory(meeting=PhillyStatMeetingFactory(department=dept), owner=cso).pk
    }


def api_department(dept, world):
    return {"pk": dept.pk}


def api_plan(dept, world):
    return {
        "pk": AreaOfFocusFactory(
            plan=PlanFactory(department=dept, status="approved", with_area=False)
        ).plan_id
    }


def api_area(dept, world):
    return {
        "pk": AreaOfFocusFactory(
            plan=PlanFactory(department=dept, status="approved", with_area=False)
        ).pk
    }


def api_value(dept, world):
    m = MetricFactory(department=dept)
    return {"pk": add_value(m, fiscal.last_completed_quarter().start, 25).pk}


def packet(dept, world, *, status="ready"):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    m = PhillyStatMeetingFactory(department=dept)
    name = default_storage.save(f"packets/{dept.slug}/policy.pdf", ContentFile(b"%PDF-1.7 test"))
    p = ReviewPacketFactory(meeting=m, title="Packet", status=status, file=name)
    return {"pk": p.pk}


def failed_packet(dept, world):
    return packet(dept, world, status="failed")


def value_correction(dept, world):
    return {"pk": ValueCorrectionFactory(metric_value__metric__department=dept).pk}


def narrative_correction(dept, world):
    return {"pk": NarrativeCorrectionFactory(narrative__department=dept).pk}


OBJECTS = {
    "value_correction": value_correction,
    "narrative_correction": narrative_correction,
    "packet": packet,
    "failed_packet": failed_packet,
    "metric": metric,
    "meeting": meeting,
    "commitment": commitment,
    "past_meeting": past_meeting,
    "draft_memo": draft_memo,
    "sent_memo": sent_memo,
    "api_department": api_department,
    "api_plan": api_plan,
    "api_area": api_area,
    "api_value": api_value,
}

ALL = ("cso", "head", "analyst", "ccso", "mdo")
ANALYST = ("analyst",)
COMMITMENT_EDITORS = ("analyst", "ccso")
COMMITMENT_CLOSERS = ("cso", "analyst", "ccso")


def _metric_data(objects):
    return {
        "name": "Customer satisfaction score",
        "definition": "Average survey score, 1 to 5.",
        "unit": "score",
        "direction": "higher",
        "frequency": "quarterly",
        "rollup": "average",
        "amber_band": "0.5",
    }


def _value_data(objects):
    return {"period": fiscal.last_completed_quarter().label, "value": "22.5", "note": ""}


def _grid_data(objects):
    return {"reason": ""}


def _schedule_data(objects):
    year = fiscal.current_quarter().fiscal_year + 1
    return {"fiscal_year": year, "q1": f"{year - 1}-08-19", "q2": "", "q3": "", "q4": ""}


def _meeting_data(objects):
    return {"date": "2026-12-02", "attendees": "CSO, analyst, department head", "analyst": ""}


def _narrative_data(objects):
    return {"what_changed": "Opened a second service window.", "impediments": ""}


def _commitment_data(objects):
    # The CCSO may own any department's commitment.
    owner = objects["personas"]["ccso"].pk
    return {"what": "Report weekly queue times", "owner": owner, "due": "2027-01-15"}


def _library_data(objects):
    from metrics.models import StarterMetric

    slug = objects["department"].slug
    return {f"{slug}-starters": [StarterMetric.objects.first().pk], f"{slug}-area_of_focus": ""}


def _api_value_post(objects):
    m = MetricFactory(department=objects["department"])
    return {"metric": m.pk, "period": fiscal.last_completed_quarter().code, "value": "21"}


def _api(expect: dict) -> dict:
    return {"anonymous": API_DENIED, **expect}


def api_list(url_name):
    return Rule(url_name, _api(dict.fromkeys(PERSONAS[1:], 200)))


def api_object(url_name, obj):
    rule = department_object(url_name, obj)
    rule.expect_a["anonymous"] = rule.expect_b["anonymous"] = API_DENIED
    return rule


RULES = [
    same_for_all("metrics:metric_list"),
    same_for_all("metrics:library"),
    same_for_all("metrics:meeting_list"),
    program_page("metrics:value_import", allowed=ANALYST),
    program_page("metrics:value_import", allowed=ANALYST, method="post"),
    department_object("metrics:metric_detail", "metric"),
    department_object("metrics:metric_chart", "metric"),
    department_object("metrics:metric_sparkline", "metric"),
    department_object("metrics:metric_edit", "metric", allowed=ANALYST),
    department_object(
        "metrics:metric_edit",
        "metric",
        allowed=ANALYST,
        ok=302,
        method="post",
        data=lambda o: (
            _metric_data(o) | {"name": "Average wait time (renamed)", "change_note": "Renamed"}
        ),
    ),
    program_page("metrics:corrections", allowed=("ccso",)),
    department_object(
        "metrics:value_correction_decide",
        "value_correction",
        allowed=("ccso",),
        ok=302,
        method="post",
        data={"decision": "approve", "note": ""},
    ),
    department_object(
        "metrics:narrative_correction_decide",
        "narrative_correction",
        allowed=("ccso",),
        ok=302,
        method="post",
        data={"decision": "reject", "note": "Say it at the next meeting."},
    ),
    department_object("metrics:metric_trajectory", "metric", allowed=ANALYST),
    department_object(
        "metrics:metric_trajectory",
        "metric",
        allowed=ANALYST,
        ok=302,
        method="post",
        data={"change_note": "Interim targets agreed with the department head"},
    ),
    department_object("metrics:value_create", "metric", allowed=ANALYST),
    department_object(
        "metrics:value_create", "metric", allowed=ANALYST, ok=302, method="post", data=_value_data
    ),
    department_object("metrics:metric_create", "department", allowed=("cso", "analyst")),
    department_object(
        "metrics:metric_create",
        "department",
        allowed=("cso", "analyst"),
        ok=302,
        method="post",
        data=_metric_data,
    ),
    department_object(
        "metrics:library_copy",
        "department",
        allowed=("cso", "analyst"),
        ok=302,
        method="post",
        data=_library_data,
    ),
    department_object("metrics:value_grid", "department", allowed=ANALYST),
    department_object(
        "metrics:value_grid", "department", allowed=ANALYST, ok=302, method="post", data=_grid_data
    ),
    department_object("metrics:meeting_schedule", "department", allowed=("analyst", "ccso")),
    department_object(
        "metrics:meeting_schedule",
        "department",
        allowed=("analyst", "ccso"),
        ok=302,
        method="post",
        data=_schedule_data,
    ),
    department_object("metrics:meeting_detail", "meeting"),
    department_object("metrics:meeting_memo", "meeting"),
    department_object("metrics:meeting_memo", "draft_memo"),
    department_object("metrics:briefing_memo", "meeting"),
    department_object(
        "metrics:meeting_mark_held",
        "past_meeting",
        allowed=("analyst", "ccso"),
        ok=302,
        method="post",
    ),
    department_object("metrics:memo_edit", "draft_memo", allowed=("analyst", "ccso")),
    department_object(
        "metrics:memo_edit",
        "draft_memo",
        allowed=("analyst", "ccso"),
        ok=302,
        method="post",
        data={"attendance": "CSO, analyst", "other_notes": ""},
    ),
    department_object(
        "metrics:memo_send", "draft_memo", allowed=("analyst", "ccso"), ok=302, method="post"
    ),
    department_object("metrics:memo_pdf", "sent_memo"),
    department_object("metrics:meeting_edit", "meeting", allowed=("analyst", "ccso")),
    department_object(
        "metrics:meeting_edit",
        "meeting",
        allowed=("analyst", "ccso"),
        ok=302,
        method="post",
        data=_meeting_data,
    ),
    department_object("metrics:narrative_edit", "meeting", allowed=("cso",)),
    department_object(
        "metrics:narrative_edit",
        "meeting",
        allowed=("cso",),
        ok=302,
        method="post",
        data=_narrative_data,
    ),
    # Commitments: recorded, edited and dropped by the analyst and the CCSO;
    # marked done by their owner (the CSO here) too.
    department_object("metrics:commitment_create", "meeting", allowed=COMMITMENT_EDITORS),
    department_object(
        "metrics:commitment_create",
        "meeting",
        allowed=COMMITMENT_EDITORS,
        ok=302,
        method="post",
        data=_commitment_data,
    ),
    department_object("metrics:commitment_export", "department"),
    department_object("metrics:commitment_edit", "commitment", allowed=COMMITMENT_EDITORS),
    department_object(
        "metrics:commitment_edit",
        "commitment",
        allowed=COMMITMENT_EDITORS,
        ok=302,
        method="post",
        data=_commitment_data,
    ),
    department_object("metrics:commitment_close", "commitment", allowed=COMMITMENT_CLOSERS),
    department_object(
        "metrics:commitment_close",
        "commitment",
        allowed=COMMITMENT_CLOSERS,
        ok=302,
        method="post",
        data={"status": "done", "note": "Published."},
    ),
    department_object(
        "metrics:commitment_close",
        "commitment",
        allowed=COMMITMENT_CLOSERS,
        ok=200,
        method="post",
        data={"status": "done", "note": "Published."},
        htmx=True,
    ),
    # The API.
    Rule("api:schema", _api(dict.fromkeys(PERSONAS[1:], 200))),
    api_list("api:department-list"),
    api_list("api:plan-list"),
    api_list("api:area_of_focus-list"),
    api_list("api:metric-list"),
    api_list("api:value-list"),
    Rule(
        "api:value-list",
        _api(
            {
                "cso_fleet": 403,
                # Another department's metric answers as one that does not exist.
                "cso_streets": 404,
                "head_fleet": 403,
                "analyst_fleet": 201,
                "analyst_streets": 404,
                "ccso": 403,
                "md_office": 403,
            }
        ),
        method="post",
        data=_api_value_post,
    ),
    api_object("api:department-detail", "api_department"),
    api_object("api:plan-detail", "api_plan"),
    api_object("api:area_of_focus-detail", "api_area"),
    api_object("api:metric-detail", "metric"),
    api_object("api:value-detail", "api_value"),
    # Review packets
    department_object(
        "metrics:meeting_packet_build",
        "meeting",
        allowed=("analyst", "ccso"),
        ok=302,
        method="post",
    ),
    same_for_all("metrics:packet_list"),
    Rule(
        "metrics:outcomes_packet_build",
        dict.fromkeys(PERSONAS, 403) | {"anonymous": 302, "ccso": 302},
        method="post",
    ),
    department_object("metrics:packet_status", "packet"),
    department_object("metrics:packet_download", "packet"),
    department_object(
        "metrics:packet_retry", "failed_packet", allowed=("analyst", "ccso"), ok=302, method="post"
    ),
]
