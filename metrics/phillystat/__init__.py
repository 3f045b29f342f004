"""PhillyStat, inside the metrics app: the department's quarterly meeting, the
CSO's narrative and notes on metrics, commitments made there, the reminders
before it and the review packets (PDF) for it. Same layer as metrics."""
