"""Ranking scores: each title's vote-weighted rating, recomputed for a whole media type at a time."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction

from catalog.models import Title


@dataclass(frozen=True)
class ScoreParameters:
    """A Bayesian average, per rating kind (IMDb's or the critics'): score = v/(v+m)·R + m/(v+m)·C, where R
    and v are the title's rating and votes; a title with few votes is pulled towards the mean C."""

    mean: float  # C
    min_votes: float  # m

    def score(self, rating: float, votes: int) -> float:
        return round(
            votes / (votes + self.min_votes) * rating + self.min_votes / (votes + self.min_votes) * self.mean,
            3,
        )


def _parameters(rows: list[tuple[float, int]]) -> ScoreParameters | None:
    """C is the catalog's mean rating; m the median vote count, so a title needs typical support to rank."""
    if not rows:
        return None
    votes = sorted(v for _r, v in rows)
    return ScoreParameters(
        mean=sum(r for r, _v in rows) / len(rows), min_votes=float(max(1, votes[len(votes) // 2]))
    )


def ranking_values(
    *,
    imdb_rating: Decimal | float | None,
    imdb_votes: int | None,
    critics_rating: Decimal | float | None,
    critics_reviews: int | None,
    parameters: dict[str, ScoreParameters | None],
) -> tuple[float | None, int | None, float | None]:
    """A title's ranking rating, votes and score: IMDb's where it has votes, else the critics'."""
    imdb, critics = parameters.get("imdb"), parameters.get("critics")
    if imdb and imdb_rating is not None and imdb_votes:
        return float(imdb_rating), imdb_votes, imdb.score(float(imdb_rating), imdb_votes)
    if critics and critics_rating is not None and critics_reviews:
        return float(critics_rating), critics_reviews, critics.score(float(critics_rating), critics_reviews)
    return None, None, None


def _score_parameters_key(media_type: str) -> str:
    return f"catalog:score-parameters:{media_type}"


def score_parameters(*, media_type: str) -> dict[str, ScoreParameters | None]:
    """The current C and m of a media type (kept in the cache by each rescore), for scoring one title."""
    parameters = cache.get(_score_parameters_key(media_type))
    return parameters if parameters is not None else titles_rescore(media_type=media_type)


def titles_rescore(*, media_type: str) -> dict[str, ScoreParameters | None]:
    """Recompute each title's ranking rating, votes and score: IMDb's where it has votes, else critics'."""
    titles = list(
        Title.objects.filter(media_type=media_type).values_list(
            "pk", "imdb_rating", "imdb_votes", "critics_rating", "critics_reviews", "rating", "votes", "score"
        )
    )
    parameters = {
        "imdb": _parameters([(float(r), v) for _pk, r, v, *_rest in titles if r is not None and v]),
        "critics": _parameters(
            [(float(cr), cv) for _pk, _r, _v, cr, cv, *_rest in titles if cr is not None and cv]
        ),
    }
    changed = []
    for pk, imdb_rating, imdb_votes, critics_rating, reviews, *old in titles:
        new = ranking_values(
            imdb_rating=imdb_rating,
            imdb_votes=imdb_votes,
            critics_rating=critics_rating,
            critics_reviews=reviews,
            parameters=parameters,
        )
        if new != tuple(old):
            changed.append((*new, pk))
    # Tens of thousands of rows: a plain executemany is far faster than bulk_update's CASE expressions.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Title._meta.db_table} SET rating = %s, votes = %s, score = %s WHERE id = %s",  # noqa: S608
            changed,
        )
    cache.set(_score_parameters_key(media_type), parameters, timeout=None)
    return parameters
