"""A department's exports page, each table as CSV or JSON, and the department
archive. Access as the department's pages: 404 for people of other
departments; the CCSO alone downloads the archive (403 for the others who
may see the department). Everything streams (StreamingHttpResponse)."""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from csoprogram.lib.exports import FORMATS, table_pieces, table_response, zip_stream
from departments import roles
from departments.permissions import department_for_user
from metrics.exports import department_packet_files

from .registry import SECTIONS, export_table

FILE_CHUNK = 64 * 1024


@require_GET
def department_exports(request, slug):
    department = department_for_user(request.user, slug)
    context = {
        "department": department,
        "sections": SECTIONS,
        "formats": FORMATS,
        "can_archive": roles.is_ccso(request.user),
    }
    return render(request, "csoprogram/department_exports.html", context)


@require_GET
def export_download(request, slug, key, fmt):
    department = department_for_user(request.user, slug)
    table = export_table(key)
    if table is None or fmt not in FORMATS:
        raise Http404("No such export.")
    stamp = timezone.localdate().isoformat()
    return table_response(table, department, request.user, fmt, stamp)


def _file_pieces(name: str):
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk


def _archive_entries(department, user):
    for section in SECTIONS:
        for table in section.tables:
            for fmt in FORMATS:
                yield f"{table.key}.{fmt}", table_pieces(table, department, user, fmt)
    for name, stored in department_packet_files(department):
        if default_storage.exists(stored):
            yield name, _file_pieces(stored)


@require_GET
def department_archive(request, slug):
    department = department_for_user(request.user, slug)
    if not roles.is_ccso(request.user):
        raise PermissionDenied
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(
        zip_stream(_archive_entries(department, request.user)), content_type="application/zip"
    )
    filename = f"{department.slug}-archive-{stamp}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
