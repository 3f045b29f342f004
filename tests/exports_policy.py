"""Access policy of a department's exports (csoprogram/exports): the page and
each table for everyone who may see the department (404 for other
departments), the archive for the CCSO only."""

from tests.policy import department_object

READERS = ("cso", "head", "analyst", "ccso", "mdo")


def _department(dept, world):
    return {"slug": dept.slug}


def _table(key, fmt):
    return lambda dept, world: {"slug": dept.slug, "key": key, "fmt": fmt}


OBJECTS = {
    "export_department": _department,
    "export_plans_csv": _table("plans", "csv"),
    "export_feedback_json": _table("feedback", "json"),
    "export_unknown": _table("no-such-table", "csv"),
    "export_unknown_format": _table("plans", "xml"),
}

RULES = [
    department_object("exports:department_exports", "export_department", allowed=READERS),
    department_object("exports:download", "export_plans_csv", allowed=READERS),
    department_object("exports:download", "export_feedback_json", allowed=READERS),
    department_object("exports:download", "export_unknown", allowed=READERS, ok=404),
    department_object("exports:download", "export_unknown_format", allowed=READERS, ok=404),
    department_object("exports:archive", "export_department", allowed=("ccso",)),
]
