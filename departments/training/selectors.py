"""Reads about the CSO training program. Each runs a fixed number of queries,
whatever the number of departments, CSOs or modules."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from departments.models import DepartmentAssignment, DepartmentRole, User

from .models import (
    TrainingAttendance,
    TrainingCompletion,
    TrainingModule,
    TrainingReminder,
    TrainingSession,
)


def training_modules() -> QuerySet[TrainingModule]:
    upcoming = TrainingSession.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    return (
        TrainingModule.objects.filter(active=True)
        .annotate(completed_count=Count("completions", distinct=True))
        .prefetch_related(Prefetch("sessions", queryset=upcoming, to_attr="upcoming_sessions"))
    )


def _active_cso_assignments(department_ids=None) -> QuerySet[DepartmentAssignment]:
    qs = DepartmentAssignment.objects.filter(
        role=DepartmentRole.CSO, user__is_active=True, department__active=True
    )
    if department_ids is not None:
        qs = qs.filter(department_id__in=list(department_ids))
    return qs


@dataclass(frozen=True)
class CsoTraining:
    user: User
    completed_required: int
    total_required: int

    @property
    def done(self) -> bool:
        return self.completed_required >= self.total_required

    @property
    def label(self) -> str:
        return f"Training {self.completed_required} of {self.total_required} required modules"


def training_progress(department_ids) -> dict[int, list[CsoTraining]]:
    """For each department, each of its active CSOs' progress through the
    required modules: {department_id: [CsoTraining, …]}. Two queries."""
    total = TrainingModule.objects.filter(active=True, required=True).count()
    rows = (
        _active_cso_assignments(department_ids)
        .select_related("user")
        .annotate(
            completed_required=Count(
                "user__training_completions",
                filter=Q(
                    user__training_completions__module__active=True,
                    user__training_completions__module__required=True,
                ),
                distinct=True,
            )
        )
        .order_by("department_id", "user__last_name", "user__first_name")
    )
    progress: dict[int, list[CsoTraining]] = {d: [] for d in department_ids}
    for a in rows:
        progress.setdefault(a.department_id, []).append(
            CsoTraining(a.user, a.completed_required, total)
        )
    return progress


@dataclass
class ModuleForPerson:
    module: TrainingModule
    completed_on: date | None
    next_session: TrainingSession | None


@dataclass
class PersonTraining:
    modules: list[ModuleForPerson] = field(default_factory=list)

    @property
    def required(self) -> list[ModuleForPerson]:
        return [m for m in self.modules if m.module.required]

    @property
    def completed_required(self) -> int:
        return sum(1 for m in self.required if m.completed_on)


def training_for_person(user: User) -> PersonTraining:
    """A CSO's own progress: every module, done or not, and its next session (3 queries)."""
    done = dict(
        TrainingCompletion.objects.filter(user=user).values_list("module_id", "completed_on")
    )
    result = PersonTraining()
    for module in training_modules():
        nxt = module.upcoming_sessions[0] if module.upcoming_sessions else None
        result.modules.append(ModuleForPerson(module, done.get(module.pk), nxt))
    return result


@dataclass
class Trainee:
    user: User
    departments: list[str]
    attended: bool
    completed_on: date | None


def trainees_for_session(session: TrainingSession) -> list[Trainee]:
    """Every active CSO, whether they attended this session and completed its
    module (3 queries)."""
    attended = set(
        TrainingAttendance.objects.filter(session=session).values_list("user_id", flat=True)
    )
    completed = dict(
        TrainingCompletion.objects.filter(module_id=session.module_id).values_list(
            "user_id", "completed_on"
        )
    )
    people: dict[int, Trainee] = {}
    for a in (
        _active_cso_assignments()
        .select_related("user", "department")
        .order_by("user__last_name", "user__first_name", "department__name")
    ):
        trainee = people.get(a.user_id)
        if trainee is None:
            trainee = people[a.user_id] = Trainee(
                a.user, [], a.user_id in attended, completed.get(a.user_id)
            )
        trainee.departments.append(a.department.display_name)
    return list(people.values())


def training_reminders_due(*, now: datetime, after_days: int) -> list[tuple[int, int]]:
    """(user id, module id) for each required module that a CSO appointed more
    than `after_days` ago has not completed and was not reminded of. Four
    queries, whatever the number of CSOs and modules."""
    cutoff = now - timedelta(days=after_days)
    appointed = list(
        _active_cso_assignments()
        .values("user_id")
        .annotate(first=Min("created_at"))
        .filter(first__lte=cutoff)
        .values_list("user_id", flat=True)
    )
    modules = list(
        TrainingModule.objects.filter(active=True, required=True).values_list("pk", flat=True)
    )
    if not appointed or not modules:
        return []
    done = set(
        TrainingCompletion.objects.filter(user_id__in=appointed, module_id__in=modules).values_list(
            "user_id", "module_id"
        )
    )
    reminded = set(
        TrainingReminder.objects.filter(user_id__in=appointed, module_id__in=modules).values_list(
            "user_id", "module_id"
        )
    )
    return [
        (user_id, module_id)
        for user_id in sorted(set(appointed))
        for module_id in modules
        if (user_id, module_id) not in done and (user_id, module_id) not in reminded
    ]
