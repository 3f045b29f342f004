"""The one shape of access to a record.

Every app's `<thing>_for_user(user, pk, …)` delegates to object_for_user:
a record outside the user's departments answers 404 (its existence is never
confirmed), a record the user may read but not change answers 403.

post_only (and read_only) check the method *after* that check, so people of
other departments get the same 404 whatever the method, and a GET of an action
by someone who may see the record gets 405.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponseNotAllowed


def object_for_user(
    queryset: QuerySet,
    user,
    *,
    can_view: Callable[[object, Model], bool],
    can_act: Callable[[object, Model], bool] | None = None,
    not_found: str = "Not found.",
    **lookup,
) -> Model:
    """The record matching `lookup` if `can_view(user, record)`, else 404;
    with `can_act`, also 403 unless `can_act(user, record)`."""
    try:
        record = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(not_found) from None
    if not can_view(user, record):
        raise Http404(not_found)
    if can_act is not None and not can_act(user, record):
        raise PermissionDenied
    return record


def methods_after_access(methods: tuple[str, ...], access: Callable):
    """A view answering only `methods`, whose record comes from
    `access(request, **url_kwargs)` first; called as view(request, record, **url_kwargs)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            record = access(request, *args, **kwargs)
            if request.method not in methods:
                return HttpResponseNotAllowed(list(methods))
            return view(request, record, *args, **kwargs)

        return wrapped

    return decorator


def post_only(access: Callable):
    """A POST-only view (an action): access first, then 405 for other methods."""
    return methods_after_access(("POST",), access)


def read_only(access: Callable):
    """A page that only shows a record: access first, then 405 for other methods."""
    return methods_after_access(("GET", "HEAD"), access)
