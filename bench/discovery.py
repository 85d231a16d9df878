"""Discovery benchmark on PostgreSQL: the embedded catalog plus a synthetic catalog of 1,000,000 titles,
and a user with 20,000 entries on the best-ranked titles (the worst case for "never seen").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true \
        .venv/bin/python -m bench.discovery

Reports p50/p95 of search-by-filters and search-by-keywords through the full Django stack (in-process
test client), beside the raw SQL time of the same anti-join query and beside the naive approach (fetch a
page, drop seen titles in Python, fetch the next page until one is full). Synthetic titles ("<word> <word> <n>")
stay in this database: they are made up, never shown to anyone.
"""

from bench.common import api_client, percentiles, prepare_database  # first: it sets Django up

import json

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from catalog.models import MediaType, Title
from catalog.selectors import DiscoveryFilters, genres_resolve, titles_discover
from catalog.services import data_source_sync
from catalog.sources import SourceInfo
from library.models import Entry, Status

SYNTHETIC = 1_000_000
ENTRIES = 20_000
SOURCE = SourceInfo(
    key="bench-synthetic",
    name="Synthetic titles (benchmark database only)",
    licence="-",
    url="",
    attribution="Made up by bench/discovery.py to measure discovery at scale.",
)
WORDS = (
    "night day river city dark light love war king queen ghost lost last first blood stone fire ice "
    "shadow dream road home sea star moon sun iron gold silver secret silent broken wild golden "
    "midnight summer winter storm heart hunter empire island garden mirror"
).split()


def build() -> None:
    prepare_database()
    source = data_source_sync(SOURCE)
    have = Title.objects.filter(source=source).count()
    if have < SYNTHETIC:
        print(f"generating {SYNTHETIC - have} synthetic titles…", flush=True)
        words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO catalog_title (created_at, updated_at, media_type, title_en, title_fr, original_title,
                    original_language, alternate_titles, overview_en, overview_fr, trailer_url_en, trailer_url_fr,
                    poster_path, year, runtime, imdb_rating, imdb_votes, rating, votes, score, directors, writers,
                    "cast", countries, source_id, source_key, provenance, search_title, search_people)
                SELECT now(), now(), 'movie', t.name, '', t.name, (ARRAY['en','fr','es','de','ja','it'])[1 + i %% 6],
                    '[]', '', '', '', '', '', 1930 + i %% 95, 70 + i %% 120, r, v, r, v, s, '[]', '[]', '[]', '[]',
                    %s, 'syn-' || i, '{{}}', lower(t.name), ''
                FROM generate_series(%s, %s) AS i,
                LATERAL (SELECT ({words})[1 + (i * 7) %% {len(WORDS)}] || ' '
                         || ({words})[1 + (i * 13) %% {len(WORDS)}] || ' ' || i AS name,
                         round((1 + random() * 8)::numeric, 1) AS r, (random() * 50000)::int AS v) AS t,
                LATERAL (SELECT round((t.r * 0.8 + 1.0)::numeric, 3)::float AS s) AS sc
            """,
                [source.pk, have + 1, SYNTHETIC],
            )
            cursor.execute(
                """
                INSERT INTO catalog_title_genres (title_id, genre_id)
                SELECT t.id, g.id FROM catalog_title t
                JOIN catalog_genre g ON g.for_movies AND (g.id + t.id) %% 6 = 0
                WHERE t.source_id = %s
                ON CONFLICT DO NOTHING
            """,
                [source.pk],
            )
        call_command("load_catalog", "--if-empty", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_title")
            cursor.execute("VACUUM ANALYZE catalog_title_genres")
    user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
    top = list(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .order_by("-score")
        .values_list("pk", flat=True)[:ENTRIES]
    )
    if set(Entry.objects.filter(user=user).values_list("title_id", flat=True)) != set(top):
        Entry.objects.filter(user=user).delete()
        Entry.objects.bulk_create(
            [Entry(user=user, title_id=pk, status=Status.SEEN) for pk in top], batch_size=5000
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE library_entry")


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run this benchmark on PostgreSQL (set DATABASE_URL).")
    build()
    user = User.objects.get(username="bench")
    print(
        f"titles: {Title.objects.count():,}; the user's entries: {Entry.objects.filter(user=user).count():,} "
        "(the best-ranked titles)"
    )
    client = api_client(user)
    comedy, _unknown = genres_resolve(["Comedy"], media_type=MediaType.MOVIE)

    cases = [
        ("feed, default", {}, DiscoveryFilters()),
        (
            "feed, comedy 1990-2010",
            {"genres": ["Comedy"], "year_from": 1990, "year_to": 2010},
            DiscoveryFilters(genres=(comedy[0].pk,), year_from=1990, year_to=2010),
        ),
        (
            "feed, French, rating>=7",
            {"languages": ["fr"], "min_rating": 7},
            DiscoveryFilters(languages=("fr",), min_rating=7),
        ),
    ]
    print(
        f"\n{'search-by-filters':<28}{'API p50':>9}{'API p95':>9}{'SQL p50':>9}{'SQL p95':>9}{'naive p50':>11}"
    )
    for label, body, filters in cases:
        payload = json.dumps(body)
        api = percentiles(
            lambda p=payload: client.post("/movies/search-by-filters", p, content_type="application/json")
        )
        titles, _skipped = titles_discover(media_type=MediaType.MOVIE, filters=filters, user=user)
        sql, params = titles[:21].query.sql_with_params()

        def raw(sql: str = sql, params: tuple = params) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        raw_sql = percentiles(raw)
        naive = percentiles(lambda f=filters: naive_page(f, user), n=5)
        print(
            f"{label:<28}{api[0]:>8.1f} {api[1]:>8.1f} {raw_sql[0]:>8.1f} {raw_sql[1]:>8.1f} {naive[0]:>10.0f}"
        )

    print(f"\n{'search-by-keywords':<28}{'API p50':>9}{'API p95':>9}")
    for query in ("pulp fiktion", "the godfahter", "amelie", "kubrick", "ge tout", "silent river"):
        payload = json.dumps({"query": query})
        api = percentiles(
            lambda p=payload: client.post("/movies/search-by-keywords", p, content_type="application/json"),
            n=20,
        )
        first = client.post("/movies/search-by-keywords", payload, content_type="application/json").json()
        top = first["results"][0]["title"] if first["results"] else "-"
        print(f"{query!r:<28}{api[0]:>8.1f} {api[1]:>8.1f}   first: {top}")


def naive_page(filters: DiscoveryFilters, user: User, size: int = 20) -> list[int]:
    """What not to do: page through the unfiltered ranking and drop the user's titles in Python."""
    seen = set(Entry.objects.filter(user=user).values_list("title_id", flat=True))
    titles, _ = titles_discover(media_type=MediaType.MOVIE, filters=filters, user=AnonymousUser())
    found: list[int] = []
    page = 0
    while len(found) < size:
        batch = list(titles.values_list("pk", flat=True)[page * size : (page + 1) * size])
        if not batch:
            break
        found += [pk for pk in batch if pk not in seen][: size - len(found)]
        page += 1
    return found


if __name__ == "__main__":
    main()
