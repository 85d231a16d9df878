"""Ranking scores: each title's vote-weighted rating on one scale, IMDb's, recomputed for a whole media type
at a time.

A title with IMDb votes is scored by its IMDb rating. A title without is scored by a fallback (the MovieLens
community's mean, the critics' average) first mapped onto IMDb's scale by a calibration fitted on the titles
that have both (bench/ratings.py prints the fit and its error; README "The embedded catalog"), so a critics'
9.2 no longer sits among IMDb's 9.1s.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import connection, transaction

from catalog.models import ScoreSource, Title


@dataclass(frozen=True)
class ScoreParameters:
    """A Bayesian average: score = v/(v+m)·R + m/(v+m)·C, where R and v are the title's rating (on IMDb's
    scale) and its count; a title with few votes is pulled towards the mean C."""

    mean: float  # C
    min_votes: float  # m

    def score(self, rating: float, votes: int) -> float:
        return round(
            votes / (votes + self.min_votes) * rating + self.min_votes / (votes + self.min_votes) * self.mean,
            3,
        )


@dataclass(frozen=True)
class Calibration:
    """A fallback rating mapped onto IMDb's scale, IMDb ≈ intercept + slope · value, and the prior weight m
    its count gets in the Bayesian average.

    Fitted by `python -m bench.ratings` on one half of the embedded films that have both ratings (even IMDb
    ids) and measured on the other half: the line by least squares on titles with at least 20 reviews or
    ratings (the mean of fewer is mostly noise, which would flatten the line), m as the value whose scores
    come closest to the titles' IMDb scores."""

    intercept: float
    slope: float
    prior_weight: float

    def rating(self, value: float) -> float:
        return round(min(10.0, max(0.0, self.intercept + self.slope * value)), 2)


# Rotten Tomatoes' critics' average (0 to 10): held-out MAE 0.51 against IMDb's rating (as it is: 0.67).
CRITICS_CALIBRATION = Calibration(intercept=2.33, slope=0.658, prior_weight=20)
# MovieLens community mean (0.5 to 5 stars): held-out MAE 0.32 on titles with 20 or more ratings (stars x 2:
# 0.33); a mean of a few ratings is mostly noise, which the small m and the critics-first rule below handle.
MOVIELENS_CALIBRATION = Calibration(intercept=0.39, slope=1.873, prior_weight=7)
# From this many ratings the community's mean is closer to IMDb's than the critics' average is (an
# audience's rating is IMDb's kind of rating); with fewer, the critics' average comes first.
MOVIELENS_BEFORE_CRITICS = 20

TENTH = Decimal("0.1")


def shown_rating(value: float | None) -> float | None:
    """A title's rating as every card shows it, to one decimal (half up: 6.95 is 7.0); the rating filter
    compares this number, so "7 or more" never shows a card below 7.0 nor leaves out one showing 7.0."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(TENTH, rounding=ROUND_HALF_UP))


def rating_floor(min_rating: float) -> float:
    """The lowest stored rating whose shown rating is at least `min_rating` (ratings hold at most two
    decimals: a shown 7.0 is a stored 6.95 or more)."""
    tenths = Decimal(repr(min_rating)).quantize(TENTH, rounding=ROUND_CEILING)
    return float(tenths - Decimal("0.05"))


# (title's rating on IMDb's scale, its count, score, ScoreSource value or "")
RankingValues = tuple[float | None, int | None, float | None, str]
_UNRANKED: RankingValues = (None, None, None, "")


def _parameters(rows: list[tuple[float, int]]) -> ScoreParameters | None:
    """C is the catalog's mean rating; m the median vote count, so a title needs typical support to rank."""
    if not rows:
        return None
    votes = sorted(v for _r, v in rows)
    return ScoreParameters(
        mean=sum(r for r, _v in rows) / len(rows), min_votes=float(max(1, votes[len(votes) // 2]))
    )


def scoring_parameters(
    imdb_rows: list[tuple[float, int]], calibrated: list[float]
) -> dict[str, ScoreParameters | None]:
    """C and m per score source, from the IMDb-rated titles' (rating, votes) and every fallback's calibrated
    rating. The fallbacks share IMDb's mean C (one scale), each with its own m; without IMDb-rated titles,
    C is the mean of the calibrated ratings."""
    imdb = _parameters(imdb_rows)
    fallbacks: dict[str, ScoreParameters | None] = {
        ScoreSource.CRITICS.value: None,
        ScoreSource.MOVIELENS.value: None,
    }
    mean = imdb.mean if imdb else (sum(calibrated) / len(calibrated) if calibrated else None)
    if mean is not None:
        fallbacks = {
            ScoreSource.CRITICS.value: ScoreParameters(mean, CRITICS_CALIBRATION.prior_weight),
            ScoreSource.MOVIELENS.value: ScoreParameters(mean, MOVIELENS_CALIBRATION.prior_weight),
        }
    return {ScoreSource.IMDB.value: imdb, **fallbacks}


def ranking_values(
    *,
    imdb_rating: Decimal | float | None,
    imdb_votes: int | None,
    critics_rating: Decimal | float | None,
    critics_reviews: int | None,
    movielens_rating: Decimal | float | None = None,
    movielens_ratings: int | None = None,
    parameters: dict[str, ScoreParameters | None],
) -> RankingValues:
    """A title's ranking rating (on IMDb's scale), count, score and the source they come from: IMDb's where
    it has votes, else the MovieLens community's when enough people rated it, else the critics', else the
    community's however few rated it."""
    imdb = parameters.get(ScoreSource.IMDB.value)
    if imdb and imdb_rating is not None and imdb_votes:
        rating = float(imdb_rating)
        return rating, imdb_votes, imdb.score(rating, imdb_votes), ScoreSource.IMDB.value
    community = parameters.get(ScoreSource.MOVIELENS.value)
    critics = parameters.get(ScoreSource.CRITICS.value)
    lens_count = movielens_ratings or 0
    if community and movielens_rating is not None and lens_count >= MOVIELENS_BEFORE_CRITICS:
        return _fallback(
            MOVIELENS_CALIBRATION, community, movielens_rating, lens_count, ScoreSource.MOVIELENS
        )
    if critics and critics_rating is not None and critics_reviews:
        return _fallback(CRITICS_CALIBRATION, critics, critics_rating, critics_reviews, ScoreSource.CRITICS)
    if community and movielens_rating is not None and lens_count:
        return _fallback(
            MOVIELENS_CALIBRATION, community, movielens_rating, lens_count, ScoreSource.MOVIELENS
        )
    return _UNRANKED


def _fallback(
    calibration: Calibration, parameters: ScoreParameters, value: Decimal | float, count: int, source: str
) -> RankingValues:
    rating = calibration.rating(float(value))
    return rating, count, parameters.score(rating, count), str(source)


def _score_parameters_key(media_type: str) -> str:
    return f"catalog:score-parameters:v2:{media_type}"


def score_parameters(*, media_type: str) -> dict[str, ScoreParameters | None]:
    """The current C and m of a media type (kept in the cache by each rescore), for scoring one title."""
    parameters = cache.get(_score_parameters_key(media_type))
    return parameters if parameters is not None else titles_rescore(media_type=media_type)


def titles_rescore(*, media_type: str) -> dict[str, ScoreParameters | None]:
    """Recompute each title's ranking rating, votes, score and score source (see `ranking_values`)."""
    titles = list(
        Title.objects.filter(media_type=media_type).values_list(
            "pk",
            "imdb_rating",
            "imdb_votes",
            "critics_rating",
            "critics_reviews",
            "movielens_rating",
            "movielens_ratings",
            "rating",
            "votes",
            "score",
            "score_source",
        )
    )
    calibrated = [
        calibration.rating(float(value))
        for row in titles
        for calibration, value, count in (
            (CRITICS_CALIBRATION, row[3], row[4]),
            (MOVIELENS_CALIBRATION, row[5], row[6]),
        )
        if value is not None and count
    ]
    parameters = scoring_parameters(
        [(float(r), v) for _pk, r, v, *_rest in titles if r is not None and v], calibrated
    )
    changed = []
    for pk, imdb_rating, imdb_votes, critics_rating, reviews, lens_rating, lens_count, *old in titles:
        new = ranking_values(
            imdb_rating=imdb_rating,
            imdb_votes=imdb_votes,
            critics_rating=critics_rating,
            critics_reviews=reviews,
            movielens_rating=lens_rating,
            movielens_ratings=lens_count,
            parameters=parameters,
        )
        if new != tuple(old):
            changed.append((*new, pk))
    # Tens of thousands of rows: a plain executemany is far faster than bulk_update's CASE expressions.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Title._meta.db_table} SET rating = %s, votes = %s, score = %s, score_source = %s "  # noqa: S608
            "WHERE id = %s",
            changed,
        )
    cache.set(_score_parameters_key(media_type), parameters, timeout=None)
    return parameters
