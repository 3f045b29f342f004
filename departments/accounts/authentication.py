"""`Authorization: Token …` for the API: the tokens people create on their
profile page, and the ones an administrator issued in the admin before."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .services import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = api_token_authenticate(key)
        if token is None:
            # Not one of ours: an admin-issued token, or "Invalid token."
            return super().authenticate_credentials(key)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
