"""The catalog's signals the recommender listens to (connected in `RecommendationsConfig.ready`)."""

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from catalog.signals import community_ratings_read
from recommendations.services import community_ratings_sync


@receiver(community_ratings_read, dispatch_uid="recommendations-community-ratings")
def community_ratings_store(*, ratings: Iterable[tuple[int, int, float]], **_kwargs: Any) -> int:
    """The recommender learns from the community ratings the embedded load reads: how many it stored."""
    synced = community_ratings_sync(ratings=ratings)
    return synced.stored if synced.changed else 0
