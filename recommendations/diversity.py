"""Maximal marginal relevance over genres and directors: ten picks, not ten near-copies of one film.

Greedy, so the first n picks never depend on how many are asked for: pages stay consistent.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TRADE_OFF = 0.3  # weight of the similarity to what is already picked, against relevance
WINDOW = 10  # the caps below hold within each run of this many picks
MAX_PER_DIRECTOR = 2
MAX_PER_GENRES = 3  # picks with exactly the same genres


@dataclass(frozen=True)
class Candidate:
    pk: int
    relevance: float
    genres: frozenset[int]
    directors: frozenset[str]


def diversify(candidates: Sequence[Candidate], count: int) -> list[int]:
    """The pks of up to `count` candidates, in picking order."""
    n = len(candidates)
    count = min(count, n)
    if count == 0:
        return []
    relevance = np.array([c.relevance for c in candidates], dtype=np.float64)
    spread = relevance.max() - relevance.min()
    relevance = (relevance - relevance.min()) / spread if spread > 0 else np.ones(n)
    similarity = _similarity(candidates)

    director_members: dict[str, list[int]] = defaultdict(list)
    genre_members: dict[frozenset[int], list[int]] = defaultdict(list)
    for i, candidate in enumerate(candidates):
        for director in candidate.directors:
            director_members[director].append(i)
        if candidate.genres:
            genre_members[candidate.genres].append(i)

    picked: list[int] = []
    closest = np.zeros(n)  # each candidate's highest similarity to a pick so far
    available = np.ones(n, dtype=bool)
    capped = np.zeros(n, dtype=bool)
    in_window: Counter[str | frozenset[int]] = Counter()
    for position in range(count):
        if position % WINDOW == 0:
            in_window.clear()
            capped[:] = False
        value = (1 - TRADE_OFF) * relevance - TRADE_OFF * closest
        value[~available] = -np.inf
        if (available & ~capped).any():  # the caps give way only when nothing else is left
            value[capped] = -np.inf
        best = int(np.argmax(value))
        picked.append(best)
        available[best] = False
        closest = np.maximum(closest, similarity[best])
        for director in candidates[best].directors:
            in_window[director] += 1
            if in_window[director] >= MAX_PER_DIRECTOR:
                capped[director_members[director]] = True
        if genres := candidates[best].genres:
            in_window[genres] += 1
            if in_window[genres] >= MAX_PER_GENRES:
                capped[genre_members[genres]] = True
    return [candidates[i].pk for i in picked]


def _similarity(candidates: Sequence[Candidate]) -> np.ndarray:
    """Half genre overlap (Jaccard), half "same director", between every two candidates."""
    genre_index = {g: j for j, g in enumerate(sorted({g for c in candidates for g in c.genres}))}
    director_index = {d: j for j, d in enumerate(sorted({d for c in candidates for d in c.directors}))}
    genres = np.zeros((len(candidates), max(1, len(genre_index))), dtype=np.float32)
    directors = np.zeros((len(candidates), max(1, len(director_index))), dtype=np.float32)
    for i, candidate in enumerate(candidates):
        genres[i, [genre_index[g] for g in candidate.genres]] = 1.0
        directors[i, [director_index[d] for d in candidate.directors]] = 1.0
    shared = genres @ genres.T
    sizes = genres.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    same_director = (directors @ directors.T > 0).astype(np.float32)
    return 0.5 * jaccard + 0.5 * same_director
