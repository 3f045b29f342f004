"""The ground floor: helpers every app may use. Imports no app of the project.

fiscal         the city's fiscal calendar (quarters, months, periods)
models         notifications and the outbox (tables of the csoprogram app)
outbox         queue Celery work after commit, survive a broker outage
notifications  the in-app bell
rules          RuleError: a program rule refused an action, with its remedy
access         object_for_user (404 outside, 403 read-only) and post_only
forms          crispy helper and how a RuleError lands on a form
spreadsheet    CSV cells and streamed CSV responses safe for spreadsheets
exports        a department's tables as streamed CSV / JSON, and streamed zips
formats        dates and times on screen ("7:41 a.m." once)
"""
