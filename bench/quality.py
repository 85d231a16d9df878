"""Recommendation quality on MovieLens users the model never saw, and the endpoint's latency.

Run against PostgreSQL (a dedicated database; it is migrated, filled and trained by this script):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_rec .venv/bin/python -m bench.quality
    .venv/bin/python -m bench.quality --smoke     # a small catalog, one split of 20 users, 3 calls each

MovieLens users whose id is divisible by 5 are never stored as community ratings, so the model is trained
without them. For each of them (with at least one film rated 4 stars or more, among films of our catalog), a
seeded random 20 % of their ≥ 4-star films are hidden as targets and everything else they rated becomes their
history: entries `seen` with their rating (stars x 2). Each recommender then names 10 films the user has not
rated; HR@10 is the share of users with at least one target among them, NDCG@10 rewards targets ranked high.

`--fold N` (1 to 4) evaluates instead on the community users whose id % 5 == N, trained without them: the
figures to tune parameters on, leaving the reserved users for the final measure. The evaluation is repeated
on `--splits` random splits (5 by default; seeds 20260101, 20260102, …), each printed, then their mean:
which 20 % of 134 users' films are hidden moves the ratio by up to 0.4 from one split to the next.

Each setting of the "familiar ↔ adventurous" dial (0 to 4) is evaluated as served, beside plain EASE (the
model undiversified, without reach beyond the most-rated): NDCG@10 and HR@10, the share of picks outside the
500 most-rated films (and outside the 1,000 most-rated: how far beyond), how many distinct films are
recommended across the users, and intra-list diversity (1 - the mean genre-and-director similarity of the ten
picks' pairs). Against plain EASE the comparison is paired
(the same users and targets): the mean per-user NDCG@10 difference with its 95 % confidence interval, over
every user of every split.
"""

from bench.common import api_client, arguments, percentiles, prepare_database  # first: it sets Django up

import argparse
import math
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from django.db import connection

from accounts.models import User
from catalog.ingest.embedded import EmbeddedPaths, read_movielens_ratings
from catalog.models import MediaType, Title
from library.models import Entry, Status
from recommendations.diversity import Candidate, intra_list_diversity
from recommendations.models import Adventurousness, CommunityRating
from recommendations.selectors import learned_model, recommendations_page, user_scores
from recommendations.services import community_ratings_sync, recommender_train

SEED = 20260101
TARGET_SHARE = 0.2
K = 10
LATENCY_ENTRIES = 2_000
LATENCY_CALLS = 100
SMOKE_USERS = 20  # evaluation users of a smoke run
SMOKE_LATENCY_ENTRIES = 50
POPULAR_HEAD = 500  # "the most-rated films": picks outside them reach beyond the blockbusters
FURTHER_HEAD = 1_000  # and outside these, further still
PLAIN = "plain EASE (undiversified, no reach)"
EVAL_PREFIX = "bench-rec-eval-"
BENCH_USERS = "bench-rec"  # every user this script makes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", type=int, default=0, choices=range(5), help="0: the reserved users")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--splits", type=int, default=5, help="random target splits, seeds from 20260101")
    args = arguments(parser)
    if args.smoke:
        args.splits = 1
    print(f"database: {connection.vendor}")
    prepare_database(smoke=args.smoke)
    User.objects.filter(username__startswith=BENCH_USERS).delete()  # never train on them
    path = EmbeddedPaths.installed().movielens
    community = read_movielens_ratings(path)
    if args.fold:
        community = [row for row in community if row[0] % 5 != args.fold]
    community_ratings_sync(ratings=community)

    started = time.perf_counter()
    run = recommender_train()
    print(
        f"training: {time.perf_counter() - started:.1f} s wall ({run.seconds:.1f} s recorded), "
        f"{run.users} people, {run.interactions} interactions, {run.collaborative_items} collaborative titles, "
        f"{run.neighbours} neighbour weights, {run.sequels} sequel links; model peak {run.peak_memory_mb:.0f} MB "
        f"(tracemalloc), process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    ratios: dict[str, list[float]] = {}
    per_user: dict[str, list[float]] = {}  # NDCG@10 of every user of every split, in the same order
    try:
        for seed in range(SEED, SEED + args.splits):
            cases = evaluation_cases(path, fold=args.fold, seed=seed)[: SMOKE_USERS if args.smoke else None]
            print(f"evaluation users: {len(cases)} (MovieLens userId % 5 == {args.fold}), seed {seed}")
            for name, (ratio, ndcgs) in evaluate(cases).items():
                ratios.setdefault(name, []).append(ratio)
                per_user.setdefault(name, []).extend(ndcgs)
        if args.splits > 1:
            print(f"NDCG@10 against most popular over {args.splits} splits (mean, then each):")
            for name, values in ratios.items():
                print(f"  {name:<44} {np.mean(values):6.3f}x   " + " ".join(f"{v:.3f}" for v in values))
        paired_against_plain(per_user)
    finally:
        User.objects.filter(username__startswith=EVAL_PREFIX).delete()
        if args.fold:  # put the full community data back
            community_ratings_sync(ratings=read_movielens_ratings(path))
    if not args.no_latency:
        if args.smoke:
            latency(entries=SMOKE_LATENCY_ENTRIES, calls=3)
        else:
            latency()


def evaluation_cases(
    path: object, *, fold: int, seed: int
) -> list[tuple[int, list[tuple[int, int]], set[int]]]:
    """(MovieLens user, history [(title id, rating 1-10)], target title ids) per evaluation user."""
    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    by_movielens = dict(Title.objects.exclude(movielens_id=None).values_list("movielens_id", "pk"))
    frame = frame[(frame["userId"] % 5 == fold) & frame["movieId"].isin(by_movielens.keys())]
    rng = np.random.default_rng(seed)
    cases = []
    for user_id, rows in frame.groupby("userId", sort=True):
        ratings = {
            by_movielens[int(m)]: float(r) for m, r in zip(rows["movieId"], rows["rating"], strict=True)
        }
        liked = sorted(t for t, stars in ratings.items() if stars >= 4)
        if not liked:
            continue
        targets = set(rng.choice(liked, max(1, round(TARGET_SHARE * len(liked))), replace=False).tolist())
        history = [(t, max(1, round(stars * 2))) for t, stars in ratings.items() if t not in targets]
        cases.append((int(user_id), history, targets))
    return cases


def hit_and_ndcg(picks: list[int], targets: set[int]) -> tuple[float, float]:
    gains = [1 / math.log2(i + 2) for i, pk in enumerate(picks[:K]) if pk in targets]
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(targets), K)))
    return float(bool(gains)), sum(gains) / ideal


def paired_against_plain(per_user: dict[str, list[float]]) -> None:
    """Each recommender's NDCG@10 against plain EASE's for the same users and targets: the mean difference,
    relative to plain EASE's mean, with a 95 % confidence interval (normal approximation)."""
    plain = np.array(per_user[PLAIN])
    print(f"paired against {PLAIN}, {len(plain)} user-splits: mean NDCG@10 difference [95 % CI], relative")
    for name, values in per_user.items():
        if name == PLAIN:
            continue
        diff = np.array(values) - plain
        half = 1.96 * diff.std(ddof=1) / math.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        base = plain.mean()
        print(
            f"  {name:<44} {diff.mean():+.4f} [{diff.mean() - half:+.4f}, {diff.mean() + half:+.4f}]   "
            f"{diff.mean() / base:+.1%} [{(diff.mean() - half) / base:+.1%}, {(diff.mean() + half) / base:+.1%}]"
        )


def evaluate(
    cases: list[tuple[int, list[tuple[int, int]], set[int]]],
) -> dict[str, tuple[float, list[float]]]:
    """Prints HR@10, NDCG@10 and the reach of each recommender; returns per recommender its NDCG@10 against
    most popular and each user's NDCG@10."""
    movies = Title.objects.filter(media_type=MediaType.MOVIE)
    popularity = Counter(
        CommunityRating.objects.filter(title__media_type=MediaType.MOVIE).values_list("title_id", flat=True)
    )
    most_popular = [pk for pk, _n in popularity.most_common()]
    vote_weighted = list(movies.exclude(score=None).order_by("-score", "pk").values_list("pk", flat=True))

    def top(ranking: list[int], history: set[int]) -> list[int]:
        return [pk for pk in ranking if pk not in history][:K]

    model = learned_model(media_type=MediaType.MOVIE)
    head, further_head = set(most_popular[:POPULAR_HEAD]), set(most_popular[:FURTHER_HEAD])
    nothing: frozenset = frozenset()

    def diversity(picks: list[int]) -> float:
        return intra_list_diversity(
            [
                Candidate(pk, 0.0, model.genres.get(pk, nothing), model.directors.get(pk, nothing))
                for pk in picks
            ]
        )

    dial = {a: f"ours as served, dial {a.value} ({a.label})" for a in Adventurousness}
    names = ["most popular", "vote-weighted rating", PLAIN, *dial.values()]
    picked: dict[str, list[list[int]]] = {name: [] for name in names}
    scores: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for user_id, history, targets in cases:
        seen = {pk for pk, _r in history}
        user = User.objects.create(
            username=f"{EVAL_PREFIX}{user_id}", email=f"{EVAL_PREFIX}{user_id}@example.org"
        )
        Entry.objects.bulk_create(
            [Entry(user=user, title_id=pk, status=Status.SEEN, rating=rating) for pk, rating in history]
        )
        picked["most popular"].append(top(most_popular, seen))
        picked["vote-weighted rating"].append(top(vote_weighted, seen))
        raw = user_scores(user=user, media_type=MediaType.MOVIE, limit=K).ranked
        picked[PLAIN].append([pk for pk, _score in raw])
        for setting, name in dial.items():
            served = recommendations_page(
                user=user, media_type=MediaType.MOVIE, page=1, page_size=K, adventurousness=setting
            )
            picked[name].append([t.pk for t in served.titles])
        for name in names:
            scores[name].append(hit_and_ndcg(picked[name][-1], targets))
    baseline = np.mean([n for _h, n in scores["most popular"]])
    print(
        f"{'recommender':<44} {'HR@10':>6} {'NDCG@10':>8} {'vs popular':>10} {'beyond 500':>10} "
        f"{'beyond 1000':>11} {'distinct':>8} {'ILD':>6}"
    )
    results = {}
    for name, values in scores.items():
        hr, ndcg = np.mean([h for h, _n in values]), np.mean([n for _h, n in values])
        lists = picked[name]
        beyond = np.mean([pk not in head for picks in lists for pk in picks])
        further = np.mean([pk not in further_head for picks in lists for pk in picks])
        distinct = len({pk for picks in lists for pk in picks})
        ild = np.mean([diversity(picks) for picks in lists])
        results[name] = (float(ndcg / baseline), [n for _h, n in values])
        print(
            f"{name:<44} {hr:6.3f} {ndcg:8.4f} {results[name][0]:9.3f}x {beyond:10.3f} {further:11.3f} "
            f"{distinct:8d} {ild:6.3f}"
        )
    User.objects.filter(username__startswith=EVAL_PREFIX).delete()  # the next split makes them again
    return results


class QueryCount:
    """Counts the queries run inside `connection.execute_wrapper(...)`."""

    def __init__(self) -> None:
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def __call__(self, execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
        self.count += 1
        return execute(sql, params, many, context)


def fifth_page_path(client: Any) -> str:
    """The path of the fifth page of picks (or the last, when there are fewer), as a client reaches it:
    following `next` from the first."""
    path = "/me/recommendations?page_size=20"
    for _ in range(4):
        next_url = client.get(path).json()["next"]
        if not next_url:
            break
        parts = urlsplit(next_url)
        path = f"{parts.path}?{parts.query}"
    return path


def latency(*, entries: int = LATENCY_ENTRIES, calls: int = LATENCY_CALLS) -> None:
    """GET /me/recommendations for a user with 2,000 entries among the most-rated films (the costliest)."""
    user, _ = User.objects.get_or_create(username="bench-rec", defaults={"email": "bench-rec@example.org"})
    Entry.objects.filter(user=user).delete()
    counts = Counter(CommunityRating.objects.values_list("title_id", flat=True))
    popular = [pk for pk, _n in counts.most_common(entries)]
    if len(popular) < entries:
        extra = Title.objects.exclude(pk__in=popular).order_by("pk").values_list("pk", flat=True)
        popular += list(extra[: entries - len(popular)])
    statuses = [Status.SEEN, Status.SEEN, Status.SEEN, Status.LATER, Status.HIDDEN]
    Entry.objects.bulk_create(
        [
            Entry(
                user=user,
                title_id=pk,
                status=statuses[i % 5],
                rating=(1 + i % 10) if statuses[i % 5] == Status.SEEN and i % 3 else None,
            )
            for i, pk in enumerate(popular)
        ]
    )
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would have them in production
        with connection.cursor() as cursor:
            for table in ("library_entry", "recommendations_neighbourvector", "catalog_title"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"user with {Entry.objects.filter(user=user).count()} entries")
    client = api_client(user)
    newcomer, _ = User.objects.get_or_create(
        username="bench-rec-new", defaults={"email": "bench-rec-new@example.org"}
    )
    for label, caller, path in [
        ("page 1 (20 cards)", client, "/me/recommendations?page_size=20"),
        ("page 5 (20 cards)", client, fifth_page_path(client)),
        ("TV shows, page 1", client, "/me/recommendations?media_type=tv&page_size=20"),
        ("cold start, page 1", api_client(newcomer), "/me/recommendations?page_size=20"),
    ]:
        response = caller.get(path)
        assert response.status_code == 200, (path, response.content[:200])
        queries = QueryCount()
        with connection.execute_wrapper(queries):
            caller.get(path)
        p50, p95 = percentiles(lambda caller=caller, path=path: caller.get(path), n=calls)
        print(f"{label:<22} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {len(queries)} queries")


if __name__ == "__main__":
    sys.exit(main())
