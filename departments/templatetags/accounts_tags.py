from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_label() -> str:
    """The name of the single sign-on button, or "" when single sign-on is off."""
    return settings.SSO_LABEL if settings.OIDC_RP_CLIENT_ID else ""
