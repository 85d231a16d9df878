"""Similar titles: does a film's list hold another film the people who liked it liked too?

    .venv/bin/python -m bench.similar            # the reserved users, on the catalog load_catalog built
    .venv/bin/python -m bench.similar --tune     # the settings grid, on validation users only
    .venv/bin/python -m bench.similar --smoke    # a small catalog: checks that it runs, measures nothing

The judges are MovieLens users nobody learnt from: those whose id is divisible by 5 (the loader's
`read_movielens_ratings` never returns them, and `similar_lists` drops them too). For each of them and each
film of the catalog they liked (4 stars or more), when they liked at least one other, the film's top-10 list
hits if it holds another film they liked; the hit rate is the share of such (person, film) pairs hit.

Lists compared, each built from the same community ratings (the loader's, without the reserved users):
  (a) before: the rule served until now (TF-IDF content over genres, people, title words, decade, language,
      country, blended 60/40 with adjusted-cosine co-ratings), recomputed by a copy of it below;
  (b) ours: `catalog.ingest.similarity.similar_lists`, i.e. what `load_catalog` stored and the API serves
      (checked against the database on the reserved users' run);
  (c) most popular: the 10 films the community rated most, minus the film itself;
  (d) shrunk co-occurrence alone: ours without content, without covering and without the caps.
Beside the hit rate: the share of lists with more than 3 of 10 titles by one director (on the films judged,
and on the 200 most-voted films), and the share of list places held by the 100 most-rated films (a list of
the most popular films holds only them).

`--tune` never looks at the reserved users: for each validation fold N in 1..4 the lists are built without
the users whose id % 5 == N (nor the reserved ones) and judged by those users; each setting's mean over the
four folds is printed. ListWeights' defaults are the setting chosen there (see the README).
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import argparse
import itertools
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse

from catalog.ingest.embedded import EmbeddedPaths, read_movielens_ratings
from catalog.ingest.similarity import (
    ContentFeatures,
    ListWeights,
    catalog_features,
    content_matrix,
    rating_neighbours,
    similar_lists,
)
from catalog.models import MediaType, Title, TitleNeighbour
from catalog.text import strip_accents

K = 10
LIKED = 4.0
TOP_VOTED = 200  # the most-voted films whose lists are checked for directors
POPULAR_SLOTS = 100  # "popular": the 100 most-rated films
Lists = dict[int, list[int]]


@dataclass(frozen=True)
class Judges:
    """The liked films (title pks) of each judging user with at least two."""

    liked: list[set[int]]

    @property
    def seeds(self) -> set[int]:
        return set().union(*self.liked) if self.liked else set()

    def hit_rate(self, lists: Lists) -> tuple[float, int]:
        hits = pairs = 0
        for liked in self.liked:
            for seed in liked:
                pairs += 1
                hits += any(pk in liked and pk != seed for pk in lists.get(seed, [])[:K])
        return (hits / pairs if pairs else 0.0), pairs


def judges(fold: int, by_movielens: dict[int, int]) -> Judges:
    path = EmbeddedPaths.installed().movielens
    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    frame = frame[(frame["userId"] % 5 == fold) & (frame["rating"] >= LIKED)]
    liked = []
    for _user, movies in frame.groupby("userId", sort=True):
        pks = {by_movielens[int(m)] for m in movies["movieId"] if int(m) in by_movielens}
        if len(pks) >= 2:
            liked.append(pks)
    return Judges(liked=liked)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", action="store_true", help="the settings grid on validation folds 1-4")
    parser.add_argument(
        "--grid",
        default="",
        help='another grid for --tune, e.g. "popularity=0,0.1;shrinkage=3,10" (the others keep their defaults)',
    )
    args = arguments(parser)
    prepare_database(smoke=args.smoke)
    community_all = read_movielens_ratings(EmbeddedPaths.installed().movielens)  # as the loader reads them
    by_movielens = dict(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .exclude(movielens_id=None)
        .values_list("movielens_id", "pk")
    )
    community = [(u, by_movielens[m], r) for u, m, r in community_all if m in by_movielens]
    started = time.perf_counter()
    items = catalog_features(MediaType.MOVIE)
    print(
        f"catalog: {len(items):,} films, {len(by_movielens):,} known to MovieLens; {len(community):,} ratings"
    )
    if args.tune:
        grid = GRID
        if args.grid:
            grid = {
                name: tuple(float(v) for v in values.split(","))
                for name, values in (part.split("=") for part in args.grid.split(";"))
            }
        folds = (1,) if args.smoke else (1, 2, 3, 4)
        tune(items, community, by_movielens, folds=folds, grid=grid, smoke=args.smoke)
    else:
        final(items, community, by_movielens)
    print(f"done in {time.perf_counter() - started:.0f} s")


# ---------------------------------------------------------------- the reserved users: the final figures


def final(
    items: list[ContentFeatures], community: list[tuple[int, int, float]], by_movielens: dict[int, int]
) -> None:
    judged = judges(0, by_movielens)
    voted = list(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .exclude(votes=None)
        .order_by("-votes", "pk")
        .values_list("pk", flat=True)[:TOP_VOTED]
    )
    seeds = judged.seeds | set(voted)
    print(
        f"judges: {len(judged.liked)} people (MovieLens userId % 5 == 0) who liked 2+ films of the catalog; "
        f"{sum(len(liked) for liked in judged.liked):,} (person, film) pairs; {len(seeds):,} lists"
    )
    ours = _lists(similar_lists(items, community, seeds=seeds).similar)
    served = _served(seeds)
    same = sum(served.get(seed, [])[:K] == ours.get(seed, [])[:K] for seed in seeds)
    print(
        f"ours against the database (load_catalog's lists): {same:,} of {len(seeds):,} top-10 lists identical"
    )
    rows = [
        ("(a) before: content 0.6 + co-ratings 0.4", legacy_lists(items, community, seeds)),
        ("(b) ours, as served", served if all(seed in served for seed in judged.seeds) else ours),
        ("(c) most popular", popular_lists(community, seeds)),
        ("(d) shrunk co-occurrence alone", _lists(rating_neighbours(community, k=K))),
    ]
    report(rows, judged, voted, community, items)


def report(
    rows: Sequence[tuple[str, Lists]],
    judged: Judges,
    voted: Sequence[int],
    community: Sequence[tuple[int, int, float]],
    items: Sequence[ContentFeatures],
) -> None:
    directors = {item.pk: item.directors for item in items}
    popular = set(_most_rated(community)[:POPULAR_SLOTS])
    print(
        f"{'lists':<42} {'hit rate':>8} {'pairs':>7} {'> 3 by one director':>20} "
        f"{'(200 most voted)':>17} {'top-100 places':>15}"
    )
    for name, lists in rows:
        rate, pairs = judged.hit_rate(lists)
        judged_lists = [lists.get(seed, []) for seed in judged.seeds]
        voted_lists = [lists.get(seed, []) for seed in voted]
        places = [pk for lst in judged_lists for pk in lst[:K]]
        print(
            f"{name:<42} {rate:8.3f} {pairs:7,} {_crowded(judged_lists, directors):20.3f} "
            f"{_crowded(voted_lists, directors):17.3f} "
            f"{(sum(pk in popular for pk in places) / len(places) if places else 0.0):15.3f}"
        )


def _crowded(lists: Iterable[list[int]], directors: dict[int, Sequence[str]]) -> float:
    """The share of lists with more than 3 of their first 10 titles by one director."""
    lists = [lst for lst in lists if lst]
    crowded = sum(
        any(n > 3 for n in Counter(d for pk in lst[:K] for d in directors.get(pk, ())).values())
        for lst in lists
    )
    return crowded / len(lists) if lists else 0.0


def _lists(rows: Iterable[tuple[int, int, float]]) -> Lists:
    """Rows (seed, neighbour, score) as each seed's list, best first (rows come in rank order)."""
    lists: Lists = {}
    for seed, neighbour, _score in rows:
        lists.setdefault(seed, []).append(neighbour)
    return lists


def _served(seeds: Iterable[int]) -> Lists:
    rows = (
        TitleNeighbour.objects.filter(title_id__in=list(seeds), kind=TitleNeighbour.Kind.SIMILAR)
        .order_by("title_id", "-score", "neighbour_id")
        .values_list("title_id", "neighbour_id", "score")
    )
    return _lists(rows)


def _most_rated(community: Sequence[tuple[int, int, float]]) -> list[int]:
    counts = Counter(pk for _u, pk, _r in community)
    return [pk for pk, _n in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))]


def popular_lists(community: Sequence[tuple[int, int, float]], seeds: Iterable[int]) -> Lists:
    top = _most_rated(community)[: K + 1]
    return {seed: [pk for pk in top if pk != seed][:K] for seed in seeds}


# ---------------------------------------------------------------- the validation folds: choosing the settings


GRID = {
    "popularity": (0.1, 0.2, 0.3),
    "prior": (5.0, 20.0),
    "content_gate": (0.1, 0.5),
}
VARIANTS = (  # around the grid's choice: the content weight, the prior and the covering discount
    {"content": 0.003},
    {"content": 0.01},
    {"prior": 3.0},
    {"repeat": 1.0},
    {"repeat": 0.25},
)
# "Popular titles do not take over": a setting qualifies when the 100 most-rated films hold at most two
# places in three of its lists; of those, the best mean hit rate wins.
MAX_POPULAR_PLACES = 2 / 3


def tune(
    items: list[ContentFeatures],
    community: list[tuple[int, int, float]],
    by_movielens: dict[int, int],
    *,
    folds: Sequence[int],
    grid: dict[str, tuple[float, ...]],
    smoke: bool,
) -> None:
    print(f"validation folds: MovieLens userId % 5 in {list(folds)}, each left out of the lists it judges")
    data = []
    for fold in folds:
        judged = judges(fold, by_movielens)
        train = [row for row in community if row[0] % 5 != fold]
        data.append((fold, judged, train))
        popular = popular_lists(train, judged.seeds)
        print(f"fold {fold}: {len(judged.liked)} people; most popular {judged.hit_rate(popular)[0]:.4f}")
    baseline = np.mean([judged.hit_rate(popular_lists(train, judged.seeds))[0] for _f, judged, train in data])
    print(f"most popular, mean over the folds: {baseline:.4f}")
    print(f"{'setting':<72} {'mean':>6}  {'per fold':<31} {'top-100 places':>14}")

    def run(weights: ListWeights) -> tuple[float, float]:
        rates, shares = [], []
        for _fold, judged, train in data:
            lists = _lists(similar_lists(items, train, weights=weights, size=K, seeds=judged.seeds).similar)
            rates.append(judged.hit_rate(lists)[0])
            popular = set(_most_rated(train)[:POPULAR_SLOTS])
            places = [pk for lst in lists.values() for pk in lst]
            shares.append(sum(pk in popular for pk in places) / max(len(places), 1))
        setting = ", ".join(f"{name} {value:g}" for name, value in vars(weights).items())
        folds_text = " ".join(f"{rate:.4f}" for rate in rates)
        print(f"{setting:<72} {np.mean(rates):6.4f}  {folds_text:<31} {np.mean(shares):14.3f}", flush=True)
        return float(np.mean(rates)), float(np.mean(shares))

    def choice(results: dict[ListWeights, tuple[float, float]]) -> ListWeights:
        qualified = [w for w, (_rate, share) in results.items() if share <= MAX_POPULAR_PLACES] or list(
            results
        )
        return max(qualified, key=lambda w: results[w][0])

    settings = list(itertools.product(*grid.values()))
    if smoke:
        settings = settings[:2]
    results = {}
    for values in settings:
        weights = replace(ListWeights(), **dict(zip(grid, values, strict=True)))
        results[weights] = run(weights)
    best = choice(results)
    for variant in () if smoke else VARIANTS:
        if replace(best, **variant) not in results:
            results[replace(best, **variant)] = run(replace(best, **variant))
    best = choice(results)
    rate, share = results[best]
    print(
        f"chosen (best hit rate with the 100 most-rated films in at most {MAX_POPULAR_PLACES:.0%} of places): "
        f"{best}: {rate:.4f}, {share:.3f} of places (most popular {baseline:.4f})"
    )


# ---------------------------------------------------------------- (a): the rule served before, as it was


LEGACY_WEIGHTS = {
    "genre": 1.0,
    "director": 2.0,
    "writer": 1.5,
    "cast": 1.0,
    "title": 2.0,
    "decade": 0.6,
    "language": 0.6,
    "country": 0.4,
}
LEGACY_STOPWORDS = set(
    "the a an of and in on to for part le la les l de des du un une et el los il der die das ii iii iv 2 3 4 "
    "chapter episode".split()
)


def _legacy_tokens(item: ContentFeatures, original: str) -> Iterable[tuple[str, str]]:
    yield from (("genre", str(g)) for g in item.genres)
    yield from (("director", p) for p in item.directors)
    yield from (("writer", p) for p in item.writers)
    yield from (("cast", p) for p in item.cast)
    words = re.findall(r"[a-z0-9]+", strip_accents(original or item.title).lower())
    yield from (("title", w) for w in words if w not in LEGACY_STOPWORDS and len(w) > 2)
    if item.year:
        yield ("decade", str(item.year // 10))
    if item.language:
        yield ("language", item.language)
    yield from (("country", c) for c in item.countries)


def legacy_lists(
    items: Sequence[ContentFeatures], community: Sequence[tuple[int, int, float]], seeds: Iterable[int]
) -> Lists:
    """The lists as served before: content (k 15) x 0.6 + co-ratings (k 15) x 0.4, then score, then id."""
    originals = dict(Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", "original_title"))
    pks = np.array([item.pk for item in items])
    position = {int(pk): i for i, pk in enumerate(pks)}
    rows = np.array(sorted(position[s] for s in seeds if s in position), dtype=np.int64)
    matrix = content_matrix(
        items, LEGACY_WEIGHTS, tokens_of=lambda item: _legacy_tokens(item, originals.get(item.pk, ""))
    )
    blended: dict[int, Counter[int]] = {int(pks[i]): Counter() for i in rows}
    for start in range(0, len(rows), 1024):
        block = rows[start : start + 1024]
        scores = (matrix[block] @ matrix.T).toarray()
        scores[np.arange(len(block)), block] = -1.0
        _add_top(blended, block, pks, scores, 0.6)
    _legacy_ratings(blended, community, 0.4)
    score = dict(Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", "score"))
    return {
        seed: sorted(neighbours, key=lambda pk: (-neighbours[pk], -(score.get(pk) or -1e9), pk))[:K]
        for seed, neighbours in blended.items()
    }


def _add_top(
    blended: dict[int, Counter[int]], block: np.ndarray, pks: np.ndarray, scores: np.ndarray, weight: float
) -> None:
    part = np.argpartition(-scores, 14, axis=1)[:, :15]
    for i, row in enumerate(block):
        seed = int(pks[row])
        for j in part[i]:
            if scores[i, j] > 0:
                blended[seed][int(pks[j])] += weight * round(float(scores[i, j]), 4)


def _legacy_ratings(
    blended: dict[int, Counter[int]], community: Sequence[tuple[int, int, float]], weight: float
) -> None:
    """Item-item adjusted cosine, shrunk by the common raters' count (λ 10, at least 3 in common)."""
    users = {u: i for i, u in enumerate(sorted({u for u, _i, _r in community}))}
    items = sorted({i for _u, i, _r in community})
    index = {pk: j for j, pk in enumerate(items)}
    values = np.array([r for _u, _i, r in community], dtype=np.float32)
    user_rows = np.array([users[u] for u, _i, _r in community])
    item_cols = np.array([index[i] for _u, i, _r in community])
    means = np.bincount(user_rows, weights=values) / np.bincount(user_rows)
    centred = values - means[user_rows].astype(np.float32)
    shape = (len(users), len(items))
    matrix = sparse.csc_matrix((centred, (user_rows, item_cols)), shape=shape)
    rated = sparse.csc_matrix((np.ones_like(values), (user_rows, item_cols)), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())
    norms[norms == 0] = 1.0
    normalized = (matrix @ sparse.diags(1.0 / norms)).tocsc()
    wanted = np.array([index[s] for s in blended if s in index], dtype=np.int64)
    pks = np.array(items)
    for start in range(0, len(wanted), 1024):
        block = wanted[start : start + 1024]
        cosine = (normalized[:, block].T @ normalized).toarray()
        common = (rated[:, block].T @ rated).toarray()
        shrunk = cosine * common / (common + 10.0)
        shrunk[common < 3] = 0.0
        shrunk[np.arange(len(block)), block] = -1.0
        _add_top(blended, block, pks, shrunk, weight)


if __name__ == "__main__":
    sys.exit(main())
