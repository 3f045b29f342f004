"""How many held focus group sessions the program asks of a department.

The one place the target is read: the stage, the stepper, the inbox and the
focus group pages all ask here.
"""

from django.conf import settings


def focus_group_target() -> int:
    """The number of held sessions a department is asked for (default 5)."""
    return settings.FOCUS_GROUP_TARGET


def focus_group_target_met(held: int) -> bool:
    return held >= focus_group_target()
