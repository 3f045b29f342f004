"""The CCSO's program review: one row per department with what the CCSO
reviews and the reasons a row needs attention, its CSV export, and each
department's data freshness score.

Top floor: reads departments, focus groups, plans and metrics; writes nothing.
"""
