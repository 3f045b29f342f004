"""The W3C Nu HTML checker finds no error on the program's main pages.

Pages of the demo program are rendered as the person who uses them and
checked together by vnu.jar (the `vnu-jar` npm package, pinned in
tools/nu/package.json and installed by `make vnu`; it needs Java). Locally the
test is skipped when the checker or Java is missing; with CI=true it fails.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from departments.models import User
from tests.conftest import require_service

VNU_JAR = Path(settings.BASE_DIR) / "tools" / "nu" / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR = VNU_JAR / "vnu.jar"


def _pages():
    """(name, username or None, url) of every page checked."""
    from focusgroups.models import FocusGroupSession, Theme
    from metrics.models import Commitment, Metric, PhillyStatMeeting
    from plans.models import CustomerServicePlan

    fleet_plan = CustomerServicePlan.objects.filter(department__slug="fleet").latest("pk")
    streets_plan = CustomerServicePlan.objects.filter(department__slug="streets").latest("pk")
    session = FocusGroupSession.objects.filter(department__slug="fleet").first()
    held = FocusGroupSession.objects.filter(department__slug="fleet", status="held").first()
    metric = Metric.objects.filter(department__slug="fleet").first()
    meeting = PhillyStatMeeting.objects.filter(department__slug="fleet").first()
    commitment = Commitment.objects.filter(
        department__slug="fleet", status="open", owner__username="cso.fleet"
    ).first()
    # A meeting held, with its follow-up memo drafted.
    from csoprogram.lib import fiscal
    from metrics.phillystat.memos import meeting_mark_held

    held_meeting = (
        PhillyStatMeeting.objects.filter(department__slug="fleet", date__lt=fiscal.today())
        .order_by("-date")
        .first()
    )
    meeting_mark_held(user=User.objects.get(username="analyst.fleet"), meeting=held_meeting)
    theme = Theme.objects.filter(status="accepted").first()
    return [
        ("login", None, reverse("login")),
        ("public-index", None, reverse("public:index")),
        ("home-cso", "cso.fleet", reverse("home")),
        ("home-head", "head.fleet", reverse("home")),
        ("home-analyst", "analyst.fleet", reverse("home")),
        ("home-ccso", "ccso", reverse("home")),
        ("home-mdo", "mdo", reverse("home")),
        ("department", "cso.fleet", reverse("departments:detail", args=["fleet"])),
        ("plan-approved", "cso.fleet", fleet_plan.get_absolute_url()),
        ("plan-returned", "cso.streets", streets_plan.get_absolute_url()),
        ("plan-history", "ccso", reverse("plans:plan_history", args=[streets_plan.pk])),
        ("change-record", "cso.fleet", reverse("plans:change_record", args=["fleet"])),
        ("session", "cso.fleet", session.get_absolute_url()),
        ("session-held", "cso.fleet", held.get_absolute_url()),
        ("feedback-import", "cso.fleet", reverse("focusgroups:feedback_import", args=[held.pk])),
        ("theme-board", "ccso", reverse("focusgroups:theme_board")),
        ("theme-board-search", "cso.fleet", reverse("focusgroups:theme_board") + "?q=wait"),
        (
            "theme-drill-down",
            "cso.fleet",
            reverse("focusgroups:theme_board_theme", args=[theme.pk]),
        ),
        ("exports", "ccso", reverse("exports:department_exports", args=["fleet"])),
        ("plan-approve-confirm", "ccso", reverse("plans:plan_approve", args=[streets_plan.pk])),
        ("metric", "analyst.fleet", reverse("metrics:metric_detail", args=[metric.pk])),
        ("value-grid", "analyst.fleet", reverse("metrics:value_grid", args=["fleet"])),
        ("meeting", "analyst.fleet", meeting.get_absolute_url()),
        ("meeting-owner", "cso.fleet", commitment.meeting.get_absolute_url()),
        (
            "commitment-done",
            "cso.fleet",
            reverse("metrics:commitment_close", args=[commitment.pk]),
        ),
        (
            "commitment-drop",
            "analyst.fleet",
            reverse("metrics:commitment_close", args=[commitment.pk]),
        ),
        (
            "commitment-edit",
            "analyst.fleet",
            reverse("metrics:commitment_edit", args=[commitment.pk]),
        ),
        ("change-record-mdo", "mdo", reverse("plans:change_record", args=["fleet"])),
        ("meeting-held", "analyst.fleet", held_meeting.get_absolute_url()),
        ("narrative", "cso.fleet", reverse("metrics:narrative_edit", args=[meeting.pk])),
        ("briefing-memo", "cso.fleet", reverse("metrics:briefing_memo", args=[meeting.pk])),
        ("memo-not-held", "cso.fleet", reverse("metrics:meeting_memo", args=[meeting.pk])),
        ("memo-draft", "analyst.fleet", reverse("metrics:meeting_memo", args=[held_meeting.pk])),
        ("memo-edit", "analyst.fleet", reverse("metrics:memo_edit", args=[held_meeting.pk])),
        ("program-review", "ccso", reverse("csoprogram:program_review")),
        ("outcomes-dashboard", "mdo", reverse("csoprogram:outcomes_dashboard")),
        ("outcomes-presentation", "ccso", reverse("csoprogram:outcomes_presentation")),
        ("notifications", "cso.streets", reverse("notification_list")),
        ("not-found", "cso.fleet", "/no-such-page/"),
    ]


def _render_pages(directory: Path) -> list[Path]:
    files = []
    for name, username, url in _pages():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code in (200, 404), f"{name}: {url} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), name
        path = directory / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    return files


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors, as 'file:line: message' (warnings are not counted)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        + (f" [{m['extract'].strip()[:120]}]" if m.get("extract") else "")
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors or result.returncode == 0, result.stderr[-2000:]
    return errors


@pytest.mark.django_db
def test_main_pages_have_no_nu_checker_errors(tmp_path):
    require_service(
        shutil.which("java") is not None and VNU_JAR.exists(),
        "the Nu HTML checker (Java and tools/nu: run `make vnu`)",
    )
    call_command("seed_demo", verbosity=0)
    files = _render_pages(tmp_path)
    errors = nu_errors(files)
    print(f"Nu checker: {len(errors)} errors on {len(files)} pages")
    assert not errors, f"{len(errors)} error(s) on {len(files)} pages:\n" + "\n".join(errors)
