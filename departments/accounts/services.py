"""Invitations and API tokens: the rules. Secrets are made here, handed back
once, and only their SHA-256 is stored."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token as AdminIssuedToken

from departments.models import User

from .models import ApiToken, Invitation

logger = logging.getLogger(__name__)

# Last use is written at most once a minute per token: an API client polling
# every second must not turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- invitations ---------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # never stored; only in the e-mail and, once, on the CCSO's screen

    @property
    def url(self) -> str:
        path = reverse("accounts:invitation_accept", kwargs={"token": self.token})
        return f"{settings.SITE_URL}{path}"


def invitation_create(*, user: User, created_by: User | None) -> IssuedInvitation:
    """A new link for `user`; the links sent before stop working."""
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(user=user, accepted_at=None, cancelled_at=None).update(
            cancelled_at=now
        )
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            user=user,
            token_hash=_digest(token),
            created_by=created_by,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
    return IssuedInvitation(invitation, token)


def invitation_send(*, issued: IssuedInvitation) -> bool:
    """E-mail the link. False (and logged) when the mail server refused it:
    the invitation stands and can be sent again from the person's page."""
    invitation = issued.invitation
    user = invitation.user
    context = {
        "person": user,
        "invited_by": invitation.created_by,
        "url": issued.url,
        "expires_at": invitation.expires_at,
        "sso_enabled": bool(settings.OIDC_RP_CLIENT_ID),
        "sso_label": settings.SSO_LABEL,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject="You are invited to the CSO Program",
        body=render_to_string("departments/email/invitation.txt", context),
        to=[user.email],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(
        render_to_string("departments/email/invitation.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:  # noqa: BLE001 - any mail failure: the CCSO is told and can resend
        logger.exception("Invitation e-mail to user %s not sent", user.pk)
        return False
    Invitation.objects.filter(pk=invitation.pk).update(emailed=True)
    return True


class InvitationState:
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def invitation_for_token(token: str) -> tuple[str, Invitation | None]:
    """The invitation this link names and whether it can still be used."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=_digest(token)).first()
    if invitation is None:
        return InvitationState.UNKNOWN, None
    if invitation.accepted_at is not None:
        return InvitationState.USED, invitation
    if (
        invitation.cancelled_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.user.is_active
    ):
        return InvitationState.EXPIRED, invitation
    return InvitationState.OPEN, invitation


def invitation_accept(*, token: str, password: str | None) -> User:
    """Use the link once: set the password (unless the person signs in with
    single sign-on only) and start. ValidationError when the link is spent."""
    state, invitation = invitation_for_token(token)
    if state != InvitationState.OPEN:
        raise ValidationError(INVITATION_MESSAGES[state], code=state)
    now = timezone.now()
    with transaction.atomic():
        # The compare-and-swap makes the link single-use even when it is
        # opened in two tabs at once.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, cancelled_at=None, expires_at__gt=now
        ).update(accepted_at=now)
        if claimed != 1:
            raise ValidationError(INVITATION_MESSAGES[InvitationState.USED], code="used")
        user = User.objects.select_for_update().get(pk=invitation.user_id)
        if password is not None and not user.sso_only:
            user.set_password(password)
        user._history_user = user
        user._change_reason = "Accepted the invitation"
        user.save()
    return user


def invitations_close_for_sso(*, user: User) -> None:
    """A person who signs in with single sign-on has joined: their open links close."""
    now = timezone.now()
    opened = Invitation.objects.filter(user=user, accepted_at=None, cancelled_at=None)
    first = opened.order_by("-created_at").first()
    if first is None:
        return
    with transaction.atomic():
        opened.exclude(pk=first.pk).update(cancelled_at=now)
        Invitation.objects.filter(pk=first.pk, accepted_at=None, cancelled_at=None).update(
            accepted_at=now
        )


def invitations_cancel(*, user: User) -> int:
    return Invitation.objects.filter(user=user, accepted_at=None, cancelled_at=None).update(
        cancelled_at=timezone.now()
    )


INVITATION_MESSAGES = {
    InvitationState.UNKNOWN: "This invitation link is not valid. Check that you opened the "
    "whole link from the e-mail, or ask the Chief Customer Service Officer for a new one.",
    InvitationState.USED: "This invitation link has been used already. Log in with your "
    "password, or reset it from the log-in page.",
    InvitationState.EXPIRED: "This invitation link has expired. Ask the Chief Customer "
    "Service Officer to send you a new one.",
}


# -- API tokens ----------------------------------------------------------------------


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`. The key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the script that uses it."})
    if ApiToken.objects.filter(user=user, name__iexact=name, revoked_at=None).exists():
        raise ValidationError({"name": f"You already have a token named “{name}”."})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=_digest(key), prefix=key[:8])
    return token, key


def api_tokens_active(user: User):
    return ApiToken.objects.filter(user=user, revoked_at=None)


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """True if this call revoked it (another person's token is never found)."""
    return (
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        == 1
    )


def api_tokens_revoke_all(*, user: User) -> int:
    """Every token of the person stops working, also one issued in the admin."""
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    AdminIssuedToken.objects.filter(user=user).delete()
    return revoked


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token with this key, its last use recorded (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked_at=None)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(
            Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION), pk=token.pk
        ).update(last_used_at=now)
    return token
