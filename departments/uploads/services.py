"""Keep a checked upload on the server until its import; one rule for who may
use it (its owner, before it expires) and for when it goes (after the import,
or at expiry, swept by the outbox drain's beat)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from .models import CheckedUpload

UPLOAD_LIFETIME = timedelta(hours=1)


def checked_upload_keep(
    *,
    owner,
    kind: str,
    content: bytes,
    department=None,
    target_id: int | None = None,
    filename: str = "",
) -> CheckedUpload:
    """Keep a file that passed its check; the owner's earlier file of the same
    kind and target is replaced (one preview at a time)."""
    now = timezone.now()
    CheckedUpload.objects.filter(owner=owner, kind=kind, target_id=target_id).delete()
    return CheckedUpload.objects.create(
        token=secrets.token_urlsafe(32),
        owner=owner,
        department=department,
        kind=kind,
        target_id=target_id,
        filename=filename[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=now,
        expires_at=now + UPLOAD_LIFETIME,
    )


def checked_upload_for_user(
    user, token: str, *, kind: str, target_id: int | None = None
) -> CheckedUpload | None:
    """The user's checked upload named by token: 404 when it is not theirs (or
    does not exist); None when it expired (the person uploads it again)."""
    upload = CheckedUpload.objects.filter(
        token=token or "", owner=user, kind=kind, target_id=target_id
    ).first()
    if upload is None:
        raise Http404("No such upload.")
    if upload.expires_at <= timezone.now():
        upload.delete()
        return None
    if hashlib.sha256(bytes(upload.content)).hexdigest() != upload.sha256:
        upload.delete()
        return None
    return upload


def checked_upload_discard(upload: CheckedUpload) -> None:
    upload.delete()


def checked_uploads_purge(*, now=None) -> int:
    """Remove the uploads that expired (never imported)."""
    removed, _ = CheckedUpload.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return removed
