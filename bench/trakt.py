"""Trakt sync benchmark: one account's first sync with 5,000 history items, then an idle and a small one.

Against the fake Trakt (tests/fakes/trakt.py, Trakt's wire format and pagination headers) on 127.0.0.1, so
the figures are ours (requests at the default TRAKT_RATE_LIMIT_PER_SECOND, parsing, matching, writing),
not Trakt's network. Run against PostgreSQL (a dedicated database; migrated and filled by this script):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true .venv/bin/python -m bench.trakt
    .venv/bin/python -m bench.trakt --smoke      # 50 history items
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection

from accounts.models import User
from catalog.models import MediaType, Title
from integrations.trakt import trakt_connect, trakt_status, trakt_sync
from library.models import Entry
from tests.fakes.trakt import FakeTrakt, movie_object

FULL_ITEMS, SMOKE_ITEMS = 5_000, 50
NEW_ITEMS = 50  # plays added on Trakt between the first sync and the third
UNMATCHED_SHARE = 20  # one item in 20 names a film the catalog does not hold


def main() -> None:
    smoke = arguments().smoke
    items = SMOKE_ITEMS if smoke else FULL_ITEMS
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    prepare_database(smoke=smoke)
    titles = list(
        Title.objects.filter(media_type=MediaType.MOVIE, imdb_id__isnull=False)
        .order_by("id")
        .values_list("title_en", "year", "tmdb_id", "imdb_id")[: items + NEW_ITEMS]
    )
    with FakeTrakt(client_id="bench-client", client_secret="bench-secret") as fake:  # noqa: S106 - the fake's
        settings.TRAKT_BASE_URL, settings.TRAKT_CLIENT_ID = fake.url, "bench-client"
        settings.TRAKT_CLIENT_SECRET = "bench-secret"  # noqa: S105 - the fake's
        start = datetime(2020, 1, 1, tzinfo=UTC)
        for i in range(items):  # plays of films, some twice, some unknown here
            if i % UNMATCHED_SHARE == 0:
                movie = movie_object(
                    f"Unknown film {i}", 1990, trakt=10_000_000 + i, tmdb=90_000_000 + i, imdb=None
                )
            else:
                name, year, tmdb, imdb = titles[i % len(titles)]
                movie = movie_object(name, year, trakt=i + 1, tmdb=tmdb, imdb=imdb)
            fake.watch(movie, start + timedelta(hours=i))
        User.objects.filter(username="bench-trakt").delete()
        user = User.objects.create_user(username="bench-trakt", email="bench-trakt@example.org")
        trakt_connect(user=user, push=True)
        fake.approve()
        connection_ = trakt_status(user=user)
        assert connection_ is not None
        assert connection_.state == "connected"
        print(f"history items on Trakt: {items:,} (1 in {UNMATCHED_SHARE} unknown here)")
        print(f"rate limit: {settings.TRAKT_RATE_LIMIT_PER_SECOND}/s; page size 1,000")
        rows = []
        for label in ("first sync", "idle sync", f"{NEW_ITEMS} new plays"):
            if label.endswith("new plays"):
                for j, (name, year, tmdb, imdb) in enumerate(titles[-NEW_ITEMS:]):
                    movie = movie_object(name, year, trakt=5_000_000 + j, tmdb=tmdb, imdb=imdb)
                    fake.watch(movie, start + timedelta(hours=items + j))
            fake.requests.clear()
            started = time.perf_counter()
            result = trakt_sync(connection_id=connection_.pk)
            seconds = time.perf_counter() - started
            assert result is not None
            rows.append((label, seconds, len(fake.requests), result))
        print(f"{'run':<16} {'seconds':>8} {'requests':>9} {'pulled':>7} {'created':>8} {'unmatched':>10}")
        for label, seconds, requests, result in rows:
            pulled = sum(result.pulled.values())
            print(
                f"{label:<16} {seconds:>8.2f} {requests:>9} {pulled:>7} {result.created:>8} {result.unmatched:>10}"
            )
        print(f"entries: {Entry.objects.filter(user=user).count():,}")


if __name__ == "__main__":
    main()
