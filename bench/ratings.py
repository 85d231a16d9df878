"""One rating scale: the fallback ratings (the critics' average, the MovieLens community's mean) calibrated
onto IMDb's scale, and what it does to the ranking.

    .venv/bin/python -m bench.ratings            # every film of the embedded catalog (about 10 s)
    .venv/bin/python -m bench.ratings --smoke    # the first 3,000 films: checks that it runs

No database: it reads the installed source files with the loader's readers and matcher, and scores with
`catalog.ranking` as `titles_rescore` does. On the films that have an IMDb rating (ggplot2movies, 2005) and a
fallback, split by IMDb id (even: fit, odd: held out), it

1. fits each fallback's mapping onto IMDb's rating on the fit half, by least squares on the titles with at
   least 20 reviews or ratings (the mean of fewer is mostly noise, which flattens a fitted line), and
   reports its error on the held-out half beside the identity (critics as they are, MovieLens stars x 2)
   and an isotonic fit;
2. chooses each fallback's prior weight m (the Bayesian average's) as the one whose scores come closest to
   the titles' IMDb scores on the fit half, and reports the score error on the held-out half beside today's
   scoring (the critics' raw average, shrunk to the critics' own mean by their median review count);
3. chooses from how many ratings the community's mean goes before the critics' average, the same way;
4. prints the constants `catalog.ranking` ships beside the fit's, and where famous fallback-scored films
   rank among all films, today and calibrated.

MovieLens users whose id is divisible by 5 are kept aside for evaluating recommendations: the community
means leave them out (`read_movielens_ratings`), as the catalog's do.
"""

from bench.common import arguments, embedded_films  # first: it sets Django up

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from catalog.ingest.embedded import (
    movielens_means,
    read_movielens_ratings,
)
from catalog.ranking import (
    CRITICS_CALIBRATION,
    MOVIELENS_BEFORE_CRITICS,
    MOVIELENS_CALIBRATION,
    Calibration,
    ScoreParameters,
    ranking_values,
    scoring_parameters,
)

SMOKE_FILMS = 3_000
FIT_MIN_COUNT = 20
PRIOR_WEIGHTS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 80, 120, 200, 300)
COMMUNITY_FIRST_FROM = (5, 10, 20, 30, 50, 100, 10**9)  # 10**9: the critics always first
FAMOUS = (("Boyhood", 2014), ("Toy Story 3", 2010), ("Gravity", 2013), ("The Dark Knight", 2008))
FAMOUS_IMDB = (("The Godfather", 1972),)


@dataclass(frozen=True)
class Film:
    imdb_id: str
    title: str
    year: int | None
    imdb: float | None
    votes: int
    critics: float | None  # as stored: one decimal
    reviews: int
    stars: float | None  # MovieLens community mean, as stored: two decimals
    ratings: int

    @property
    def fit(self) -> bool:
        return int(self.imdb_id[2:]) % 2 == 0


def films_read(limit: int | None) -> list[Film]:
    paths, records, matcher = embedded_films(limit)
    community = movielens_means(read_movielens_ratings(paths.movielens))
    films = []
    for record in records:
        rating = matcher.rating(record)
        lens = matcher.movielens.get(record.imdb_id)
        mean = community.get(lens.movie_id) if lens else None
        films.append(
            Film(
                imdb_id=record.imdb_id,
                title=record.title,
                year=record.year,
                imdb=rating.rating if rating else None,
                votes=rating.votes if rating else 0,
                critics=round(record.critics_rating, 1) if record.critics_rating is not None else None,
                reviews=record.critics_reviews or 0,
                stars=round(mean.stars, 2) if mean else None,
                ratings=mean.count if mean else 0,
            )
        )
    return films


@dataclass(frozen=True)
class Source:
    name: str
    value: Callable[[Film], float | None]
    count: Callable[[Film], int]
    identity: Callable[[float], float]
    shipped: Calibration


CRITICS = Source(
    "critics' average", lambda f: f.critics, lambda f: f.reviews, lambda x: x, CRITICS_CALIBRATION
)
COMMUNITY = Source(
    "MovieLens community", lambda f: f.stars, lambda f: f.ratings, lambda x: 2 * x, MOVIELENS_CALIBRATION
)


def errors(predicted: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    difference = predicted - actual
    return float(np.abs(difference).mean()), float(math.sqrt((difference**2).mean()))


def isotonic(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Pool-adjacent-violators: the best non-decreasing step function, interpolated between blocks."""
    order = np.argsort(x, kind="stable")
    blocks: list[list[float]] = []  # [mean, weight, first x, last x]
    for xi, yi in zip(x[order], y[order], strict=True):
        blocks.append([float(yi), 1.0, float(xi), float(xi)])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            last = blocks.pop()
            merged = blocks[-1]
            weight = merged[1] + last[1]
            merged[0] = (merged[0] * merged[1] + last[0] * last[1]) / weight
            merged[1], merged[3] = weight, last[3]
    knots_x = np.array([(b[2] + b[3]) / 2 for b in blocks])
    knots_y = np.array([b[0] for b in blocks])
    return lambda q: np.interp(q, knots_x, knots_y)


def today_critics_parameters(films: list[Film]) -> ScoreParameters:
    """Today's critics' scoring: their raw average, shrunk to the critics' own mean by their median count."""
    rows = [(f.critics, f.reviews) for f in films if f.critics is not None and f.reviews]
    return ScoreParameters(
        mean=sum(r for r, _n in rows) / len(rows),
        min_votes=float(sorted(n for _r, n in rows)[len(rows) // 2]),
    )


def main() -> None:
    args = arguments()
    started = time.monotonic()
    films = films_read(SMOKE_FILMS if args.smoke else None)
    rated = [f for f in films if f.imdb is not None and f.votes]
    # IMDb's C and m as titles_rescore computes them on the catalog, and each rated film's IMDb score.
    imdb_parameters = scoring_parameters([(f.imdb, f.votes) for f in rated if f.imdb is not None], [])
    imdb = imdb_parameters["imdb"]
    assert imdb is not None
    imdb_score = {f.imdb_id: imdb.score(f.imdb or 0.0, f.votes) for f in rated}
    print(
        f"{len(films):,} films read, {len(rated):,} with an IMDb rating (C = {imdb.mean:.3f}, "
        f"m = {imdb.min_votes:.0f} votes); fit half: even IMDb ids, held-out half: odd ids"
    )

    fitted: dict[str, Calibration] = {}
    for source in (CRITICS, COMMUNITY):
        both = [f for f in rated if source.value(f) is not None and source.count(f)]
        fit = [f for f in both if f.fit]
        held = [f for f in both if not f.fit]

        def arrays(group: list[Film], source: Source = source) -> tuple[np.ndarray, ...]:
            return (
                np.array([source.value(f) for f in group], dtype=float),
                np.array([f.imdb for f in group], dtype=float),
                np.array([source.count(f) for f in group], dtype=float),
                np.array([imdb_score[f.imdb_id] for f in group], dtype=float),
            )

        x_fit, y_fit, n_fit, s_fit = arrays(fit)
        x_held, y_held, n_held, s_held = arrays(held)
        enough = n_fit >= FIT_MIN_COUNT
        slope, intercept = np.polyfit(x_fit[enough], y_fit[enough], 1)
        line = Calibration(intercept=round(float(intercept), 2), slope=round(float(slope), 3), prior_weight=0)
        steps = isotonic(x_fit[enough], y_fit[enough])
        print(
            f"\n{source.name}: {len(both):,} films with an IMDb rating too ({len(fit):,} fit, "
            f"{len(held):,} held out); fitted on the {int(enough.sum()):,} fit films with >= "
            f"{FIT_MIN_COUNT} {'reviews' if source is CRITICS else 'ratings'}"
        )
        print(f"  fitted line: IMDb = {line.intercept} + {line.slope} x value")
        held_enough = n_held >= FIT_MIN_COUNT
        print(
            f"  {'mapping (held out, against the IMDb rating)':46} {'MAE':>6} {'RMSE':>6}   >= 20: MAE  RMSE"
        )
        for label, mapping in (
            ("identity", lambda x, s=source: np.array([s.identity(v) for v in x])),
            ("line (fitted)", lambda x, c=line: np.array([c.rating(v) for v in x])),
            ("isotonic (fitted)", steps),
        ):
            mae, rmse = errors(mapping(x_held), y_held)
            mae20, rmse20 = errors(mapping(x_held[held_enough]), y_held[held_enough])
            print(f"  {label:46} {mae:6.3f} {rmse:6.3f}   {mae20:9.3f} {rmse20:5.3f}")

        def scores(calibration: Calibration, m: float, x: np.ndarray, n: np.ndarray) -> np.ndarray:
            rating = np.array([calibration.rating(v) for v in x])
            return n / (n + m) * rating + m / (n + m) * imdb.mean if m else rating

        best_m = min(PRIOR_WEIGHTS, key=lambda m: errors(scores(line, m, x_fit, n_fit), s_fit)[1])
        fitted[source.name] = replace(line, prior_weight=best_m)
        print(f"  prior weight m chosen on the fit half (closest to the IMDb scores): {best_m}")
        print(f"  {'score (held out, against the IMDb score)':46} {'MAE':>6} {'RMSE':>6}")
        rows: list[tuple[str, np.ndarray]] = []
        if source is CRITICS:
            old = today_critics_parameters(films)
            rows.append(
                (
                    "today: raw average, critics' C and m",
                    np.array([old.score(v, int(n)) for v, n in zip(x_held, n_held, strict=True)]),
                )
            )
        rows += [
            (
                "identity, IMDb's C, m = " + str(best_m),
                scores(Calibration(0, 1 if source is CRITICS else 2, 0), best_m, x_held, n_held),
            ),
            ("line, no shrinkage", scores(line, 0, x_held, n_held)),
            (f"line, m = {best_m} (fitted)", scores(line, best_m, x_held, n_held)),
            (
                f"shipped: line {source.shipped.intercept} + {source.shipped.slope} x, m = {source.shipped.prior_weight}",
                scores(source.shipped, source.shipped.prior_weight, x_held, n_held),
            ),
        ]
        for label, predicted in rows:
            mae, rmse = errors(predicted, s_held)
            print(f"  {label:46} {mae:6.3f} {rmse:6.3f}")

    # 3. Which fallback first, for films with both: the community's mean from k ratings on.
    both = [f for f in rated if f.critics is not None and f.reviews and f.stars is not None and f.ratings]

    def fallback_score(film: Film, community_first: int) -> float:
        critics, community = fitted[CRITICS.name], fitted[COMMUNITY.name]
        if film.ratings >= community_first:
            return ScoreParameters(imdb.mean, community.prior_weight).score(
                community.rating(film.stars or 0), film.ratings
            )
        return ScoreParameters(imdb.mean, critics.prior_weight).score(
            critics.rating(film.critics or 0), film.reviews
        )

    def choice_error(group: list[Film], k: int) -> tuple[float, float]:
        return errors(
            np.array([fallback_score(f, k) for f in group]), np.array([imdb_score[f.imdb_id] for f in group])
        )

    fit = [f for f in both if f.fit]
    held = [f for f in both if not f.fit]
    best_k = min(COMMUNITY_FIRST_FROM, key=lambda k: choice_error(fit, k)[1])
    print(
        f"\nFilms with both fallbacks and an IMDb rating: {len(both):,}; the community's mean first from k ratings"
    )
    print(f"  {'k (held out, against the IMDb score)':46} {'MAE':>6} {'RMSE':>6}")
    for k in COMMUNITY_FIRST_FROM:
        mae, rmse = choice_error(held, k)
        label = "never (critics first)" if k == 10**9 else f"{k}"
        print(f"  {label + (' (chosen on the fit half)' if k == best_k else ''):46} {mae:6.3f} {rmse:6.3f}")

    print("\nShipped (catalog.ranking) against this fit:")
    for source in (CRITICS, COMMUNITY):
        f = fitted[source.name]
        s = source.shipped
        print(
            f"  {source.name:20} shipped {s.intercept} + {s.slope} x, m = {s.prior_weight}; fitted {f.intercept} + {f.slope} x, m = {f.prior_weight}"
        )
    print(f"  community first from {MOVIELENS_BEFORE_CRITICS} ratings (shipped); fitted {best_k}")

    # 4. Where famous films rank among all films, today and calibrated.
    old_critics = today_critics_parameters(films)

    def today_score(film: Film) -> float | None:
        if film.imdb is not None and film.votes:
            return imdb.score(film.imdb, film.votes)
        if film.critics is not None and film.reviews:
            return old_critics.score(film.critics, film.reviews)
        return None

    calibrated_values = [
        c.rating(v)
        for f in films
        for c, v, n in (
            (CRITICS_CALIBRATION, f.critics, f.reviews),
            (MOVIELENS_CALIBRATION, f.stars, f.ratings),
        )
        if v is not None and n
    ]
    parameters = scoring_parameters(
        [(f.imdb, f.votes) for f in rated if f.imdb is not None], calibrated_values
    )
    new = {
        f.imdb_id: ranking_values(
            imdb_rating=f.imdb,
            imdb_votes=f.votes,
            critics_rating=f.critics,
            critics_reviews=f.reviews,
            movielens_rating=f.stars,
            movielens_ratings=f.ratings,
            parameters=parameters,
        )
        for f in films
    }
    old = {f.imdb_id: today_score(f) for f in films}
    old_order = sorted((s, i) for i, s in old.items() if s is not None)[::-1]
    new_order = sorted((v[2], i) for i, v in new.items() if v[2] is not None)[::-1]
    old_rank = {i: r + 1 for r, (_s, i) in enumerate(old_order)}
    new_rank = {i: r + 1 for r, (_s, i) in enumerate(new_order)}
    print("\nRank among all films (today -> calibrated):")
    for name, year in FAMOUS + FAMOUS_IMDB:
        film = next((f for f in films if f.title == name and f.year == year), None)
        if film is None:
            continue
        rating, _count, score, source = new[film.imdb_id]
        print(
            f"  {name} ({year}): {old_rank.get(film.imdb_id)} -> {new_rank.get(film.imdb_id)} (score {score}, from {source}, {rating} on IMDb's scale)"
        )
    by_id = {f.imdb_id: f for f in films}
    top_old = sum(1 for _s, i in old_order[:20] if not by_id[i].votes)
    top_new = sum(1 for _s, i in new_order[:20] if new[i][3] != "imdb")
    print(f"  fallback-scored films in the top 20: today {top_old}, calibrated {top_new}")
    print(
        f"\nsummary: critics {fitted[CRITICS.name].intercept} + {fitted[CRITICS.name].slope} x "
        f"m {fitted[CRITICS.name].prior_weight}; community {fitted[COMMUNITY.name].intercept} + "
        f"{fitted[COMMUNITY.name].slope} x m {fitted[COMMUNITY.name].prior_weight}; community first from {best_k} "
        f"({time.monotonic() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
