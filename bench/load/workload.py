"""What the load is made of: the routes and request bodies, the bench's users and the titles they marked."""

import bench.common  # noqa: F401 - sets Django up before the models are imported

import random

from django.db import connection

from accounts.models import User
from catalog.models import MediaType, Title
from library.models import Entry, Status

FEED = "/movies/search-by-filters"
UPDATE = "/me/movies/update_status"
FEED_BODIES = [
    {},
    {"genres": ["Comedy"]},
    {"year_from": 1990, "year_to": 2010},
    {"min_rating": 7},
    {"genres": ["Drama"], "sort_by": "year"},
    {"languages": ["fr"]},
    {"sort_by": "votes"},  # deeper pages are reached by a `next` cursor, measured by bench/discovery.py
    {"genres": ["Science Fiction"], "min_votes": 1000},
]
STATUSES = [Status.SEEN, Status.LATER, Status.HIDDEN]


def bench_users(prefix: str, count: int) -> list[User]:
    users = []
    for i in range(count):
        user, _ = User.objects.get_or_create(
            username=f"{prefix}-{i:03d}", defaults={"email": f"{prefix}-{i:03d}@example.org"}
        )
        users.append(user)
    return users


def give_entries(users: list[User], per_user: int) -> None:
    """Each user has marked the best-ranked films (the worst case for "never seen"), some watch-later."""
    best = list(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .order_by("-score", "pk")
        .values_list("pk", flat=True)[: per_user * 2]
    )
    Entry.objects.filter(user__in=users).delete()
    Entry.objects.bulk_create(
        [
            Entry(user=user, title_id=pk, status=STATUSES[(i + n) % 3])
            for n, user in enumerate(users)
            for i, pk in enumerate(random.Random(user.pk).sample(best, per_user))
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE library_entry")


def movie_ids() -> list[int]:
    return list(Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", flat=True))
