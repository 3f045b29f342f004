"""A department's exports in Chromium: the page passes axe for each persona
who may see it; every table downloads (CSV parsed with the csv module, JSON
with json); another department's CSO gets 404; the CCSO downloads the archive."""

import csv
import io
import json
import zipfile

import pytest

from csoprogram.exports.registry import TABLES
from tests.csoprogram.factories import full_department

pytestmark = pytest.mark.browser


@pytest.fixture
def fleet(transactional_db, dept_fleet):
    return full_department(dept_fleet)


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("persona", ["cso_fleet", "head_fleet", "analyst_fleet", "md_office"])
def test_every_table_downloads_and_parses(
    page, login_as, request, persona, fleet, assert_accessible
):
    login_as(page, request.getfixturevalue(persona))
    page.goto("/departments/fleet/")
    with page.expect_navigation():
        page.get_by_role("link", name="Exports (CSV and JSON)").click()
    assert page.get_by_role("heading", name="Exports", level=1).is_visible()
    assert_accessible(page, f"exports-{persona}-1280")
    assert page.get_by_role("link", name="Download the department archive (.zip)").count() == 0
    # The first table through the browser's download; Chromium holds back a
    # page's many automatic downloads, so the others through its request API
    # (the same session, the same link).
    first = TABLES["feedback"]
    data = _download(page, page.get_by_role("link", name=f"CSV of {first.title.lower()}"))
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[0] == first.header()
    for key, table in TABLES.items():
        name = table.title.lower()
        for fmt in ("csv", "json"):
            link = page.get_by_role("link", name=f"{fmt.upper()} of {name}", exact=True)
            response = page.request.get(link.get_attribute("href"))
            assert response.status == 200, key
            assert response.headers["content-disposition"].startswith("attachment;")
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
                assert rows[0] == table.header(), key
            else:
                assert isinstance(json.loads(response.body()), list), key


def test_another_departments_cso_gets_404(page, login_as, cso_streets, fleet):
    login_as(page, cso_streets)
    assert page.goto("/departments/fleet/exports/").status == 404
    assert page.goto("/departments/fleet/exports/plans.csv").status == 404


@pytest.mark.parametrize("width", [1280, 375])
def test_the_ccso_downloads_the_department_archive(
    page, login_as, ccso, fleet, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, ccso)
    page.goto("/departments/fleet/exports/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"exports-ccso-{width}")
    link = page.get_by_role("link", name="Download the department archive (.zip)")
    archive = zipfile.ZipFile(io.BytesIO(_download(page, link)))
    assert {f"{key}.csv" for key in TABLES} <= set(archive.namelist())
    assert json.loads(archive.read("metric-values.json"))
