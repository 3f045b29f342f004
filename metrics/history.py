"""Who changed metric and PhillyStat records, when, and what:
django-simple-history on metrics, values, meetings, narratives and their
notes, commitments and corrections. Bulk writes (the CSV import, closing a
commitment, deciding a correction) record theirs with bulk_history_create.
The metric and meeting pages' timelines and the CCSO's audit page read them."""

from simple_history import register


def register_history() -> None:
    from metrics.models import (
        Commitment,
        Metric,
        MetricNote,
        MetricValue,
        NarrativeCorrection,
        PhillyStatMeeting,
        QuarterlyNarrative,
        ValueCorrection,
    )

    for model in (
        Metric,
        MetricValue,
        PhillyStatMeeting,
        QuarterlyNarrative,
        MetricNote,
        Commitment,
        ValueCorrection,
        NarrativeCorrection,
    ):
        register(model)
