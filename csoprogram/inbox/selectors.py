"""Reads of My work."""

from django.core.cache import cache

from .items import InboxContext, InboxItem
from .providers import PROVIDERS

# The count in the navigation is the one My work (or the home page) last
# showed the person, kept this long; reading it costs no query on other pages.
COUNT_TTL_SECONDS = 10 * 60


def _count_key(user_id: int) -> str:
    return f"inbox-count:{user_id}"


def inbox_for(user) -> list[InboxItem]:
    """Everything the person must do next, most urgent first."""
    ctx = InboxContext(user=user)
    items = [item for provider in PROVIDERS for item in provider(ctx)]
    items.sort(key=InboxItem.sort_key)
    cache.set(_count_key(user.pk), len(items), COUNT_TTL_SECONDS)
    return items


def inbox_count_cached(user) -> int | None:
    """The count My work last showed, or None when it is not known."""
    return cache.get(_count_key(user.pk))
