"""What a person owns in focus groups, for the hand-over (csoprogram.handover):
the planned sessions they are to facilitate. The successor must be a CSO of
the session's department (the session rule, focusgroups.services)."""

from __future__ import annotations

from collections import defaultdict

from csoprogram.lib.handover import OwnedItem
from csoprogram.lib.timeline import history_user

from .models import FocusGroupSession
from .services import session_update


class FacilitatedSessionProvider:
    kind = "focus_group_session"
    heading = "Focus group sessions to facilitate"

    def _planned(self):
        return FocusGroupSession.objects.filter(status=FocusGroupSession.Status.PLANNED)

    def owned(self, user_ids):
        result = defaultdict(list)
        for s in (
            self._planned()
            .filter(facilitator_id__in=user_ids)
            .select_related("department")
            .order_by("held_on", "pk")
        ):
            result[s.facilitator_id].append(
                OwnedItem(
                    self.kind,
                    s.pk,
                    f"{s}, {s.department.display_name}",
                    department_id=s.department_id,
                    url=s.get_absolute_url(),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        sessions = list(
            self._planned().filter(facilitator=person, pk__in=pks).select_related("department")
        )
        with history_user(actor):
            for session in sessions:
                session_update(session=session, facilitator=successor)
        return len(sessions)
