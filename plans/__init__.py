"""Customer service plans: mission and vision, strengths and opportunities,
the review by the CCSO (submit, request changes, approve), areas of focus (one
in year one, a second once year one showed progress), and the
change-management record (impediments, leaders' support, successes).

Layer 3: imports focusgroups, departments and csoprogram.lib. What metrics
know (progress of an area's metrics) is recorded here by the metrics app
through plans.areas.area_of_focus_progress_record."""
