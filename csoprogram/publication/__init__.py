"""A department's public page: the CSO asks to publish (choosing metrics), the
CCSO approves, either may withdraw it; and the anonymous public pages, which
show only what a department published with an approved plan.

Top floor: reads departments, plans and metrics; writes only
DepartmentPublication (csoprogram.models).
"""
