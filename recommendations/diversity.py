"""Maximal marginal relevance over genres and directors: ten picks, not ten near-copies of one film.

Reaching beyond the most-rated titles too: a less-known title takes the place of the most-rated pick it would
displace from the first ten when its score comes within a margin of that pick's (`reach_quota`, the margin
and the most of them set by the user's "familiar ↔ adventurous" setting); each run of ten picks then holds
that many less-known titles, in the slots as late in the run as they can be, so the best-ranked picks still
come first. Greedy, so the first n picks never depend on how many are asked for: pages stay consistent.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TRADE_OFF = 0.2  # weight of the similarity to what is already picked, against relevance
WINDOW = 10  # the caps below hold within each run of this many picks
MAX_PER_DIRECTOR = 2
MAX_PER_GENRES = 3  # picks with exactly the same genres


@dataclass(frozen=True)
class Candidate:
    pk: int
    relevance: float
    genres: frozenset[int]
    directors: frozenset[str]
    obscure: bool = False  # outside the most-rated titles


def reach_quota(candidates: Sequence[Candidate], *, margin: float, most: int) -> int:
    """How many less-known candidates enter the first WINDOW picks, at most `most`: the best of them while
    each one's relevance is at most `margin` below the most-rated candidate it displaces (the lowest-ranked
    of the most-rated ones still in the ten; an empty slot when there are fewer than ten of them)."""
    obscure = sorted((c.relevance for c in candidates if c.obscure), reverse=True)
    known = sorted((c.relevance for c in candidates if not c.obscure), reverse=True)
    quota = 0
    while quota < min(most, len(obscure), WINDOW):
        displaced = WINDOW - 1 - quota  # index of the most-rated pick it would push out of the ten
        if displaced < len(known) and obscure[quota] < known[displaced] - margin:
            break
        quota += 1
    return quota


def diversify(candidates: Sequence[Candidate], count: int, *, obscure_share: float = 0.0) -> list[int]:
    """The pks of up to `count` candidates, in picking order; in each run of WINDOW, at least
    round(`obscure_share` x WINDOW) obscure ones while there are any."""
    n = len(candidates)
    count = min(count, n)
    if count == 0:
        return []
    relevance = np.array([c.relevance for c in candidates], dtype=np.float64)
    spread = relevance.max() - relevance.min()
    relevance = (relevance - relevance.min()) / spread if spread > 0 else np.ones(n)
    similar_to = _Similarity(candidates)
    director_members: dict[str, list[int]] = defaultdict(list)
    genre_members: dict[frozenset[int], list[int]] = defaultdict(list)
    for i, candidate in enumerate(candidates):
        for director in candidate.directors:
            director_members[director].append(i)
        if candidate.genres:
            genre_members[candidate.genres].append(i)

    obscure = np.array([c.obscure for c in candidates], dtype=bool)
    obscure_in_window = 0
    picked: list[int] = []
    closest = np.zeros(n)  # each candidate's highest similarity to a pick so far
    available = np.ones(n, dtype=bool)
    capped = np.zeros(n, dtype=bool)
    in_window: Counter[str | frozenset[int]] = Counter()
    for position in range(count):
        if position % WINDOW == 0:
            in_window.clear()
            capped[:] = False
            obscure_in_window = 0
        value = (1 - TRADE_OFF) * relevance - TRADE_OFF * closest
        value[~available] = -np.inf
        # the run's share of obscure picks, placed as late in it as can be (the best-ranked come first)
        short = obscure_in_window + WINDOW - position % WINDOW <= round(obscure_share * WINDOW)
        allowed = available & obscure if short and (available & obscure).any() else available
        if (allowed & ~capped).any():  # the caps give way only when nothing else is left
            value[capped] = -np.inf
        value[~allowed] = -np.inf
        best = int(np.argmax(value))
        obscure_in_window += bool(obscure[best])
        picked.append(best)
        available[best] = False
        closest = np.maximum(closest, similar_to(best))
        for director in candidates[best].directors:
            in_window[director] += 1
            if in_window[director] >= MAX_PER_DIRECTOR:
                capped[director_members[director]] = True
        if genres := candidates[best].genres:
            in_window[genres] += 1
            if in_window[genres] >= MAX_PER_GENRES:
                capped[genre_members[genres]] = True
    return [candidates[i].pk for i in picked]


class _Similarity:
    """Half genre overlap (Jaccard), half "shares a director", between one candidate and all of them."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.genres = _incidence([c.genres for c in candidates])
        self.directors = _incidence([c.directors for c in candidates])
        self.sizes = self.genres.sum(axis=1)

    def __call__(self, index: int) -> np.ndarray:
        shared = self.genres @ self.genres[index]
        union = self.sizes + self.sizes[index] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        same_director = (self.directors @ self.directors[index]) > 0
        return 0.5 * jaccard + 0.5 * same_director


def _incidence(sets: Sequence[frozenset]) -> np.ndarray:
    """A 0/1 matrix: one row per set, one column per distinct member."""
    columns = {member: j for j, member in enumerate(sorted({m for s in sets for m in s}, key=str))}
    matrix = np.zeros((len(sets), max(1, len(columns))), dtype=np.float32)
    rows = [i for i, members in enumerate(sets) for _m in members]
    matrix[rows, [columns[m] for members in sets for m in members]] = 1.0
    return matrix


def intra_list_diversity(picks: Sequence[Candidate]) -> float:
    """1 - the mean similarity (as diversification measures it) of the picks' pairs; 0 under two picks."""
    n = len(picks)
    if n < 2:
        return 0.0
    similar_to = _Similarity(picks)
    total = sum(float(similar_to(i)[i + 1 :].sum()) for i in range(n - 1))
    return 1.0 - total / (n * (n - 1) / 2)
