"""The owned-item providers, in the order a hand-over runs them: roles first,
so that the successor holds a department's role before its metrics, meetings
and sessions (which need that role) are handed over. A new kind of owned work
is one more provider here (see csoprogram.lib.handover)."""

from departments.roster.handover import AssignmentProvider, ProgramRoleProvider
from focusgroups.handover import FacilitatedSessionProvider
from metrics.handover import (
    MeetingAnalystProvider,
    OwnedCommitmentProvider,
    OwnedMetricProvider,
    QueuedReminderProvider,
)

PROVIDERS = (
    AssignmentProvider(),
    ProgramRoleProvider(),
    OwnedMetricProvider(),
    MeetingAnalystProvider(),
    OwnedCommitmentProvider(),
    FacilitatedSessionProvider(),
    QueuedReminderProvider(),
)
PROVIDERS_BY_KIND = {p.kind: p for p in PROVIDERS}
