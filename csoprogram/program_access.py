"""Access to the program-wide pages that show no single record (the program
review, the program update, a new program meeting), in the shape
csoprogram.lib.access.read_only/post_only expect: a callable of the request
that raises before the view runs, and returns what the view receives.

Department people get 403 on these pages (the page exists, it is not theirs),
before any check of the method.
"""

from departments.permissions import require_ccso, require_program_wide


def program_wide_user(request):
    """The CCSO or the MDO, else 403."""
    require_program_wide(request.user)
    return request.user


def ccso_user(request):
    """The CCSO, else 403."""
    require_ccso(request.user)
    return request.user
