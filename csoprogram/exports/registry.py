"""Every app's export tables, in the order of the program: focus groups, the
plan, metrics and PhillyStat. Each app owns its tables (<app>/exports.py)."""

from dataclasses import dataclass

from csoprogram.lib.exports import ExportTable
from focusgroups.export import EXPORTS as FOCUS_GROUP_EXPORTS
from metrics.exports import EXPORTS as METRIC_EXPORTS
from plans.exports import EXPORTS as PLAN_EXPORTS


@dataclass(frozen=True)
class ExportSection:
    title: str
    tables: list[ExportTable]


SECTIONS = [
    ExportSection("Focus groups", FOCUS_GROUP_EXPORTS),
    ExportSection("Customer service plan and change management", PLAN_EXPORTS),
    ExportSection("Customer service metrics and PhillyStat", METRIC_EXPORTS),
]
TABLES = {t.key: t for s in SECTIONS for t in s.tables}


def export_table(key: str) -> ExportTable | None:
    return TABLES.get(key)
