"""The roster: the CCSO (and administrators) invite people, give and take
roles, deactivate and reactivate people, and create, rename and archive
departments. Thin views: access through roster.permissions, rules in
roster.services, reads in roster.selectors."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from departments import roles
from departments.accounts.services import invitation_send
from departments.models import DepartmentRole

from . import selectors, services
from .forms import AssignmentForm, DepartmentForm, InviteForm, PersonForm, ProgramRolesForm
from .permissions import (
    assignment_for_manager,
    department_for_manager,
    person_for_manager,
    require_roster_manager,
)

PEOPLE_PER_PAGE = 50


def _post_only(request):
    """Checked after access, so other people still get 403 and not 405."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _tell_about_invitation(request, person, sent: bool) -> None:
    if sent:
        messages.success(request, f"Invitation sent to {person} at {person.email}.")
    else:
        messages.warning(
            request,
            f"{person} is on the roster, but the invitation e-mail could not be sent. "
            "Check the e-mail settings, then use “Send the invitation again”.",
        )


# -- people --------------------------------------------------------------------------


def people(request):
    require_roster_manager(request.user)
    status = request.GET.get("status", "")
    status = status if status in selectors.PERSON_STATUSES else ""
    query = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.people_for_roster(status=status, query=query), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("page"))
    for person in page:
        person.status = selectors.person_status(person)
    return render(
        request,
        "departments/roster/people.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": selectors.PERSON_STATUSES,
        },
    )


def person_invite(request):
    require_roster_manager(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, issued = services.person_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _tell_about_invitation(request, person, invitation_send(issued=issued))
            return redirect("roster:person_detail", pk=person.pk)
    return render(
        request,
        "departments/roster/person_invite.html",
        {"form": form, "valid_days": settings.INVITATION_VALID_DAYS},
    )


def _person_page(request, person, *, assignment_form=None, status=200):
    held = {g.name for g in person.groups.all()}
    context = {
        "person": person,
        "status": selectors.person_status(person),
        "is_ccso_person": roles.CCSO_GROUP in held,
        "is_mdo_person": roles.MDO_GROUP in held,
        "assignment_form": assignment_form or AssignmentForm(),
        "roles_form": ProgramRolesForm(
            initial={"ccso": roles.CCSO_GROUP in held, "mdo": roles.MDO_GROUP in held}
        ),
        "timeline": selectors.person_timeline(person),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "departments/roster/person_detail.html", context, status=status)


def person_detail(request, pk):
    person = person_for_manager(request.user, pk)
    return _person_page(request, person)


def person_edit(request, pk):
    person = person_for_manager(request.user, pk)
    form = PersonForm(
        request.POST or None,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "sso_only": person.sso_only,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{person}'s details are saved.")
            return redirect("roster:person_detail", pk=person.pk)
    return render(request, "departments/roster/person_edit.html", {"person": person, "form": form})


def person_deactivate(request, pk):
    person = person_for_manager(request.user, pk)
    if request.method == "POST":
        try:
            services.person_deactivate(actor=request.user, person=person)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                f"{person} is deactivated: signed out everywhere, API tokens revoked.",
            )
        return redirect("roster:person_detail", pk=person.pk)
    return render(request, "departments/roster/person_deactivate.html", {"person": person})


def person_reactivate(request, pk):
    person = person_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    services.person_reactivate(actor=request.user, person=person)
    messages.success(request, f"{person} can sign in again.")
    return redirect("roster:person_detail", pk=person.pk)


def person_invitation_send(request, pk):
    person = person_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    try:
        issued = services.person_invitation_renew(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _tell_about_invitation(request, person, invitation_send(issued=issued))
    return redirect("roster:person_detail", pk=person.pk)


def program_roles(request, pk):
    person = person_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    form = ProgramRolesForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    try:
        for group, held in (
            (roles.CCSO_GROUP, form.cleaned_data["ccso"]),
            (roles.MDO_GROUP, form.cleaned_data["mdo"]),
        ):
            services.program_role_set(
                actor=request.user, person=person, group_name=group, held=held
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{person}'s program roles are saved.")
    return redirect("roster:person_detail", pk=person.pk)


def assignment_add(request, pk):
    person = person_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.assignment_add(
                actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{person} is now {assignment.get_role_display()} of "
                f"{assignment.department.display_name}.",
            )
            return redirect("roster:person_detail", pk=person.pk)
    return _person_page(request, person, assignment_form=form, status=400)


def assignment_remove(request, pk):
    assignment = assignment_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(
        request,
        f"{assignment.user} is no longer {assignment.get_role_display()} of "
        f"{assignment.department.display_name}.",
    )
    back = request.POST.get("back")
    if back == "department":
        return redirect("roster:department_detail", pk=assignment.department_id)
    return redirect("roster:person_detail", pk=assignment.user_id)


# -- departments ---------------------------------------------------------------------


def department_list(request):
    require_roster_manager(request.user)
    departments = selectors.departments_for_roster()
    return render(
        request,
        "departments/roster/department_list.html",
        {
            "active": [d for d in departments if d.active],
            "archived": [d for d in departments if not d.active],
        },
    )


def department_create(request):
    require_roster_manager(request.user)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{department} is added. Now appoint its CSO.")
            return redirect("roster:department_detail", pk=department.pk)
    return render(request, "departments/roster/department_create.html", {"form": form})


def department_detail(request, pk):
    """Readable when archived; renaming is a POST to the same page."""
    department = department_for_manager(request.user, pk)
    form = DepartmentForm(
        request.POST or None,
        rename=True,
        initial={"name": department.name, "short_name": department.short_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.department_rename(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The department is now called {department.name}.")
            return redirect("roster:department_detail", pk=department.pk)
    assignments = selectors.department_assignments(department)
    context = {
        "department": department,
        "form": form,
        "groups": [
            (label, [a for a in assignments if a.role == role])
            for role, label in DepartmentRole.choices
        ],
        "timeline": selectors.department_timeline(department),
    }
    status = 400 if form.is_bound else 200
    return render(request, "departments/roster/department_detail.html", context, status=status)


def department_archive(request, pk):
    department = department_for_manager(request.user, pk)
    if request.method == "POST":
        services.department_archive(actor=request.user, department=department)
        messages.success(
            request,
            f"{department} is archived: it has left every list; its records and history stay.",
        )
        return redirect("roster:department_detail", pk=department.pk)
    return render(request, "departments/roster/department_archive.html", {"department": department})


def department_restore(request, pk):
    department = department_for_manager(request.user, pk)
    if response := _post_only(request):
        return response
    services.department_restore(actor=request.user, department=department)
    messages.success(request, f"{department} is back in every list.")
    return redirect("roster:department_detail", pk=department.pk)
