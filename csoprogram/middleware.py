"""Response headers every page of the program carries.

- PrivatePagesMiddleware: a page shown to a signed-in person is for that
  person only. Without a Cache-Control header a browser may keep it on disk
  and show it again from the cache after log-out (a shared computer at a
  counter), and a proxy may keep it for the next visitor. Such responses get
  `private, no-store` (Django's never_cache headers), the API's too. A view
  that set its own Cache-Control keeps it (the login page and /healthz send
  never_cache; a packet download sends its own). The public pages (the
  `public` URL namespace) are the same for everyone and may be cached
  publicly, so they are left alone. Static files never get here: WhiteNoise
  answers them first, with a year of public caching for hashed names.
- PermissionsPolicyMiddleware: the program needs no camera, microphone,
  location, payment or other powerful browser features; the header says so,
  so that nothing injected into a page can ask for them.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# URL namespaces of pages anyone may see, identical for every visitor
# (csoprogram/public_urls.py).
PUBLIC_NAMESPACES = frozenset({"public"})


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace in PUBLIC_NAMESPACES:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
