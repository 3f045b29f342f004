"""Bring the load test's program to city scale: after `manage.py seed_demo`
(eight real departments and their people), add benchmark departments with the
benchmark's realistic data (benchmarks/_seed.py and _realism.py: plans,
metrics with history, sessions and feedback of varied length, narratives,
commitments, corrections) until LOAD_DEPARTMENTS (default 60) are active.
Their CSOs and heads get the demo password, and the people the load test may
log in as are written to the JSON file named on the command line (read by
locustfile.py through LOAD_USERS_FILE).

    DATABASE_URL=postgres://.../cso_load .venv/bin/python benchmarks/load/seed_scale.py users.json
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csoprogram.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from benchmarks import _seed  # noqa: E402
from departments.demo import DEMO_PASSWORD  # noqa: E402
from departments.models import Department, DepartmentAssignment, User  # noqa: E402


def main(out: str) -> None:
    wanted = int(os.environ.get("LOAD_DEPARTMENTS", "60"))
    demo = Department.objects.filter(active=True).exclude(slug__startswith="bench").count()
    extra = max(wanted - demo, 0)
    if extra:
        _seed.seed(extra)
        # Every benchmark department of this size is active beside the demo's.
        _seed.departments(extra).update(active=True)
    people = User.objects.filter(username__startswith=_seed.prefix(extra))
    people.update(password=make_password(DEMO_PASSWORD))
    users = {"csos": [], "heads": []}
    for username, slug, role in (
        DepartmentAssignment.objects.filter(
            user__in=people, role__in=("cso", "head"), department__active=True
        )
        .order_by("department__slug", "role")
        .values_list("user__username", "department__slug", "role")
    ):
        users[f"{role}s"].append([username, slug])
    Path(out).write_text(json.dumps(users, indent=1))
    active = Department.objects.filter(active=True).count()
    print(f"{active} active departments ({demo} of the demo, {extra} benchmark ones)")


if __name__ == "__main__":
    main(sys.argv[1])
