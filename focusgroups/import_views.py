"""The bulk feedback import page of a focus group session: check (preview
with line-by-line errors), then import all or nothing. Who may add feedback
to the session may import it; another department's session is 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from csoprogram.lib import table_import
from departments.uploads.services import (
    checked_upload_discard,
    checked_upload_for_user,
    checked_upload_keep,
)

from . import imports
from .import_forms import FeedbackImportForm
from .models import FocusGroupSession
from .permissions import session_for_user

UPLOAD_KIND = "focus-group-feedback"


@require_http_methods(["GET", "POST"])
def feedback_import(request, pk):
    session = session_for_user(request.user, pk, write=True)
    if session.status != FocusGroupSession.Status.HELD:
        raise PermissionDenied
    result, upload, form = None, None, FeedbackImportForm()
    if request.method == "POST" and request.POST.get("action") == "import":
        kept = checked_upload_for_user(
            request.user, request.POST.get("upload", ""), kind=UPLOAD_KIND, target_id=session.pk
        )
        if kept is None:
            messages.error(request, "Check the rows again: the checked rows are no longer here.")
            return redirect("focusgroups:feedback_import", pk=session.pk)
        try:
            result = imports.feedback_import(
                session=session,
                created_by=request.user,
                data=bytes(kept.content),
                filename=kept.filename,
            )
        except ValidationError as error:
            # A theme of the same name was added since the check: nothing was imported.
            result = imports.FeedbackImportResult(errors=[(0, " ".join(error.messages))])
        if result.ok:
            checked_upload_discard(kept)
            count = len(result.rows)
            proposed = len(result.new_themes)
            messages.success(
                request,
                f"Imported {count} feedback item{'s' if count != 1 else ''}"
                + (
                    f" and proposed {proposed} theme{'s' if proposed != 1 else ''}."
                    if proposed
                    else "."
                ),
            )
            return redirect(session)
        upload = kept
    elif request.method == "POST":
        form = FeedbackImportForm(request.POST, request.FILES)
        if form.is_valid():
            data, filename = form.content()
            if data is None:
                result = imports.FeedbackImportResult(
                    errors=[(0, table_import.too_large_refusal())]
                )
            else:
                result = imports.feedback_import_check(
                    session=session, data=data, filename=filename
                )
                if result.ok:
                    upload = checked_upload_keep(
                        owner=request.user,
                        kind=UPLOAD_KIND,
                        content=data,
                        department=session.department,
                        target_id=session.pk,
                        filename=filename,
                    )
    return render(
        request,
        "focusgroups/feedback_import.html",
        {
            "session": session,
            "department": session.department,
            "form": form,
            "result": result,
            "upload": upload,
            "preview": result.rows[:100] if result else [],
            "columns": [*imports.REQUIRED, *imports.OPTIONAL],
        },
    )
