"""Single sign-on with OpenID Connect (authorization code flow with PKCE),
built on mozilla-django-oidc. Off unless OIDC_RP_CLIENT_ID is set.

A person signs in with the city's identity provider only if the program
knows them: the e-mail address the provider vouches for must be that of a
person on the roster (invited or joined). Strangers get no account, and a
deactivated person is refused.
"""

import logging

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .services import invitations_close_for_sso

logger = logging.getLogger(__name__)

# Settings that an issuer's discovery document can fill in.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 60 * 60

REFUSALS = {
    "stranger": "Single sign-on recognised you, but you are not on the program's roster. "
    "Ask the Chief Customer Service Officer for an invitation.",
    "deactivated": "Your account in the CSO Program has been deactivated. Ask the Chief "
    "Customer Service Officer if you should still have access.",
    "no_email": "Single sign-on did not tell us a verified e-mail address, so we cannot "
    "recognise you. Ask the city's help desk, or log in with your password.",
}
FAILED = "Single sign-on did not complete. Try again, or log in with your password."


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def _discovery() -> dict:
    issuer = settings.OIDC_ISSUER
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"The provider at {issuer} names another issuer: {document.get('issuer')!r}."
            )
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def sso_setting(name, *default):
    """mozilla-django-oidc's settings lookup, with endpoints left empty taken
    from the issuer's discovery document."""
    value = getattr(settings, name, None)
    if not value and name in DISCOVERED and settings.OIDC_ISSUER:
        value = _discovery().get(DISCOVERED[name])
        if value:
            return value
    return import_from_settings(name, *default)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(sso_setting)

    def _refuse(self, reason: str) -> None:
        self.request.sso_refusal = reason

    def verify_claims(self, claims):
        if not claims.get("email") or claims.get("email_verified") is False:
            self._refuse("no_email")
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip())

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            user = super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation:
            self._refuse(getattr(self.request, "sso_refusal", "") or "stranger")
            raise
        if user is None:
            # OIDC_CREATE_USER is off: nobody gets an account by signing in.
            self._refuse("stranger")
        return user

    def update_user(self, user, claims):
        if not user.is_active:
            # The callback refuses inactive people; say why.
            self._refuse("deactivated")
            return user
        invitations_close_for_sso(user=user)
        return user

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # The ID token (not a signed userinfo answer): mozilla-django-oidc
            # checks neither its audience nor its issuer, so we do.
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token was issued for another client.")
            issuer = settings.OIDC_ISSUER
            if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
                raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_user(self, user_id):
        # Unlike Django's ModelBackend, mozilla-django-oidc keeps a
        # deactivated person's session alive; end it at their next request.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class SsoRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(sso_setting)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(sso_setting)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self):
        from django.contrib import messages

        reason = getattr(self.request, "sso_refusal", "")
        logger.info("Single sign-on refused: %s", reason or "failed")
        messages.error(self.request, REFUSALS.get(reason, FAILED))
        return super().login_failure()
