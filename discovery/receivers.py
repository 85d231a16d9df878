"""The feed's cache forgets titles the catalog changed without saving them one by one (hidden, merged)."""

from typing import Any

from django.dispatch import receiver

from catalog.signals import titles_changed
from discovery.feed import feed_cache_clear


@receiver(titles_changed, dispatch_uid="feed-cache-titles-changed")
def _titles_changed(**_kwargs: Any) -> None:
    feed_cache_clear()
