"""Group picks on pairs and trios of MovieLens users the model never saw: does everyone find something?

Run against PostgreSQL (a dedicated database; it is migrated, filled and trained by this script):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_households .venv/bin/python -m bench.households
    .venv/bin/python -m bench.households --smoke     # a small catalog, a few groups

Validation folds only: the community users whose id % 5 == `--fold` (1 to 4, never 0, the reserved users),
the model trained without them. For each one (with a film rated 4 stars or more among our films) a seeded
random 20 % of their ≥ 4-star films are hidden as targets, the rest is their history (seen, stars x 2).
They are drawn into random groups of two and of three (each user in one group of each size). For every
group and ranking, ten picks none of the members has seen; a member is served when one of their own targets
is among them. Figures: the share of members served (HR@10), and the share of groups where every member is
(the least served member is what "nobody is miserable" means), for least misery, the mean with a floor (as
served: every member's score above 0; and higher floors), the plain mean, one member's own ten picks for
everyone, each member's own ten for them alone (the ceiling), and the most popular films. Then the latency
of the route for groups of two, three and four members (`--latency-only`: the latency alone, after the
training, without the evaluation):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_households \\
        .venv/bin/python -m bench.households --latency-only
"""

from bench.common import api_client, arguments, percentiles, prepare_database  # first: it sets Django up

import argparse
import time
from collections import Counter

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count

from catalog.ingest.embedded import EmbeddedPaths, read_movielens_ratings
from accounts.models import User
from catalog.models import MediaType, Title
from households.models import Household, Membership
from households.picks import Aggregation, Taste, combined_ranking, taste_of
from library.models import Entry, Status
from recommendations.models import CommunityRating
from recommendations.selectors import learned_model
from recommendations.services import community_ratings_sync, recommender_train

SEED = 20260201
TARGET_SHARE = 0.2
K = 10
SMOKE_USERS = 12
LATENCY_USERS = "bench-households-"
LATENCY_SIZES = (2, 3, 4)  # members of the timed groups
FLOORS = (0.05, 0.1, 0.2)  # beside the served one (households.picks.FLOOR, 0)

Case = tuple[int, list[tuple[int, int]], set[int]]  # MovieLens user, history (title, rating 1-10), targets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", type=int, default=1, choices=range(1, 5), help="validation fold, 1 to 4")
    parser.add_argument(
        "--seeds", type=int, default=3, help="random splits and groupings, seeds from 20260201"
    )
    parser.add_argument("--latency-only", action="store_true", help="time the route, skip the evaluation")
    args = arguments(parser)
    print(f"database: {connection.vendor}")
    prepare_database(smoke=args.smoke)
    path = EmbeddedPaths.installed().movielens
    community = [row for row in read_movielens_ratings(path) if row[0] % 5 != args.fold]
    community_ratings_sync(ratings=community)
    started = time.perf_counter()
    run = recommender_train()
    print(f"training without fold {args.fold}: {time.perf_counter() - started:.1f} s, {run.users} people")
    try:
        totals: dict[tuple[int, str], list[tuple[float, float]]] = {}
        for seed in range(SEED, SEED + (0 if args.latency_only else 1 if args.smoke else args.seeds)):
            cases = evaluation_cases(path, fold=args.fold, seed=seed)[: SMOKE_USERS if args.smoke else None]
            for size in (2, 3):
                for name, figures in evaluate(cases, size=size, seed=seed).items():
                    totals.setdefault((size, name), []).append(figures)
        if totals:
            seeds = len(range(SEED, SEED + (1 if args.smoke else args.seeds)))
            print(f"\nmean over {seeds} seeds, fold {args.fold}:")
            print(f"{'group':<6} {'ranking':<34} {'members served':>15} {'groups all served':>18}")
            for (size, name), rows in totals.items():
                served, everyone = np.mean([r[0] for r in rows]), np.mean([r[1] for r in rows])
                print(f"{size:<6} {name:<34} {served:15.3f} {everyone:18.3f}")
        for size in LATENCY_SIZES:
            latency(members=size, entries=50 if args.smoke else 1_000, calls=3 if args.smoke else 30)
    finally:
        User.objects.filter(username__startswith=LATENCY_USERS).delete()
        community_ratings_sync(ratings=read_movielens_ratings(path))  # the full community back


def latency(*, members: int, entries: int, calls: int) -> None:
    """GET /groups/{id}/recommendations for `members` members with `entries` seen films each (among the most
    rated, each overlapping the previous one by a third), through the whole Django stack."""
    User.objects.filter(username__startswith=LATENCY_USERS).delete()
    rated = CommunityRating.objects.values("title_id").annotate(n=Count("*")).order_by("-n", "title_id")
    step = max(1, entries * 2 // 3)
    top = list(rated.values_list("title_id", flat=True)[: step * (members - 1) + entries])
    users = [
        User.objects.create(username=f"{LATENCY_USERS}{i}", email=f"{LATENCY_USERS}{i}@example.org")
        for i in range(members)
    ]
    for i, member in enumerate(users):
        rows = top[i * step : i * step + entries]
        Entry.objects.bulk_create(
            [Entry(user=member, title_id=t, status=Status.SEEN, rating=8) for t in rows]
        )
    group = Household.objects.create(name="bench", owner=users[0])
    Membership.objects.bulk_create([Membership(household=group, user=m) for m in users])
    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum keeps them after a load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = api_client(users[0])
    path = f"/groups/{group.pk}/recommendations?page_size=20"
    assert client.get(path).status_code == 200  # the model decoded once, as after a training
    cpu = time.process_time()
    p50, p95 = percentiles(lambda: client.get(path), n=calls)
    cpu_ms = (time.process_time() - cpu) * 1000 / calls  # this process's (Django's) CPU, not PostgreSQL's
    print(
        f"latency: {members} members x {entries} entries, page of 20: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"CPU {cpu_ms:.1f} ms a request ({calls} calls)"
    )


def evaluation_cases(path: object, *, fold: int, seed: int) -> list[Case]:
    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    by_movielens = dict(Title.objects.exclude(movielens_id=None).values_list("movielens_id", "pk"))
    frame = frame[(frame["userId"] % 5 == fold) & frame["movieId"].isin(by_movielens.keys())]
    if fold == 0 or (frame["userId"] % 5 == 0).any():
        raise SystemExit("validation folds only: never the reserved users (id % 5 == 0)")
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


def evaluate(cases: list[Case], *, size: int, seed: int) -> dict[str, tuple[float, float]]:
    """(share of members served, share of groups with every member served) per ranking, printed."""
    model = learned_model(media_type=MediaType.MOVIE)
    popularity = Counter(
        CommunityRating.objects.filter(title__media_type=MediaType.MOVIE).values_list("title_id", flat=True)
    )
    most_popular = [pk for pk, _n in popularity.most_common()]
    order = np.random.default_rng(seed + size).permutation(len(cases))
    groups = [[cases[i] for i in order[at : at + size]] for at in range(0, len(order) - size + 1, size)]
    hits: dict[str, list[list[bool]]] = {}
    for group in groups:
        tastes = [taste_of(model, uid, [(t, "seen", r) for t, r in history]) for uid, history, _t in group]
        seen = {t for _u, history, _t in group for t, _r in history}
        rankings = {
            f"group: {aggregation.value.replace('_', ' ')}": [
                pk for pk, _s in combined_ranking(tastes, seen, aggregation=aggregation, limit=K)
            ]
            for aggregation in Aggregation
        }
        for floor in FLOORS:  # how high the floor under the mean may be
            ranked = combined_ranking(
                tastes, seen, aggregation=Aggregation.MEAN_WITH_FLOOR, limit=K, floor=floor
            )
            rankings[f"group: mean, floor {floor:g}"] = [pk for pk, _s in ranked]
        rankings["most popular"] = [pk for pk in most_popular if pk not in seen][:K]
        for name, picks in rankings.items():
            hits.setdefault(name, []).append([bool(targets & set(picks)) for _u, _h, targets in group])
        owns = [own_top(taste, seen) for taste in tastes]
        for picks in owns:  # one member chooses by their own taste alone, for everyone
            hits.setdefault("one member's own top 10, for all", []).append(
                [bool(targets & set(picks)) for _u, _h, targets in group]
            )
        # each member's own ten, for that member alone: what a member would get watching alone
        own = [bool(t & set(picks)) for picks, (_u, _h, t) in zip(owns, group, strict=True)]
        hits.setdefault("each member's own top 10, alone", []).append(own)
    print(f"\n{len(groups)} groups of {size} (seed {seed}, {len(cases)} users):")
    print(f"{'ranking':<38} {'members served':>15} {'groups all served':>18}")
    figures = {}
    for name, rows in hits.items():
        served = float(np.mean([h for row in rows for h in row]))
        everyone = float(np.mean([all(row) for row in rows]))
        figures[name] = (served, everyone)
        print(f"{name:<38} {served:15.3f} {everyone:18.3f}")
    return figures


def own_top(taste: Taste, seen: set[int]) -> list[int]:
    """The member's own ten best titles that nobody in the group has seen."""
    return [pk for pk, _s in combined_ranking([taste], seen, limit=K)]


if __name__ == "__main__":
    main()
