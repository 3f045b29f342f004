"""Bulk feedback import: check line by line, then all or nothing; unknown
themes proposed; the same limits and safety as the metric CSV import."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from departments.models import CheckedUpload, DepartmentRole
from focusgroups import imports
from focusgroups.models import FeedbackItem, Theme
from tests.conftest import require_service
from tests.departments.factories import UserFactory, assign
from tests.focusgroups.factories import SessionFactory, ThemeFactory

pytestmark = pytest.mark.django_db
HEADER = "feedback,sentiment,audience,themes,possible solution,shared"


@pytest.fixture
def session(dept_fleet):
    return SessionFactory(department=dept_fleet, audience="external")


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def check(session, data, filename=""):
    return imports.feedback_import_check(session=session, data=data, filename=filename)


def test_a_clean_file_imports_every_item_and_proposes_the_new_themes(session, cso_fleet, themes):
    data = _csv(
        "Nobody called back about my towed car,negative,,Communication; wait TIMES,Text me,yes",
        '"The auction staff were kind, and quick",Positive,External customers,Staff courtesy,,',
        "Parking at the shop is impossible,negative,external,Parking;  parking ,Reserve spots,no",
        "Bring the tow lot online,suggestion,,Parking,,",
    )
    result = imports.feedback_import(session=session, created_by=cso_fleet, data=data)
    assert result.ok, result.errors
    assert result.new_themes == ["Parking"]
    items = list(session.feedback_items.order_by("pk"))
    assert [i.text for i in items] == [
        "Nobody called back about my towed car",
        "The auction staff were kind, and quick",
        "Parking at the shop is impossible",
        "Bring the tow lot online",
    ]
    assert [i.sentiment for i in items] == ["negative", "positive", "negative", "suggestion"]
    assert {t.name for t in items[0].themes.all()} == {"Communication", "Wait times"}
    assert items[0].possible_solution == "Text me" and items[0].shared_with_csos
    assert all(i.customer_type == "external" and i.created_by == cso_fleet for i in items)
    parking = Theme.objects.get(name="Parking")
    assert parking.status == Theme.Status.PROPOSED
    assert parking.proposed_for == session.department and parking.proposed_by == cso_fleet
    assert [t.name for t in items[2].themes.all()] == ["Parking"]
    assert [t.name for t in items[3].themes.all()] == ["Parking"]


def test_every_bad_line_is_named_and_nothing_is_imported_or_proposed(
    session, cso_fleet, themes, dept_streets
):
    ThemeFactory(name="Old news", status=Theme.Status.REJECTED)
    ThemeFactory(name="Potholes", status=Theme.Status.PROPOSED, proposed_for=dept_streets)
    data = _csv(
        "Fine line,positive,,Brand new theme,,",  # 2: fine
        ",negative,,,,",  # 3: no feedback
        "Bad sentiment,angry,,,,",  # 4
        "Bad audience,negative,aliens,,,",  # 5
        "Bad shared,negative,,,,maybe",  # 6
        "Rejected theme,negative,,Old news,,",  # 7
        "Another department's proposal,negative,,Potholes,,",  # 8
        "x" * 2001 + ",negative,,,,",  # 9
        "Too few",  # 10
    )
    result = imports.feedback_import(session=session, created_by=cso_fleet, data=data)
    reasons = dict(result.errors)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Write what the customer said" in reasons[3]
    assert "“angry” is not one of positive, negative, suggestion" in reasons[4]
    assert "“aliens” is not internal or external" in reasons[5]
    assert "“maybe” is not yes or no" in reasons[6]
    assert "rejected" in reasons[7]
    assert "waiting for a decision" in reasons[8]
    assert "longer than 2,000" in reasons[9]
    assert reasons[10] == "The line has too few columns."
    assert not FeedbackItem.objects.exists()
    assert not Theme.objects.filter(name="Brand new theme").exists()
    assert result.rows == [] and result.new_themes == []


def test_a_merged_themes_name_tags_the_theme_it_was_merged_into(session, cso_fleet, themes):
    ThemeFactory(name="Queues", status=Theme.Status.MERGED, merged_into=themes["Wait times"])
    result = imports.feedback_import(
        session=session, created_by=cso_fleet, data=_csv("Long line,negative,,queues,,")
    )
    assert result.ok and not result.new_themes
    assert [t.name for t in FeedbackItem.objects.get().themes.all()] == ["Wait times"]


@pytest.mark.parametrize("cell", ["late\x00", "bell\x07", "esc\x1b[0m", "del\x7f", "vt\x0bx"])
def test_control_characters_are_named_at_the_check_step(session, cell):
    result = check(session, _csv(f"{cell},negative,,,,", "Fine,positive,,,,"))
    assert result.errors == [(2, "The line holds a control character (such as NUL); remove it.")]


def test_the_files_limits_are_those_of_the_metric_import(session):
    assert "5 MB" in check(session, _csv() + b"x" * (5 * 1024 * 1024)).errors[0][1]
    latin1 = (HEADER + "\ncaf\xe9 queue,positive,,,,\n").encode("latin-1")
    assert "not UTF-8" in check(session, latin1).errors[0][1]
    rows = "".join(f"Item {i},positive,,,,\n" for i in range(imports.MAX_ROWS + 1))
    assert "1,000" in check(session, _csv() + rows.encode()).errors[0][1]
    assert "missing: sentiment" in check(session, b"feedback,notes\nx,y\n").errors[0][1]
    assert check(session, b"").errors == [(0, "The file is empty.")]
    assert check(session, HEADER.encode()).errors == [(0, "The file has no feedback.")]
    assert "cannot be read as an XLSX" in check(session, b"PK\x03\x04junk", "f.xlsx").errors[0][1]


def test_formula_like_cells_are_kept_as_text(session, cso_fleet):
    data = _csv('"=HYPERLINK(""http://x"")",negative,,,+1 call back,', "@SUM(A1),positive,,,,")
    result = imports.feedback_import(session=session, created_by=cso_fleet, data=data)
    assert result.ok, result.errors
    assert [i.text for i in FeedbackItem.objects.order_by("pk")] == [
        '=HYPERLINK("http://x")',
        "@SUM(A1)",
    ]


def test_a_mixed_session_needs_the_audience_of_each_item(dept_fleet):
    mixed = SessionFactory(department=dept_fleet, audience="mixed")
    result = check(mixed, _csv("No audience,negative,,,,", "Staff,negative,Internal,,,"))
    assert [line for line, _ in result.errors] == [2]
    assert "say internal or external" in result.errors[0][1]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_workbook_and_pasted_spreadsheet_rows_import_alike(session, cso_fleet, themes):
    data = _xlsx(
        [
            ["Feedback", "Sentiment", "Audience", "Themes", "Possible solution", "Shared"],
            ["Signs at the lot are clear", "positive", None, "Communication", None, True],
            [None, None, None, None, None, None],
            ["The phone tree is endless", "negative", "external", None, 42, False],
        ]
    )
    result = imports.feedback_import(
        session=session, created_by=cso_fleet, data=data, filename="notes.xlsx"
    )
    assert result.ok, result.errors
    assert [r.line for r in result.rows] == [2, 4]
    first, second = session.feedback_items.order_by("pk")
    assert first.shared_with_csos and not second.shared_with_csos
    assert second.possible_solution == "42"
    pasted = "feedback\tsentiment\tthemes\r\nCounter staff smiled\tpositive\tStaff courtesy\r\n"
    result = imports.feedback_import(session=session, created_by=cso_fleet, data=pasted.encode())
    assert result.ok, result.errors
    assert session.feedback_items.count() == 3


def test_a_damaged_workbook_is_named_not_a_server_error(session):
    """A control character cannot be written in a worksheet's XML; a workbook
    that holds one anyway (made by hand) is refused as unreadable."""
    good = _xlsx([["feedback", "sentiment"], ["badXcell", "negative"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for name in source.namelist():
            damaged.writestr(name, source.read(name).replace(b"badXcell", b"bad&#1;cell"))
    assert check(session, out.getvalue(), "f.xlsx").errors == [
        (0, "The file cannot be read as an XLSX workbook; save it again.")
    ]
    truncated = good[: len(good) // 2]
    assert "cannot be read as an XLSX" in check(session, truncated, "f.xlsx").errors[0][1]


def _token(html: str) -> str:
    return re.search(r'name="upload" value="([^"]+)"', html).group(1)


def test_the_page_previews_then_imports_and_the_items_are_on_the_session(
    client, cso_fleet, session, themes
):
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_import", kwargs={"pk": session.pk})
    assert "Import feedback from a file" in client.get(session.get_absolute_url()).content.decode()
    html = client.post(
        url, {"action": "check", "rows": "feedback,sentiment\n,positive\n"}
    ).content.decode()
    assert "Nothing was imported" in html and "Line 2:" in html
    assert not CheckedUpload.objects.exists()
    upload = SimpleUploadedFile("notes.csv", _csv("Long wait,negative,,Wait times;Lighting,,"))
    html = client.post(url, {"action": "check", "file": upload}).content.decode()
    assert "Ready to import 1 feedback item" in html and "Lighting (new)" in html
    assert "Import 1 feedback item and propose 1 theme" in html
    assert not FeedbackItem.objects.exists() and not Theme.objects.filter(name="Lighting").exists()
    kept = CheckedUpload.objects.get()
    assert (kept.owner, kept.department, kept.target_id) == (
        cso_fleet,
        session.department,
        session.pk,
    )
    response = client.post(url, {"action": "import", "upload": _token(html)})
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Imported 1 feedback item and proposed 1 theme." in page
    assert "Long wait" in page and "Lighting (proposed)" in page
    assert not CheckedUpload.objects.exists()
    # The same rows cannot be imported twice with the spent token.
    assert client.post(url, {"action": "import", "upload": _token(html)}).status_code == 404


def test_the_form_needs_a_file_or_rows(client, cso_fleet, session):
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_import", kwargs={"pk": session.pk})
    assert "Choose a file or paste rows." in client.post(url, {"action": "check"}).content.decode()


def test_checked_rows_are_only_their_owners_and_only_for_their_session(
    client, cso_fleet, session, dept_fleet
):
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_import", kwargs={"pk": session.pk})
    html = client.post(
        url, {"action": "check", "rows": "feedback,sentiment\nGood,positive\n"}
    ).content.decode()
    token = _token(html)
    other_session = SessionFactory(department=dept_fleet)
    other_url = reverse("focusgroups:feedback_import", kwargs={"pk": other_session.pk})
    assert client.post(other_url, {"action": "import", "upload": token}).status_code == 404
    colleague = assign(UserFactory(username="cso_fleet_2"), dept_fleet, DepartmentRole.CSO)
    client.force_login(colleague)
    assert client.post(url, {"action": "import", "upload": token}).status_code == 404
    assert not FeedbackItem.objects.exists()


def test_a_planned_session_takes_no_import(client, cso_fleet, dept_fleet):
    planned = SessionFactory(department=dept_fleet, status="planned")
    client.force_login(cso_fleet)
    url = reverse("focusgroups:feedback_import", kwargs={"pk": planned.pk})
    assert client.get(url).status_code == 403


def test_another_departments_session_is_404_and_the_head_is_403(
    client, cso_streets, head_fleet, session
):
    url = reverse("focusgroups:feedback_import", kwargs={"pk": session.pk})
    client.force_login(cso_streets)
    assert client.get(url).status_code == 404
    client.force_login(head_fleet)
    assert client.get(url).status_code == 403


def test_an_import_writes_in_as_many_queries_for_10_rows_as_for_200_with_history(
    session, cso_fleet, themes
):
    # SQLite splits a bulk write into batches of its variable limit; the city
    # runs on PostgreSQL, where one statement takes every row.
    require_service(connection.vendor == "postgresql", "PostgreSQL (one statement per bulk write)")

    def rows(n, start):
        return _csv(*(f"Item {start + i},negative,,Wait times;Communication,,no" for i in range(n)))

    with CaptureQueriesContext(connection) as small:
        assert imports.feedback_import(session=session, created_by=cso_fleet, data=rows(10, 0)).ok
    with CaptureQueriesContext(connection) as large:
        assert imports.feedback_import(
            session=session, created_by=cso_fleet, data=rows(200, 100)
        ).ok
    assert len(large) == len(small)
    item = session.feedback_items.get(text="Item 150")
    record = item.history.get()
    assert record.history_type == "+" and record.history_user == cso_fleet
    assert {t.theme.name for t in record.themes.all()} == {"Wait times", "Communication"}
    assert {t.name for t in item.themes.all()} == {"Wait times", "Communication"}
