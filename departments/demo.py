"""The demo program's departments and people. Other apps add their own demo
data in <app>/demo.py, called by `manage.py seed_demo` in app order."""

from django.contrib.auth.models import Group

from .models import Department, DepartmentAssignment, DepartmentRole, User
from .roles import CCSO_GROUP, MDO_GROUP

DEMO_PASSWORD = "phillystat-demo-2026"  # noqa: S105 - documented demo password, demo data only

# (name, short name, slug, CSO, head, analyst) — real Philadelphia departments;
# people are invented.
DEPARTMENTS = [
    (
        "Office of Fleet Management",
        "Fleet Management",
        "fleet",
        ("Tracey", "Bryant"),
        ("Christopher", "Cocci"),
        ("Priya", "Raman"),
    ),
    (
        "Streets Department",
        "Streets",
        "streets",
        ("Monique", "Brinson"),
        ("Carlton", "Williams"),
        ("Daniel", "Okafor"),
    ),
    (
        "Water Department",
        "Water",
        "water",
        ("Luis", "Ortega"),
        ("Randy", "Hayman"),
        ("Daniel", "Okafor"),
    ),
    (
        "Department of Licenses & Inspections",
        "Licenses & Inspections",
        "li",
        ("Angela", "Cruz"),
        ("Ralph", "DiPietro"),
        ("Hannah", "Lee"),
    ),
    (
        "Free Library of Philadelphia",
        "Free Library",
        "library",
        ("Gerald", "Thompson"),
        ("Kelly", "Richards"),
        ("Marcus", "Bell"),
    ),
    (
        "Parks & Recreation",
        "Parks & Rec",
        "parks",
        ("Naomi", "Fischer"),
        ("Kathryn", "Ott"),
        ("Marcus", "Bell"),
    ),
    (
        "Department of Records",
        "Records",
        "records",
        ("Samuel", "Adeyemi"),
        ("Jim", "Leonard"),
        ("Hannah", "Lee"),
    ),
    (
        "Philly311",
        "Philly311",
        "philly311",
        ("Rosa", "Martinez"),
        ("Toni", "Mayes"),
        ("Priya", "Raman"),
    ),
]

# Analysts keyed by name, so one analyst covers several departments
# (analyst.fleet also covers Philly311, analyst.streets also Water, ...).
PROGRAM_PEOPLE = [
    ("ccso", "Rosetta", "Lue", CCSO_GROUP),
    ("mdo", "Richard", "Negrin", MDO_GROUP),
]


def _user(username, first, last, email_domain="phila.example") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@{email_domain}"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(context: dict) -> None:
    departments = {}
    analysts_by_name: dict[tuple[str, str], User] = {}
    for name, short, slug, cso, head, analyst in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short}
        )
        departments[slug] = dept
        cso_user = _user(f"cso.{slug}", *cso)
        head_user = _user(f"head.{slug}", *head)
        if analyst not in analysts_by_name:
            analysts_by_name[analyst] = _user(f"analyst.{slug}", *analyst)
        analyst_user = analysts_by_name[analyst]
        for user, role in (
            (cso_user, DepartmentRole.CSO),
            (head_user, DepartmentRole.HEAD),
            (analyst_user, DepartmentRole.ANALYST),
        ):
            DepartmentAssignment.objects.get_or_create(user=user, department=dept, role=role)

    for username, first, last, group_name in PROGRAM_PEOPLE:
        user = _user(username, first, last)
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])

    admin = _user("admin", "Program", "Administrator")
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])

    context["departments"] = departments
    context["ccso"] = User.objects.get(username="ccso")
    context["mdo"] = User.objects.get(username="mdo")
