"""How each thing a user says about a title counts: once to learn the model, once to score for them.

The figures were chosen on MovieLens users held out from training (bench/quality.py): graded weights beat
treating every rating alike, and low ratings and hidden titles push similar titles down.
"""

import numpy as np

from library.models import Status

# Learning: a rating (1 to 10) or a "seen" without one is an interaction of this strength.
TRAINING_WEIGHTS = ((8, 1.0), (6, 0.6), (1, 0.3))  # (lowest rating, weight), best first
TRAINING_WEIGHT_UNRATED = 0.8

# Scoring: how much each of the user's titles speaks for (or, below zero, against) its neighbours.
SIGNALS_RATED = ((9, 1.0), (7, 0.8), (5, 0.4), (1, -0.3))
SIGNAL_UNRATED = 0.8
SIGNAL_LATER = 0.3
SIGNAL_HIDDEN = -1.0
LIKED_RATING = 7  # from this rating on (or seen without a rating), a title may be named as a reason


def training_weights(ratings: np.ndarray) -> np.ndarray:
    """Interaction strengths for an array of ratings, NaN meaning seen without a rating."""
    weights = np.full(ratings.shape, TRAINING_WEIGHT_UNRATED, dtype=np.float32)
    rated = ~np.isnan(ratings)
    for floor, weight in reversed(TRAINING_WEIGHTS):
        weights[rated & (ratings >= floor)] = weight
    return weights


def entry_signal(status: str, rating: int | None) -> float:
    if status == Status.HIDDEN:
        return SIGNAL_HIDDEN
    if status == Status.LATER:
        return SIGNAL_LATER
    if rating is None:
        return SIGNAL_UNRATED
    return next((weight for floor, weight in SIGNALS_RATED if rating >= floor), SIGNALS_RATED[-1][1])


def entry_signal_sql(alias: str) -> tuple[str, list[object]]:
    """`entry_signal` as an SQL expression over the entry table aliased `alias`, with its parameters."""
    sql = [f"CASE WHEN {alias}.status = %s THEN %s WHEN {alias}.status = %s THEN %s"]
    params: list[object] = [Status.HIDDEN.value, SIGNAL_HIDDEN, Status.LATER.value, SIGNAL_LATER]
    sql.append(f"WHEN {alias}.rating IS NULL THEN %s")
    params.append(SIGNAL_UNRATED)
    for floor, weight in SIGNALS_RATED[:-1]:
        sql.append(f"WHEN {alias}.rating >= %s THEN %s")
        params += [floor, weight]
    sql.append("ELSE %s END")
    params.append(SIGNALS_RATED[-1][1])
    return " ".join(sql), params


def is_liked(rating: int | None) -> bool:
    return rating is None or rating >= LIKED_RATING
