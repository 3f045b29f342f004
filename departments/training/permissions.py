"""Who sees the training program: the CCSO runs it, the MDO reads it, every
CSO reads the modules and their own progress. Heads and analysts get 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from departments import roles
from departments.permissions import require_ccso

from .models import TrainingModule, TrainingSession


def can_read_training(user) -> bool:
    return roles.is_program_wide(user) or roles.is_cso(user)


def require_training_reader(user) -> None:
    if not can_read_training(user):
        raise PermissionDenied


def module_for_user(user, pk: int, *, write: bool = False) -> TrainingModule:
    (require_ccso if write else require_training_reader)(user)
    return get_object_or_404(TrainingModule, pk=pk, active=True)


def session_for_user(user, pk: int, *, write: bool = False) -> TrainingSession:
    if write:
        require_ccso(user)
    elif not roles.is_program_wide(user):
        raise PermissionDenied
    return get_object_or_404(TrainingSession.objects.select_related("module"), pk=pk)
