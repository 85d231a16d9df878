"""Discovery benchmark on PostgreSQL: the embedded catalog plus a synthetic catalog of 1,000,000 titles,
and a user with 20,000 entries on the best-ranked titles (the worst case for "never seen").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true \
        .venv/bin/python -m bench.discovery
    .venv/bin/python -m bench.discovery --smoke      # 1,000 synthetic titles, 200 entries, SQLite or PostgreSQL
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.discovery --synthetic 100000 --entries 2000
    .venv/bin/python -m bench.discovery --synthetic 100000 --entries 2000 --rules 20   # with 20 hide rules
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_scale DJANGO_DEBUG=true \
        .venv/bin/python -m bench.discovery --grid    # 100,000 / 300,000 / 1,000,000 x 0 / 2,000 / 20,000

Reports p50/p95 of search-by-filters (its first page, and its third reached by following `next`: the cursor
of the second) and search-by-keywords through the full Django stack (in-process test client), beside the raw
SQL time of the same anti-join query and beside the naive approach (fetch a page, drop seen titles in
Python, fetch the next page until one is full). `--synthetic`/`--entries` choose smaller sizes, on SQLite
too. Synthetic titles ("<word> <word> <n>") stay in this database: they are made up, never shown to anyone.

`--grid` measures the feed as the catalog grows: the synthetic titles are added scale after scale (each scale
measured once, its rows kept in `--results` so an interrupted run resumes at the next), and at each the user
holds 0, 2,000 and 20,000 of the best-ranked titles; every case gives the first request after the ranking
was dropped (what a deploy costs: the ranking computed), then p50/p95 of the warm API beside the raw SQL of the
same anti-join, and the memory the process's rankings take. The table is printed and plotted (`--plot`).
"""

from bench.common import api_client, arguments, percentiles, prepare_database  # first: it sets Django up

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from accounts.models import User
from catalog.models import CreditRole, DataSource, Genre, MediaType, Person, Title
from catalog.selectors import genres_resolve
from catalog.ingest.sources import data_source_sync
from catalog.ingest.sources import SourceInfo
from discovery.feed import feed_cache_bytes, feed_cache_clear, ruled_title_ids
from discovery.filters import DiscoveryFilters
from discovery.selectors import titles_discover
from library.models import Entry, HideRule, Status


@dataclass(frozen=True)
class Sizes:
    synthetic: int
    entries: int
    calls: int  # per measured route
    naive_calls: int


FULL = Sizes(synthetic=1_000_000, entries=20_000, calls=50, naive_calls=5)
SMOKE = Sizes(synthetic=1_000, entries=200, calls=3, naive_calls=1)
GRID_SCALES = (100_000, 300_000, 1_000_000)
GRID_ENTRIES = (0, 2_000, 20_000)
SMOKE_GRID = ((1_000,), (0, 200))
DOCS = Path(__file__).resolve().parents[1] / "docs"
BATCH = 10_000
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
LANGUAGES = ["en", "fr", "es", "de", "ja", "it"]


def synthetic_titles(first: int, last: int, source: DataSource) -> Iterator[Title]:
    """Titles `first`..`last` as model instances: every column the model has gets its default, so a new
    column can never be left out (a hand-written INSERT once missed `refresh_error`)."""
    rng = random.Random(first)
    for i in range(first, last + 1):
        name = f"{WORDS[(i * 7) % len(WORDS)]} {WORDS[(i * 13) % len(WORDS)]} {i}"
        rating = round(1 + rng.random() * 8, 1)
        votes = rng.randrange(50_000)
        title = Title(
            media_type=MediaType.MOVIE,
            title_en=name,
            original_title=name,
            original_language=LANGUAGES[i % len(LANGUAGES)],
            year=1930 + i % 95,
            runtime=70 + i % 120,
            imdb_rating=Decimal(str(rating)),
            imdb_votes=votes,
            rating=rating,
            votes=votes,
            score=round(rating * 0.8 + 1.0, 3),
            source=source,
            source_key=f"syn-{i}",
        )
        title.refresh_search_fields()  # what Title.save() keeps; bulk_create does not call it
        yield title


def link_genres(source: DataSource) -> None:
    """Every sixth movie genre (by id) on each synthetic title, in one statement on the model's tables."""
    links = Title.genres.through._meta
    title_column, genre_column = links.get_field("title").column, links.get_field("genre").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {links.db_table} ({title_column}, {genre_column})
            SELECT t.id, g.id FROM {Title._meta.db_table} t
            JOIN {Genre._meta.db_table} g ON g.for_movies AND (g.id + t.id) %% 6 = 0
            WHERE t.source_id = %s
            ON CONFLICT DO NOTHING
        """,
            [source.pk],
        )


def analyze(*tables: str) -> None:
    """Fresh planner statistics, as autovacuum would have them in production."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}"
            )


def build(sizes: Sizes) -> None:
    """The synthetic titles (added to those already made, up to `sizes.synthetic`) and the user's entries."""
    source = data_source_sync(SOURCE)
    have = Title.objects.filter(source=source).count()
    if have < sizes.synthetic:
        print(f"generating {sizes.synthetic - have} synthetic titles…", flush=True)
        for first in range(have + 1, sizes.synthetic + 1, BATCH):
            last = min(first + BATCH - 1, sizes.synthetic)
            Title.objects.bulk_create(synthetic_titles(first, last, source), batch_size=2_000)
        link_genres(source)
        analyze(Title._meta.db_table, Title.genres.through._meta.db_table)
    entries_set(sizes.entries)


def entries_set(entries: int) -> User:
    """The bench user, with a status for exactly the `entries` best-ranked movies."""
    user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
    top = list(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .order_by("-score")
        .values_list("pk", flat=True)[:entries]
    )
    if set(Entry.objects.filter(user=user).values_list("title_id", flat=True)) != set(top):
        Entry.objects.filter(user=user).delete()
        Entry.objects.bulk_create(
            [Entry(user=user, title_id=pk, status=Status.SEEN) for pk in top], batch_size=5000
        )
        analyze(Entry._meta.db_table)
    return user


def feed_cases() -> list[tuple[str, dict, DiscoveryFilters]]:
    """The measured requests: the default page (every title matches), and two narrower filter sets."""
    comedy, _unknown = genres_resolve(["Comedy"], media_type=MediaType.MOVIE)
    return [
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


def raw_sql(filters: DiscoveryFilters, user: User, calls: int) -> tuple[float, float]:
    """p50/p95 of the database's own page query (the anti-join), without Django's stack around it: the
    query the feed sends when its held ranking cannot answer (the hide rules' titles left out by id)."""
    ruled = ruled_title_ids(user=user, media_type=MediaType.MOVIE)
    titles = titles_discover(media_type=MediaType.MOVIE, filters=filters, user=user, ruled=ruled)
    sql, params = titles[:21].query.sql_with_params()

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return percentiles(raw, n=calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, help=f"synthetic titles (default {FULL.synthetic:,})")
    parser.add_argument("--entries", type=int, help=f"the user's entries (default {FULL.entries:,})")
    parser.add_argument("--grid", action="store_true", help="the feed at 3 catalog sizes x 3 libraries")
    parser.add_argument("--rules", type=int, default=0, help="hide rules of the user (at most 20; default 0)")
    parser.add_argument(
        "--results", type=Path, default=Path("bench-discovery-grid.json"), help="--grid's rows"
    )
    parser.add_argument("--plot", type=Path, default=DOCS / "feed-scale.png", help="--grid's plot (PNG)")
    options = arguments(parser)
    smoke = options.smoke
    if options.grid and not smoke:
        if connection.vendor != "postgresql":
            raise SystemExit("Run --grid on PostgreSQL (set DATABASE_URL).")
        prepare_database()
        grid(GRID_SCALES, GRID_ENTRIES, calls=FULL.calls, results=options.results, plot=options.plot)
        return
    sizes = SMOKE if smoke else FULL
    if options.synthetic is not None or options.entries is not None:
        sizes = Sizes(
            synthetic=options.synthetic if options.synthetic is not None else sizes.synthetic,
            entries=options.entries if options.entries is not None else sizes.entries,
            calls=sizes.calls,
            naive_calls=sizes.naive_calls,
        )
    elif connection.vendor != "postgresql" and not smoke:
        raise SystemExit(
            "Run this benchmark on PostgreSQL (set DATABASE_URL), with --smoke, or with --synthetic."
        )
    prepare_database(smoke=smoke)
    build(sizes)
    user = User.objects.get(username="bench")
    rules = rules_set(user, options.rules)
    print(
        f"titles: {Title.objects.count():,}; the user's entries: {Entry.objects.filter(user=user).count():,} "
        f"(the best-ranked titles); hide rules: {rules}"
    )
    client = api_client(user)
    cases = feed_cases()
    print(
        f"\n{'search-by-filters':<28}{'API p50':>9}{'API p95':>9}{'p3 p50':>9}{'p3 p95':>9}"
        f"{'SQL p50':>9}{'SQL p95':>9}{'naive p50':>11}"
    )
    for label, body, filters in cases:
        payload = json.dumps(body)
        api = percentiles(
            lambda p=payload: client.post("/movies/search-by-filters", p, content_type="application/json"),
            n=sizes.calls,
        )
        third = third_page_url(client, payload)
        page3 = percentiles(
            lambda p=payload, u=third: client.post(u, p, content_type="application/json"), n=sizes.calls
        )
        sql = raw_sql(filters, user, sizes.calls)
        naive = percentiles(lambda f=filters: naive_page(f, user), n=sizes.naive_calls)
        print(
            f"{label:<28}{api[0]:>8.1f} {api[1]:>8.1f} {page3[0]:>8.1f} {page3[1]:>8.1f} "
            f"{sql[0]:>8.1f} {sql[1]:>8.1f} {naive[0]:>10.0f}"
        )
    print(f"rankings held by this process: {feed_cache_bytes() / 2**20:.2f} MB")
    keyword_searches(client, calls=min(20, sizes.calls))
    if smoke:  # the grid's code on the smoke catalog, its plot thrown away
        with tempfile.TemporaryDirectory() as folder:
            grid(
                *SMOKE_GRID,
                calls=sizes.calls,
                results=Path(folder) / "rows.json",
                plot=Path(folder) / "p.png",
            )


def rules_set(user: User, count: int) -> int:
    """Give the user `count` hide rules of every kind (none with 0): five genres, four original languages,
    the titles before 1950 and after 2025, and the most credited directors for the rest."""
    HideRule.objects.filter(user=user).delete()
    genres = [str(g.tmdb_id) for g in Genre.objects.filter(name_en__in=RULE_GENRES)]
    wanted = [("genre", g) for g in genres] + [("language", code) for code in ("ja", "ko", "hi", "de")]
    wanted += [("before", "1950"), ("after", "2025")]
    directors = Person.objects.filter(credits__role=CreditRole.DIRECTOR).distinct().order_by("-titles", "pk")
    wanted += [
        ("person", str(pk)) for pk in directors.values_list("pk", flat=True)[: max(0, count - len(wanted))]
    ]
    HideRule.objects.bulk_create([HideRule(user=user, kind=k, value=v, label=v) for k, v in wanted[:count]])
    return HideRule.objects.filter(user=user).count()


RULE_GENRES = ("Horror", "Western", "War", "Music", "Documentary")


def keyword_searches(client: Client, *, calls: int) -> None:
    print(f"\n{'search-by-keywords':<28}{'API p50':>9}{'API p95':>9}")
    for query in ("pulp fiktion", "the godfahter", "amelie", "kubrick", "ge tout", "silent river"):
        payload = json.dumps({"query": query})
        api = percentiles(
            lambda p=payload: client.post("/movies/search-by-keywords", p, content_type="application/json"),
            n=calls,
        )
        first = client.post("/movies/search-by-keywords", payload, content_type="application/json").json()
        top = first["results"][0]["title"] if first["results"] else "-"
        print(f"{query!r:<28}{api[0]:>8.1f} {api[1]:>8.1f}   first: {top}")


def grid(
    scales: tuple[int, ...], entry_counts: tuple[int, ...], *, calls: int, results: Path, plot: Path
) -> None:
    """The feed at each catalog size and library size (see the module's docstring); rows kept in `results`."""
    rows: list[dict] = json.loads(results.read_text()) if results.exists() else []
    for synthetic in scales:
        if any(row["synthetic"] == synthetic for row in rows):
            continue  # measured once: an interrupted run resumes at the next scale
        build(Sizes(synthetic=synthetic, entries=0, calls=calls, naive_calls=0))
        titles = Title.objects.filter(media_type=MediaType.MOVIE).count()
        for entries in entry_counts:
            user = entries_set(entries)
            client = api_client(user)
            for label, body, filters in feed_cases():
                payload = json.dumps(body)

                def call(p: str = payload, c: Client = client) -> None:
                    response = c.post("/movies/search-by-filters", p, content_type="application/json")
                    assert response.status_code == 200, response.content

                feed_cache_clear()
                started = time.perf_counter()
                call()  # the ranking computed: what the first request after a deploy pays
                cold = (time.perf_counter() - started) * 1000
                api = percentiles(call, n=calls)
                sql = raw_sql(filters, user, calls)
                rows.append(
                    {
                        "synthetic": synthetic,
                        "titles": titles,
                        "entries": entries,
                        "case": label,
                        "cold_ms": round(cold, 1),
                        "api_p50": round(api[0], 1),
                        "api_p95": round(api[1], 1),
                        "sql_p50": round(sql[0], 1),
                        "sql_p95": round(sql[1], 1),
                        "memory_mb": round(feed_cache_bytes() / 2**20, 2),
                        "load": round(os.getloadavg()[0], 1),
                    }
                )
                row = rows[-1]
                print(
                    f"{titles:>10,} {entries:>7,} {label:<26} cold {cold:>7.0f}  API {api[0]:>6.1f} {api[1]:>6.1f}"
                    f"  SQL {sql[0]:>6.1f} {sql[1]:>6.1f}  {row['memory_mb']:.2f} MB  load {row['load']}",
                    flush=True,
                )
        results.write_text(json.dumps(rows, indent=1))
        if synthetic == max(scales):
            keyword_searches(api_client(entries_set(max(entry_counts))), calls=min(20, calls))
    grid_plot(rows, plot)
    print(f"rows: {results}; plot: {plot}")


def grid_plot(rows: list[dict], path: Path) -> None:
    """p95 of the API (solid) and of the raw SQL (dashed) against the catalog's size, one panel a request."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    cases = list(dict.fromkeys(row["case"] for row in rows))
    figure, axes = pyplot.subplots(1, len(cases), figsize=(5 * len(cases), 4), sharey=True, squeeze=False)
    for axis, case in zip(axes[0], cases, strict=True):
        for colour, entries in zip(
            ("C0", "C1", "C2", "C3"), sorted({r["entries"] for r in rows}), strict=False
        ):
            mine = sorted(
                (r for r in rows if r["case"] == case and r["entries"] == entries), key=lambda r: r["titles"]
            )
            sizes = [r["titles"] for r in mine]
            axis.plot(
                sizes, [r["api_p95"] for r in mine], "o-", color=colour, label=f"API, {entries:,} entries"
            )
            axis.plot(sizes, [r["sql_p95"] for r in mine], "s--", color=colour, label=f"raw SQL, {entries:,}")
        axis.set_xscale("log")
        axis.set_title(case)
        axis.set_xlabel("movies in the catalog")
        axis.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("p95 (ms)")
    axes[0][-1].legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    pyplot.close(figure)


def third_page_url(client, payload: str) -> str:
    """The feed's third page, as a client reaches it: the `next` of the second page, itself the first's."""
    url = "/movies/search-by-filters"
    for _page in range(2):
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 200, response.content
        url = response.json()["next"] or url  # a short list has no third page: the first is measured again
    return url


def naive_page(filters: DiscoveryFilters, user: User, size: int = 20) -> list[int]:
    """What not to do: page through the unfiltered ranking and drop the user's titles in Python."""
    seen = set(Entry.objects.filter(user=user).values_list("title_id", flat=True))
    titles = titles_discover(media_type=MediaType.MOVIE, filters=filters, user=AnonymousUser())
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
