"""Program meetings run by the CCSO with the Managing Director's Office:
outcomes sessions and program updates (attendees, the departments presenting
in agenda order, action items), and the program update page (each
department's stage, open impediments, leaders' support and recent successes).

Top floor: reads every app; writes only its own records (csoprogram.models).
"""
