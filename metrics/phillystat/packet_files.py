"""Packet files through Django's storage API (local disk or an S3 bucket):
final names only ever hold complete files."""

import os
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

TEMP_DIR = "packets/tmp"


def stored_file_save(storage, name: str, data: bytes) -> str:
    """Store the file under `name` (or the name the storage gives it) so that
    the name never holds a partial file."""
    if hasattr(storage, "path"):
        try:
            final = storage.path(name)
        except NotImplementedError:
            final = None
        if final:
            temp = storage.save(f"{TEMP_DIR}/{uuid.uuid4().hex}.part", ContentFile(data))
            if storage.exists(name):
                storage.delete(temp)  # the same content is there already
                return name
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(storage.path(temp), final)
            return name
    if storage.exists(name):
        return name
    return storage.save(name, ContentFile(data))


def temp_files_clean(storage, *, older_than: timedelta) -> None:
    """Remove temporary files left by builds whose worker died."""
    try:
        _dirs, files = storage.listdir(TEMP_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - older_than
    for name in files:
        path = f"{TEMP_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
