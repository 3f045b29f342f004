import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module seeds its part, in this order (later apps build on
# what earlier ones made). A module that does not exist yet is skipped.
DEMO_MODULES = [
    "departments.demo",
    "focusgroups.demo",
    "plans.demo",
    "metrics.demo",
    "csoprogram.demo",
]


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
        from departments.models import Department, User

        if if_empty and Department.objects.exists():
            self.stdout.write("Demo program already present; nothing to do.")
            return
        with transaction.atomic():
            if reset:
                Department.objects.all().delete()
                User.objects.all().delete()
            context: dict = {}
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(context)
        from departments.demo import DEMO_PASSWORD

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program ready: {Department.objects.count()} departments. "
                f"Log in as ccso, mdo, cso.fleet, head.fleet or analyst.fleet "
                f"with the password {DEMO_PASSWORD}"
            )
        )
