"""The roster's rules: who is in the program, in which role, in which
department. Every change leaves a history record naming who made it
(departments.history); the timelines read them."""

import re

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from departments import roles
from departments.accounts.services import (
    IssuedInvitation,
    api_tokens_revoke_all,
    invitation_create,
    invitations_cancel,
)
from departments.models import Department, DepartmentAssignment, DepartmentRole, User
from departments.sessions import end_all_sessions

from .signals import person_deactivating

PROGRAM_ROLE_LABELS = {
    roles.CCSO_GROUP: "Chief Customer Service Officer",
    roles.MDO_GROUP: "Managing Director's Office",
}


def _save(obj, *, actor, reason: str, **kwargs) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(**kwargs)


def _forget_roles(user: User) -> None:
    for attr in ("_cso_department_roles", "_cso_group_names"):
        if hasattr(user, attr):
            delattr(user, attr)


# -- people --------------------------------------------------------------------------


def _username_for(email: str) -> str:
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0].lower())[:140] or "person"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {t.lower() for t in taken}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    clash = User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).first()
    if clash:
        raise ValidationError(
            {"email": f"This e-mail address belongs to {clash} already: open their page instead."}
        )


def person_invite(
    *,
    actor: User | None,
    email: str,
    first_name: str,
    last_name: str,
    sso_only: bool = False,
    department: Department | None = None,
    role: str = "",
    program_role: str = "",
) -> tuple[User, IssuedInvitation]:
    """Add a person to the roster, with a first role, and make their invitation.
    The caller sends it (departments.accounts.services.invitation_send) once
    this has committed."""
    email = email.strip()
    _check_email_free(email)
    if bool(department) != bool(role):
        raise ValidationError({"role": "Choose both a department and a role, or neither."})
    with transaction.atomic():
        person = User(
            username=_username_for(email),
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            sso_only=sso_only,
        )
        # No password until the person sets one from the invitation link.
        person.set_unusable_password()
        _save(person, actor=actor, reason="Invited")
        if department:
            assignment_add(actor=actor, person=person, department=department, role=role)
        if program_role:
            program_role_set(actor=actor, person=person, group_name=program_role, held=True)
        issued = invitation_create(user=person, created_by=actor)
    return person, issued


def person_invitation_renew(*, actor: User, person: User) -> IssuedInvitation:
    if not person.is_active:
        raise ValidationError(f"{person} is deactivated: reactivate them first.")
    if person.last_login is not None:
        raise ValidationError(
            f"{person} has joined already. If they forgot their password, they can reset it "
            "from the log-in page."
        )
    return invitation_create(user=person, created_by=actor)


def person_update(
    *, actor: User, person: User, first_name: str, last_name: str, email: str, sso_only: bool
) -> User:
    email = email.strip()
    _check_email_free(email, exclude_pk=person.pk)
    person.first_name, person.last_name, person.email = first_name.strip(), last_name.strip(), email
    fields = ["first_name", "last_name", "email", "sso_only"]
    if sso_only and not person.sso_only:
        # Signing in with single sign-on only: the password stops working.
        person.set_unusable_password()
        fields.append("password")
    person.sso_only = sso_only
    _save(person, actor=actor, reason="Details changed", update_fields=fields)
    return person


def _other_active_ccso_exists(person: User) -> bool:
    return (
        User.objects.filter(groups__name=roles.CCSO_GROUP, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    )


def person_deactivate(*, actor: User, person: User) -> User:
    """The person can no longer sign in: their sessions end at once on every
    device, their API tokens and open invitation links stop working. Their
    roles and everything they wrote stay, for the record."""
    if person.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself.")
    if not person.is_active:
        return person
    # Nothing may stay owned by an inactive person: the receivers refuse while
    # they own anything (csoprogram.handover lists it and hands it over).
    person_deactivating.send(sender=User, person=person)
    if roles.is_ccso(person) and not _other_active_ccso_exists(person):
        raise ValidationError(
            "This is the only active Chief Customer Service Officer: give the role to someone "
            "else first."
        )
    with transaction.atomic():
        person.is_active = False
        _save(person, actor=actor, reason="Deactivated", update_fields=["is_active"])
        end_all_sessions(person)
        api_tokens_revoke_all(user=person)
        invitations_cancel(user=person)
    return person


def person_reactivate(*, actor: User, person: User) -> User:
    if person.is_active:
        return person
    person.is_active = True
    _save(person, actor=actor, reason="Reactivated", update_fields=["is_active"])
    return person


def program_role_set(*, actor: User | None, person: User, group_name: str, held: bool) -> bool:
    """Give or take a program-wide role (a group). True if anything changed."""
    if group_name not in PROGRAM_ROLE_LABELS:
        raise ValidationError("No such program role.")
    label = PROGRAM_ROLE_LABELS[group_name]
    group, _ = Group.objects.get_or_create(name=group_name)
    has = person.groups.filter(pk=group.pk).exists()
    if has == held:
        return False
    if held and not person.is_active:
        raise ValidationError(f"{person} is deactivated: reactivate them first.")
    if (
        not held
        and group_name == roles.CCSO_GROUP
        and person.is_active
        and not _other_active_ccso_exists(person)
    ):
        raise ValidationError(
            "The program needs an active Chief Customer Service Officer: give the role to "
            "someone else first."
        )
    with transaction.atomic():
        (person.groups.add if held else person.groups.remove)(group)
        # Group membership is not a field of the person: record the change
        # in their history ourselves.
        User.history.bulk_history_create(
            [person],
            update=True,
            default_user=actor,
            default_change_reason=(f"Made {label}" if held else f"No longer {label}"),
        )
    _forget_roles(person)
    return True


# -- assignments ---------------------------------------------------------------------


def assignment_add(
    *, actor: User | None, person: User, department: Department, role: str
) -> DepartmentAssignment:
    if role not in DepartmentRole.values:
        raise ValidationError({"role": "Choose a role."})
    if not person.is_active:
        raise ValidationError(f"{person} is deactivated: reactivate them first.")
    if not department.active:
        raise ValidationError({"department": f"{department} is archived."})
    label = DepartmentRole(role).label
    assignment = DepartmentAssignment(user=person, department=department, role=role)
    assignment._history_user = actor
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(
            {"role": f"{person} is already {label} of {department.display_name}."}
        ) from None
    _forget_roles(person)
    return assignment


def assignment_remove(*, actor: User, assignment: DepartmentAssignment) -> None:
    assignment._history_user = actor
    assignment.delete()


# -- departments ---------------------------------------------------------------------


def _check_department_name(name: str, *, exclude_pk=None) -> None:
    clash = Department.objects.filter(name__iexact=name).exclude(pk=exclude_pk).first()
    if clash:
        state = "" if clash.active else " (archived)"
        raise ValidationError({"name": f"There is a department named “{clash.name}”{state}."})


def department_create(
    *, actor: User, name: str, short_name: str = "", slug: str = ""
) -> Department:
    name, short_name = name.strip(), short_name.strip()
    _check_department_name(name)
    slug = slugify(slug or short_name or name)[:60]
    if not slug:
        raise ValidationError({"slug": "Give the department a web address name (letters)."})
    if Department.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": f"“{slug}” is the web address of another department: choose another."}
        )
    department = Department(name=name, short_name=short_name, slug=slug)
    _save(department, actor=actor, reason="Department created")
    return department


def department_rename(
    *, actor: User, department: Department, name: str, short_name: str
) -> Department:
    name, short_name = name.strip(), short_name.strip()
    _check_department_name(name, exclude_pk=department.pk)
    department.name, department.short_name = name, short_name
    _save(department, actor=actor, reason="Renamed", update_fields=["name", "short_name"])
    return department


def department_archive(*, actor: User, department: Department) -> Department:
    """The department leaves every list and nobody holds a role there any
    more; its records and history stay, readable to the CCSO."""
    if department.active:
        department.active = False
        _save(department, actor=actor, reason="Archived", update_fields=["active"])
    return department


def department_restore(*, actor: User, department: Department) -> Department:
    if not department.active:
        department.active = True
        _save(department, actor=actor, reason="Restored", update_fields=["active"])
    return department
