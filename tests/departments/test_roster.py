"""The roster: invitations, roles, deactivation, departments, history."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments import roles
from departments.accounts.models import Invitation
from departments.accounts.services import api_token_create
from departments.models import Department, DepartmentAssignment, User
from departments.roster import services
from departments.selectors import departments_visible_to
from tests.departments.factories import DepartmentFactory, UserFactory, assign

NEW_PASSWORD = "a-long-new-password-42"


def _invite(client, dept, email="pat.lee@example.org", **extra):
    data = {
        "first_name": "Pat",
        "last_name": "Lee",
        "email": email,
        "department": dept.pk,
        "role": "cso",
        **extra,
    }
    return client.post(reverse("roster:person_invite"), data)


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_ccso_invites_a_cso_who_gets_a_one_time_link_by_email(client, ccso, dept_fleet):
    client.force_login(ccso)
    response = _invite(client, dept_fleet)
    person = User.objects.get(email="pat.lee@example.org")
    assert response.status_code == 302
    assert response.url == reverse("roster:person_detail", kwargs={"pk": person.pk})
    assert not person.has_usable_password()
    assert roles.is_cso(person, dept_fleet)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat.lee@example.org"]
    assert "choose your password" in message.body
    assert message.alternatives and "Choose your password" in message.alternatives[0][0]
    # Only the hash of the link's token is stored.
    token = _link(message).rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_invitee_sets_a_password_and_lands_on_their_home_page(client, ccso, dept_fleet):
    client.force_login(ccso)
    _invite(client, dept_fleet)
    client.logout()
    path = _path(_link(mail.outbox[0]))
    assert "Welcome, Pat" in client.get(path).content.decode()
    response = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You are this department's Customer Service Officer" in response.content.decode()
    person = User.objects.get(email="pat.lee@example.org")
    assert person.check_password(NEW_PASSWORD)


def test_invitation_link_cannot_be_used_twice(client, ccso, dept_fleet):
    client.force_login(ccso)
    _invite(client, dept_fleet)
    client.logout()
    path = _path(_link(mail.outbox[0]))
    body = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(path, body).status_code == 302
    client.logout()
    again = client.post(path, {"new_password1": "another-password-77", "new_password2": "x"})
    assert again.status_code == 410
    assert "has been used already" in again.content.decode()
    assert User.objects.get(email="pat.lee@example.org").check_password(NEW_PASSWORD)


def test_expired_invitation_link_is_refused(client, ccso, dept_fleet):
    client.force_login(ccso)
    _invite(client, dept_fleet)
    client.logout()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    path = _path(_link(mail.outbox[0]))
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not User.objects.get(email="pat.lee@example.org").has_usable_password()


def test_sending_the_invitation_again_closes_the_first_link(client, ccso, dept_fleet):
    client.force_login(ccso)
    _invite(client, dept_fleet)
    person = User.objects.get(email="pat.lee@example.org")
    client.post(reverse("roster:person_invitation_send", kwargs={"pk": person.pk}))
    first, second = _path(_link(mail.outbox[0])), _path(_link(mail.outbox[1]))
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_unknown_invitation_token_answers_410_without_a_form(client, db):
    response = client.get(reverse("accounts:invitation_accept", kwargs={"token": "nope"}))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_inviting_an_address_already_on_the_roster_says_so_next_to_the_field(
    client, ccso, cso_fleet, dept_fleet
):
    client.force_login(ccso)
    response = _invite(client, dept_fleet, email=cso_fleet.email.upper())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "belongs to" in errors["email"][0]
    assert len(mail.outbox) == 0


def test_a_department_without_a_role_is_refused_next_to_the_role(client, ccso, dept_fleet):
    client.force_login(ccso)
    response = _invite(client, dept_fleet, role="")
    assert "Choose both" in response.context["form"].errors["role"][0]


def test_deactivating_ends_sessions_and_revokes_api_tokens(client, ccso, cso_fleet):
    _, key = api_token_create(user=cso_fleet, name="Script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/departments/").status_code == 200
    their_browser = type(client)()
    their_browser.force_login(cso_fleet)
    assert their_browser.get(reverse("home")).status_code == 200

    # They left their role first (nothing may stay owned by an inactive
    # person: tests/csoprogram/test_handover.py).
    services.assignment_remove(actor=ccso, assignment=cso_fleet.assignments.get())
    client.force_login(ccso)
    response = client.post(reverse("roster:person_deactivate", kwargs={"pk": cso_fleet.pk}))
    assert response.status_code == 302
    cso_fleet.refresh_from_db()
    assert not cso_fleet.is_active
    assert their_browser.get(reverse("home")).url.startswith(reverse("login"))
    refused = api.get("/api/departments/")
    assert refused.status_code == 403 and refused.json()["detail"] == "Invalid token."
    # Reactivated, they sign in again; the revoked token stays revoked.
    client.post(reverse("roster:person_reactivate", kwargs={"pk": cso_fleet.pk}))
    cso_fleet.refresh_from_db()
    assert cso_fleet.is_active
    assert api.get("/api/departments/").json()["detail"] == "Invalid token."


def test_ccso_cannot_deactivate_herself_or_the_last_ccso(client, ccso):
    client.force_login(ccso)
    client.post(reverse("roster:person_deactivate", kwargs={"pk": ccso.pk}))
    ccso.refresh_from_db()
    assert ccso.is_active
    admin = UserFactory(username="admin", is_superuser=True)
    # Holding the role, the CCSO owns it: it must go to a successor first.
    with pytest.raises(services.ValidationError, match="Hand it over first.*Chief Customer"):
        services.person_deactivate(actor=admin, person=ccso)
    with pytest.raises(services.ValidationError, match="needs an active Chief"):
        services.program_role_set(actor=admin, person=ccso, group_name=roles.CCSO_GROUP, held=False)


def test_roles_are_given_and_taken_and_the_history_says_who_and_when(
    client, ccso, cso_fleet, dept_streets
):
    client.force_login(ccso)
    url = reverse("roster:assignment_add", kwargs={"pk": cso_fleet.pk})
    assert client.post(url, {"department": dept_streets.pk, "role": "analyst"}).status_code == 302
    again = client.post(url, {"department": dept_streets.pk, "role": "analyst"})
    assert again.status_code == 400
    assert "already PhillyStat analyst" in again.content.decode()
    assignment = DepartmentAssignment.objects.get(user=cso_fleet, department=dept_streets)
    client.post(reverse("roster:assignment_remove", kwargs={"pk": assignment.pk}))
    client.post(reverse("roster:program_roles", kwargs={"pk": cso_fleet.pk}), {"mdo": "on"})
    assert roles.is_mdo(User.objects.get(pk=cso_fleet.pk))

    page = client.get(reverse("roster:person_detail", kwargs={"pk": cso_fleet.pk}))
    timeline = page.context["timeline"]
    whats = [e.what for e in timeline]
    assert whats[:3] == [
        "Made Managing Director's Office",
        "No longer PhillyStat analyst of Streets",
        "Appointed PhillyStat analyst of Streets",
    ]
    assert all(e.who == ccso for e in timeline[:3])


def test_department_is_created_renamed_archived_and_stays_readable(client, ccso, cso_fleet):
    client.force_login(ccso)
    response = client.post(
        reverse("roster:department_create"),
        {"name": "Department of Records", "short_name": "Records", "slug": ""},
    )
    records = Department.objects.get(slug="records")
    assert response.url == reverse("roster:department_detail", kwargs={"pk": records.pk})
    detail = reverse("roster:department_detail", kwargs={"pk": records.pk})
    client.post(detail, {"name": "Records Department", "short_name": "Records"})
    assign(cso_fleet, records, "cso")
    client.post(reverse("roster:department_archive", kwargs={"pk": records.pk}))
    records.refresh_from_db()
    assert not records.active
    assert records not in departments_visible_to(ccso)
    assert records not in client.get(reverse("departments:list")).context["departments"]
    fresh = User.objects.get(pk=cso_fleet.pk)
    assert records.pk not in roles.department_roles(fresh)

    page = client.get(detail)
    assert page.status_code == 200
    whats = [e.what for e in page.context["timeline"]]
    assert whats[0] == "Archived"
    assert "Renamed" in whats and "Department created" in whats
    renamed = next(e for e in page.context["timeline"] if e.what == "Renamed")
    assert renamed.details == [("Name", "Department of Records", "Records Department")]


def test_a_department_name_taken_is_said_next_to_the_name(client, ccso, dept_fleet):
    client.force_login(ccso)
    response = client.post(
        reverse("roster:department_create"), {"name": "office of fleet management"}
    )
    assert "There is a department named" in response.context["form"].errors["name"][0]


def _people(n):
    depts = [DepartmentFactory() for _ in range(max(1, n // 5))]
    for i in range(n):
        assign(UserFactory(), depts[i % len(depts)], "cso")


def test_roster_pages_run_the_same_number_of_queries_for_ten_times_the_people(
    client, ccso, django_assert_max_num_queries
):
    client.force_login(ccso)
    pages = [reverse("roster:people"), reverse("roster:department_list")]
    _people(5)
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        counts.append(len(small))
    _people(45)
    for url, small in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(small):
            assert client.get(url).status_code == 200


def test_invite_ccso_command_makes_the_first_ccso_and_prints_the_link(db, capsys):
    call_command("invite_ccso", "rosetta@example.org", "--first-name", "Rosetta")
    person = User.objects.get(email="rosetta@example.org")
    assert roles.is_ccso(person)
    out = capsys.readouterr().out
    assert "/accounts/invitation/" in out
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosetta@example.org"]
