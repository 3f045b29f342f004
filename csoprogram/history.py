"""Who changed the program's own records, when, and what: publications of a
department's public page and program meetings with their action items."""

from simple_history import register


def register_history() -> None:
    from csoprogram.models import DepartmentPublication, ProgramActionItem, ProgramMeeting

    register(DepartmentPublication, m2m_fields=["metrics"])
    register(ProgramMeeting)
    register(ProgramActionItem)
