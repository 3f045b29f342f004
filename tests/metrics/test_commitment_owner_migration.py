"""The data migration that makes a commitment's free-text owner a person:
a name that matches one user is that user; a role named in the text is the
department's person in that role (the CCSO for "CCSO"); anything else goes to
the department's CSO, and the text is kept on the commitment. Closed ones are
done."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("metrics", "0012_follow_up_memo_and_narrative_impediments")]
AFTER = [("metrics", "0013_commitments_owned_by_people")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_free_text_owners_become_people_and_nothing_is_lost():
    """Every migration is applied again at the end, whatever happens: the
    later tests of this worker need them."""
    try:
        apps = _migrate(BEFORE)
        Department = apps.get_model("departments", "Department")
        User = apps.get_model("departments", "User")
        Assignment = apps.get_model("departments", "DepartmentAssignment")
        Group = apps.get_model("auth", "Group")
        Meeting = apps.get_model("metrics", "PhillyStatMeeting")
        Commitment = apps.get_model("metrics", "Commitment")
        dept = Department.objects.create(name="Office of Fleet Management", slug="fleet-m")
        cso = User.objects.create(username="m.cso", first_name="Jane", last_name="Doe")
        analyst = User.objects.create(username="m.analyst", first_name="Al", last_name="Yst")
        ccso = User.objects.create(username="m.ccso", first_name="Rosetta", last_name="Lue")
        ccso.groups.add(Group.objects.get_or_create(name="Chief Customer Service Officer")[0])
        # Two people share a name: that name is not guessed.
        User.objects.create(username="m.twin1", first_name="Sam", last_name="Twin")
        User.objects.create(username="m.twin2", first_name="Sam", last_name="Twin")
        Assignment.objects.create(user=cso, department=dept, role="cso")
        Assignment.objects.create(user=analyst, department=dept, role="analyst")
        meeting = Meeting.objects.create(
            department=dept, fiscal_year=2026, quarter=1, date=datetime.date(2025, 9, 1)
        )
        texts = {
            "jane doe": None,
            "PhillyStat analyst": None,
            "CCSO": None,
            "Sam Twin": None,
            "Fleet operations manager": None,
            "m.analyst": datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC),
        }
        for text, closed in texts.items():
            Commitment.objects.create(
                meeting=meeting,
                department=dept,
                what=f"about {text}",
                owner=text,
                due=datetime.date(2025, 10, 1),
                closed_at=closed,
            )

        apps = _migrate(AFTER)
        Commitment = apps.get_model("metrics", "Commitment")
        got = {
            c.what.split("\n")[0]: (c.owner.username, c.status, c.what)
            for c in Commitment.objects.select_related("owner")
        }
        assert got["about jane doe"][:2] == ("m.cso", "open")
        assert got["about PhillyStat analyst"][:2] == ("m.analyst", "open")
        assert got["about CCSO"][:2] == ("m.ccso", "open")
        assert got["about m.analyst"][:2] == ("m.analyst", "done")
        for unmatched in ("Sam Twin", "Fleet operations manager"):
            owner, status, what = got[f"about {unmatched}"]
            assert (owner, status) == ("m.cso", "open")
            assert what.endswith(f"(Owner noted at the meeting: {unmatched})")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
