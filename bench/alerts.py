"""Weekly digest benchmark: this week's digest for 10,000 members, time and peak memory.

Each member has one to three saved searches drawn from 60 filter sets (genres, decades, ratings, languages),
marked 30 titles, and last looked a week ago; 2 % of the catalog's titles are made new this week. E-mails
are built but handed to Django's dummy backend (building them is measured, delivery is not).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true \
        .venv/bin/python -m bench.alerts
    .venv/bin/python -m bench.alerts --smoke      # 200 members on the smoke catalog
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import random
import resource
import time
import tracemalloc
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alerts.digest import DigestResult, digest_run
from alerts.models import AlertItem, DigestSubscription, SavedSearch
from catalog.models import Genre, Title
from library.models import Entry, Status

BENCH_PREFIX = "bench-alerts-"


def filter_sets(rng: random.Random) -> list[dict]:
    genres = list(Genre.objects.filter(for_movies=True).values_list("name_en", flat=True)) or [None]
    sets: list[dict] = []
    for i in range(60):
        filters: dict = {}
        if genres[0] is not None:
            filters["genres"] = rng.sample(genres, k=1 + i % 2)
        if i % 3 == 0:
            decade = 1950 + 10 * (i % 7)
            filters |= {"year_from": decade, "year_to": decade + 9}
        if i % 4 == 0:
            filters["min_rating"] = 6.5
        if i % 5 == 0:
            filters["languages"] = [rng.choice(["en", "fr", "ja", "it"])]
        sets.append(filters)
    return sets


def populate(members: int, rng: random.Random) -> None:
    now = timezone.now()
    User.objects.filter(username__startswith=BENCH_PREFIX).delete()
    User.objects.bulk_create(
        [
            User(username=f"{BENCH_PREFIX}{i}", email=f"{BENCH_PREFIX}{i}@example.org", password="!")  # noqa: S106 - unusable: nobody logs in
            for i in range(members)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=BENCH_PREFIX).values_list("pk", flat=True))
    title_ids = list(Title.objects.values_list("pk", flat=True))
    Title.objects.update(created_at=now - timedelta(days=60))
    new_ids = rng.sample(title_ids, k=max(10, len(title_ids) // 50))
    Title.objects.filter(pk__in=new_ids).update(created_at=now - timedelta(days=2))
    sets = filter_sets(rng)
    searches, entries, subscriptions = [], [], []
    for user_id in users:
        for n, filters in enumerate(rng.sample(sets, k=rng.randint(1, 3))):
            searches.append(
                SavedSearch(user_id=user_id, name=f"search {n}", media_type="movie", filters=filters)
            )
        for title_id in rng.sample(title_ids, k=min(30, len(title_ids))):
            entries.append(Entry(user_id=user_id, title_id=title_id, status=Status.SEEN))
        subscriptions.append(DigestSubscription(user_id=user_id, checked_until=now - timedelta(days=7)))
    SavedSearch.objects.bulk_create(searches, batch_size=5000)
    Entry.objects.bulk_create(entries, batch_size=5000, ignore_conflicts=True)
    DigestSubscription.objects.bulk_create(subscriptions, batch_size=5000)
    print(
        f"members {len(users)}, saved searches {len(searches)}, entries {len(entries)}, new titles {len(new_ids)}"
    )


def main() -> None:
    smoke = arguments().smoke
    members = 200 if smoke else 10_000
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    prepare_database(smoke=smoke)
    rng = random.Random(7)
    populate(members, rng)
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    reverse("web:alerts")  # the URLconf's one import, not the digest's cost
    result, seconds = run_once()
    print(
        f"digest: {result.users} members, {result.items} items, {result.emails} e-mails in {seconds:.2f} s "
        f"= {result.users / seconds:.0f} members/s"
    )
    again = digest_run()
    print(f"same week again: {again.users} members in {again.seconds:.2f} s")
    tracemalloc.start()
    result, _seconds = run_once()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory: peak Python allocations {peak / 2**20:.1f} MB (tracemalloc, second run), max RSS {rss:.0f} MB"
    )


def run_once() -> tuple[DigestResult, float]:
    """This week's digest from scratch (nobody done yet, no items)."""
    AlertItem.objects.all().delete()
    DigestSubscription.objects.update(last_week=None, checked_until=timezone.now() - timedelta(days=7))
    started = time.perf_counter()
    result = digest_run()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    main()
