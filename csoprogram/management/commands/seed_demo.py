"""`manage.py seed_demo`: the demo program, every app's part in layer order
(later apps build on what earlier ones made). Lives on the top floor because
it reads every app."""

from django.core.management.base import BaseCommand
from django.db import transaction

from csoprogram import demo as program_demo
from departments import demo as departments_demo
from departments.models import Department, User
from focusgroups import demo as focusgroups_demo
from metrics import demo as metrics_demo
from plans import demo as plans_demo

DEMO_MODULES = [departments_demo, focusgroups_demo, plans_demo, metrics_demo, program_demo]


class Command(BaseCommand):
    help = "Create the demo program (idempotent). --reset deletes demo data first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all program data and users first."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any department exists."
        )

    def handle(self, *args, reset=False, if_empty=False, **options):
        if if_empty and Department.objects.exists():
            self.stdout.write("Demo program already present; nothing to do.")
            return
        with transaction.atomic():
            if reset:
                Department.objects.all().delete()
                User.objects.all().delete()
            context: dict = {}
            for module in DEMO_MODULES:
                module.seed(context)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program ready: {Department.objects.count()} departments. "
                f"Log in as ccso, mdo, cso.fleet, head.fleet or analyst.fleet "
                f"with the password {departments_demo.DEMO_PASSWORD}"
            )
        )
