"""Alerts benchmark: this week's digest for 10,000 members, time and peak memory; and the daily check of
watch-later titles arriving on members' services, against a fake TMDB answering after 100 ms.

Each member has one to three saved searches drawn from 60 filter sets (genres, decades, ratings, languages),
marked 30 titles, and last looked a week ago; 2 % of the catalog's titles are made new this week. E-mails
are built but handed to Django's dummy backend (building them is measured, delivery is not).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true \
        .venv/bin/python -m bench.alerts
    .venv/bin/python -m bench.alerts --smoke      # 200 members on the smoke catalog
    ... -m bench.alerts --only arrivals          # the arrivals check alone

Arrivals: 2,000 titles on the watch-later lists of 2,000 members (FR or US, two services each, 20 titles
each); TMDB's /movie/{id}/watch/providers answered by the tests' fake in TMDB's wire format after 100 ms.
First 200 titles one request at a time (the baseline), then the 2,000 with the check's threads, on the day
of their first snapshot and the next day, when 5 % of them arrive on Netflix in France; then the same day
again. Requests/s and the highest count in any one-second window beside TMDB_RATE_LIMIT_PER_SECOND.
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import argparse
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
from alerts import arrivals
from alerts.digest import DigestResult, digest_run
from alerts.models import AlertItem, DigestSubscription, OfferSnapshot, SavedSearch, ServiceArrival
from bench.enrichment import highest_rate
from catalog.models import Genre, Title
from library.models import Entry, Status
from tests.fakes.tmdb import FakeTitle, FakeTmdb

BENCH_PREFIX = "bench-alerts-"
ARRIVALS_PREFIX = "bench-arrivals-"
TMDB_KEY = "bench-tmdb-key"
BENCH_TMDB_IDS = 900_000_000  # ids given to the bench's films that have none (far above TMDB's)
# (titles, members, sequential baseline's titles, fake latency in seconds)
ARRIVALS_SIZES = (2_000, 2_000, 200, 0.1)
SMOKE_ARRIVALS_SIZES = (30, 20, 5, 0.01)
NETFLIX, CANAL, DISNEY, APPLE = 8, 381, 337, 2
SERVICES = (["netflix", "canal"], ["netflix", "disneyplus"], ["canal", "disneyplus"])


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("digest", "arrivals"), help="run one part (default: both)")
    options = arguments(parser)
    if options.only != "arrivals":
        digest_bench(options.smoke)
    if options.only != "digest":
        arrivals_bench(options.smoke)


def digest_bench(smoke: bool) -> None:
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


def arrivals_bench(smoke: bool) -> None:
    """The daily arrivals check against a fake TMDB (see the module's docstring)."""
    titles_count, members, baseline_count, latency = SMOKE_ARRIVALS_SIZES if smoke else ARRIVALS_SIZES
    prepare_database(smoke=smoke)
    rng = random.Random(11)
    chosen = list(
        Title.objects.filter(media_type="movie").order_by("pk").values_list("pk", flat=True)[:titles_count]
    )
    for pk in Title.objects.filter(pk__in=chosen, tmdb_id__isnull=True).values_list("pk", flat=True):
        Title.objects.filter(pk=pk).update(tmdb_id=BENCH_TMDB_IDS + pk)  # films known by IMDb id only
    titles = list(Title.objects.filter(pk__in=chosen).order_by("pk"))
    fakes = {
        t.pk: FakeTitle(
            media_type="movie",
            tmdb_id=t.tmdb_id or 0,
            title={"en": t.title_en},
            offers={
                "FR": {"flatrate": [rng.choice([CANAL, DISNEY])], "rent": [APPLE]},
                "US": {"flatrate": [rng.choice([NETFLIX, DISNEY])], "buy": [APPLE]},
            },
        )
        for t in titles
    }
    User.objects.filter(username__startswith=ARRIVALS_PREFIX).delete()
    OfferSnapshot.objects.all().delete()
    User.objects.bulk_create(
        [
            User(
                username=f"{ARRIVALS_PREFIX}{i}",
                email=f"{ARRIVALS_PREFIX}{i}@example.org",
                password="!",  # noqa: S106 - unusable: nobody logs in
                watch_country="FR" if i % 2 else "US",
                watch_services=SERVICES[i % len(SERVICES)],
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=ARRIVALS_PREFIX).values_list("pk", flat=True))
    ids = [t.pk for t in titles]

    def lists(among: list[int]) -> list[Entry]:
        return [
            Entry(user_id=user_id, title_id=title_id, status=Status.LATER)
            for n, user_id in enumerate(users)
            for title_id in {among[n % len(among)], *rng.sample(among, k=min(19, len(among)))}
        ]

    Entry.objects.bulk_create(lists(ids[:baseline_count]), batch_size=5000, ignore_conflicts=True)
    limit = settings.TMDB_RATE_LIMIT_PER_SECOND
    print(
        f"arrivals: {len(titles)} titles, {len(users)} members, fake latency {latency * 1000:.0f} ms, "
        f"TMDB limit {limit:g}/s ({'Redis' if settings.REDIS_URL else 'in-process'} bucket)"
    )
    with FakeTmdb(api_key=TMDB_KEY) as tmdb:
        tmdb.add(*fakes.values())
        tmdb.latency = latency
        settings.TMDB_BASE_URL, settings.TMDB_API_KEY, settings.TMDB_READ_TOKEN = tmdb.url, TMDB_KEY, ""
        day = timezone.now().replace(hour=5, minute=0, second=0, microsecond=0)

        def run(label: str, moment: object) -> None:
            tmdb.requests.clear()
            result = arrivals.arrivals_run(now=moment)  # type: ignore[arg-type]
            seconds = result.seconds or 1e-9
            print(
                f"{label:<42} {result.titles:>6} titles {result.fetched:>6} requests {seconds:>7.2f} s "
                f"{result.fetched / seconds:>6.1f} requests/s, highest in one second "
                f"{highest_rate([r.received_at for r in tmdb.requests]):>3}; {result.arrivals} arrivals"
            )

        threads = arrivals.FETCH_THREADS
        arrivals.FETCH_THREADS = 1
        run("baseline: one request at a time", day - timedelta(days=10))
        arrivals.FETCH_THREADS = threads
        Entry.objects.bulk_create(lists(ids), batch_size=5000, ignore_conflicts=True)
        run(f"{threads} threads, first snapshot", day)
        for pk in rng.sample(ids, k=max(1, len(ids) // 20)):
            fakes[pk].offers["FR"]["flatrate"].append(NETFLIX)
        run(f"{threads} threads, next day", day + timedelta(days=1))
        run("the same day again", day + timedelta(days=1, hours=1))
    ServiceArrival.objects.filter(user__username__startswith=ARRIVALS_PREFIX).delete()


if __name__ == "__main__":
    main()
