"""The outcomes-session dashboard and its presentation mode: program totals,
then one card per department in the order of the session's agenda (mission
and vision, strengths and opportunities, area of focus, customer service
metrics). Both pages read the same selector and the same card template.

Top floor: reads departments, focus groups, plans and metrics; writes nothing.
"""
