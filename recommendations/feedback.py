"""How each thing a user says about a title counts: once to learn the model, once to score for them.

The figures were chosen on MovieLens users held out from training (bench/quality.py): graded weights beat
treating every rating alike, and low ratings and hidden titles push similar titles down.
"""

import numpy as np

from library.models import Status

# Learning: a rating (1 to 10) or a "seen" without one is an interaction of this strength.
# Watching is most of the signal: a poorly rated title still says what someone chooses to watch.
TRAINING_WEIGHTS = ((8, 1.0), (6, 0.8), (1, 0.6))  # (lowest rating, weight), best first
TRAINING_WEIGHT_UNRATED = 0.9

# Scoring: how much each of the user's titles speaks for (or, below zero, against) its neighbours.
SIGNALS_RATED = ((9, 1.0), (7, 0.8), (5, 0.4), (1, -0.1))
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


def entry_signals(statuses: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """`entry_signal` for arrays of statuses and ratings (NaN: no rating), in one pass."""
    rated = [~np.isnan(ratings) & (ratings >= floor) for floor, _weight in SIGNALS_RATED[:-1]]
    return np.select(
        [statuses == Status.HIDDEN.value, statuses == Status.LATER.value, np.isnan(ratings), *rated],
        [SIGNAL_HIDDEN, SIGNAL_LATER, SIGNAL_UNRATED, *(weight for _floor, weight in SIGNALS_RATED[:-1])],
        SIGNALS_RATED[-1][1],
    )


def entry_signal(status: str, rating: int | None) -> float:
    """How much one of the user's titles speaks for its neighbours (below zero: against them)."""
    ratings = np.array([np.nan if rating is None else rating], dtype=np.float64)
    return float(entry_signals(np.array([status]), ratings)[0])


def liked(statuses: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """Which of the user's titles may be named as a reason: seen, and rated well or not rated."""
    return (statuses == Status.SEEN.value) & (np.isnan(ratings) | (ratings >= LIKED_RATING))
