"""Password-reset requests are throttled per e-mail address and per network
address, in the cache. Log-in has its own throttle (django-axes)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _within(key: str, limit: int) -> bool:
    # add() is a no-op when the window is running; incr() is atomic in Redis
    # and in the local-memory cache.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit


def reset_allowed_from(ip: str) -> bool:
    return _within(f"password-reset:ip:{ip}", settings.PASSWORD_RESET_LIMIT_PER_IP)


def reset_allowed_for(email: str) -> bool:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _within(f"password-reset:email:{digest}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
