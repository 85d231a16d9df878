"""The catalog's signals the recommender listens to (connected in `RecommendationsConfig.ready`)."""

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from catalog.models import Title
from catalog.signals import community_ratings_read, title_merging
from recommendations.models import CommunityRating
from recommendations.services import community_ratings_sync


@receiver(community_ratings_read, dispatch_uid="recommendations-community-ratings")
def community_ratings_store(*, ratings: Iterable[tuple[int, int, float]], **_kwargs: Any) -> int:
    """The recommender learns from the community ratings the embedded load reads: how many it stored."""
    synced = community_ratings_sync(ratings=ratings)
    return synced.stored if synced.changed else 0


@receiver(title_merging, dispatch_uid="recommendations-title-merging")
def community_ratings_merge(*, keep: Title, duplicate: Title, **_kwargs: Any) -> None:
    """The community's ratings of the duplicate become ratings of the kept title, unless the same person
    rated both (their rating of the kept title stays); the next training learns from them."""
    raters = set(CommunityRating.objects.filter(title=keep).values_list("user_key", flat=True))
    moved = [
        CommunityRating(user_key=r.user_key, title=keep, rating=r.rating)
        for r in CommunityRating.objects.filter(title=duplicate)
        if r.user_key not in raters
    ]
    CommunityRating.objects.bulk_create(moved, batch_size=5000)
    CommunityRating.objects.filter(title=duplicate).delete()
