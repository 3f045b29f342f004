"""Ending sessions: log-out ends a person's sessions everywhere, not only in
the browser that logged out (a shared counter PC, a lost phone)."""

from django.contrib.auth.signals import user_logged_out
from django.db.models import F
from django.dispatch import receiver

from departments.models import User


def end_all_sessions(user: User) -> None:
    """Invalidate every session of `user`: each one keeps a hash that includes
    the session generation, so raising it makes them all stale at their next
    request. The caller's own session must be flushed or re-hashed by the caller."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


@receiver(user_logged_out)
def _end_other_sessions_at_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        end_all_sessions(user)
