"""Similar titles, precomputed: by content (TF-IDF over genres, people, era, language, country, title words)
and by MovieLens co-ratings (adjusted cosine with shrinkage). The math is pure numpy/scipy (ids in,
neighbours out); `neighbours_rebuild` reads the catalog and rewrites the TitleNeighbour table."""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from scipy import sparse
from tqdm import tqdm

from catalog.models import MediaType, Title, TitleNeighbour
from catalog.text import strip_accents
from core.db import bulk_insert

NEIGHBOURS_PER_TITLE = 15
BLOCK = 1024

# How much each kind of shared feature counts; rare features count more (IDF).
FEATURE_WEIGHTS = {
    "genre": 1.0,
    "director": 2.0,
    "writer": 1.5,
    "cast": 1.0,
    "title": 2.0,
    "decade": 0.6,
    "language": 0.6,
    "country": 0.4,
}
_TITLE_STOPWORDS = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "in",
    "on",
    "to",
    "for",
    "part",
    "le",
    "la",
    "les",
    "l",
    "de",
    "des",
    "du",
    "un",
    "une",
    "et",
    "el",
    "los",
    "il",
    "der",
    "die",
    "das",
    "ii",
    "iii",
    "iv",
    "2",
    "3",
    "4",
    "chapter",
    "episode",
}


@dataclass(frozen=True)
class ContentFeatures:
    pk: int
    genres: Sequence[int]
    directors: Sequence[str]
    writers: Sequence[str]
    cast: Sequence[str]
    title: str
    year: int | None
    language: str
    countries: Sequence[str]

    def tokens(self) -> Iterable[tuple[str, str]]:
        yield from (("genre", str(g)) for g in self.genres)
        yield from (("director", p) for p in self.directors)
        yield from (("writer", p) for p in self.writers)
        yield from (("cast", p) for p in self.cast)
        words = re.findall(r"[a-z0-9]+", strip_accents(self.title).lower())
        yield from (("title", w) for w in words if w not in _TITLE_STOPWORDS and len(w) > 2)
        if self.year:
            yield ("decade", str(self.year // 10))
        if self.language:
            yield ("language", self.language)
        yield from (("country", c) for c in self.countries)


def _top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the k best columns (best first) and their scores."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    ordered = np.take_along_axis(part, np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1), axis=1)
    return ordered, np.take_along_axis(scores, ordered, axis=1)


def content_neighbours(
    items: Sequence[ContentFeatures], k: int = NEIGHBOURS_PER_TITLE
) -> list[tuple[int, int, float]]:
    """(title pk, neighbour pk, cosine similarity) for each item's k most similar items."""
    if len(items) < 2:
        return []
    vocabulary: dict[tuple[str, str], int] = {}
    rows, cols = [], []
    for row, item in enumerate(items):
        for token in set(item.tokens()):
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(items), len(vocabulary))
    )
    document_frequency = np.asarray(counts.sum(axis=0)).ravel()
    kind_weight = np.array([FEATURE_WEIGHTS[kind] for kind, _value in vocabulary], dtype=np.float32)
    idf = np.log((1 + len(items)) / (1 + document_frequency)).astype(np.float32) + 1.0
    weighted = counts @ sparse.diags(idf * kind_weight)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = (sparse.diags(1.0 / norms) @ weighted).tocsr()
    pks = np.array([item.pk for item in items])
    return _blockwise_neighbours(lambda block: (matrix[block] @ matrix.T).toarray(), len(items), pks, k)


def _blockwise_neighbours(
    similarities: Callable[[np.ndarray], np.ndarray], n: int, pks: np.ndarray, k: int
) -> list[tuple[int, int, float]]:
    result: list[tuple[int, int, float]] = []
    for start in range(0, n, BLOCK):
        block = np.arange(start, min(start + BLOCK, n))
        scores = similarities(block)
        scores[np.arange(len(block)), block] = -1.0  # never one's own neighbour
        best, values = _top_k(scores, k)
        for i, row in enumerate(block):
            result += [
                (int(pks[row]), int(pks[j]), round(float(v), 4))
                for j, v in zip(best[i], values[i], strict=True)
                if v > 0
            ]
    return result


def rating_neighbours(
    ratings: Iterable[tuple[int, int, float]],
    k: int = NEIGHBOURS_PER_TITLE,
    shrinkage: float = 10.0,
    min_common: int = 3,
) -> list[tuple[int, int, float]]:
    """Item-item adjusted cosine over (user, item pk, rating) triples, shrunk by the common raters' count."""
    triples = list(ratings)
    if not triples:
        return []
    users = {u: i for i, u in enumerate(sorted({u for u, _i, _r in triples}))}
    items = sorted({i for _u, i, _r in triples})
    index = {pk: j for j, pk in enumerate(items)}
    values = np.array([r for _u, _i, r in triples], dtype=np.float32)
    user_rows = np.array([users[u] for u, _i, _r in triples])
    item_cols = np.array([index[i] for _u, i, _r in triples])
    user_means = np.bincount(user_rows, weights=values) / np.bincount(user_rows)
    centered = values - user_means[user_rows].astype(np.float32)
    shape = (len(users), len(items))
    centred_matrix = sparse.csc_matrix((centered, (user_rows, item_cols)), shape=shape)
    rated = sparse.csc_matrix((np.ones_like(values), (user_rows, item_cols)), shape=shape)
    norms = np.sqrt(np.asarray(centred_matrix.multiply(centred_matrix).sum(axis=0)).ravel())
    norms[norms == 0] = 1.0
    normalized = (centred_matrix @ sparse.diags(1.0 / norms)).tocsc()

    def similarities(block: np.ndarray) -> np.ndarray:
        cosine = (normalized[:, block].T @ normalized).toarray()
        common = (rated[:, block].T @ rated).toarray()
        shrunk = cosine * common / (common + shrinkage)
        shrunk[common < min_common] = 0.0
        return shrunk

    return _blockwise_neighbours(similarities, len(items), np.array(items), k)


def neighbours_rebuild(
    *, ratings: list[tuple[int, int, float]] | None = None, progress: bool = False
) -> dict[str, int]:
    """Recompute the similar-title tables: by content for every title, by co-ratings for MovieLens films.

    `ratings` are MovieLens (user, movieId, rating) triples; titles are matched by `movielens_id`.
    """
    kind = TitleNeighbour.Kind
    genres: dict[int, list[int]] = {}
    for title_id, tmdb_id in Title.genres.through.objects.values_list("title_id", "genre__tmdb_id"):
        genres.setdefault(title_id, []).append(tmdb_id)
    rows: list[tuple[int, int, str, float]] = []
    for media_type in tqdm(MediaType, desc="Similar titles", disable=not progress):
        fields = (
            "pk",
            "directors",
            "writers",
            "cast",
            "original_title",
            "title_en",
            "year",
            "original_language",
            "countries",
        )
        values = Title.objects.filter(media_type=media_type).values_list(*fields).iterator(chunk_size=5000)
        features = [
            ContentFeatures(
                pk=pk,
                genres=genres.get(pk, []),
                directors=directors,
                writers=writers,
                cast=cast,
                title=original or english,
                year=year,
                language=language,
                countries=countries,
            )
            for pk, directors, writers, cast, original, english, year, language, countries in values
        ]
        rows += [(a, b, kind.CONTENT, s) for a, b, s in content_neighbours(features)]
    if ratings:
        by_movielens = dict(Title.objects.exclude(movielens_id=None).values_list("movielens_id", "pk"))
        triples = [(u, by_movielens[m], r) for u, m, r in ratings if m in by_movielens]
        rows += [(a, b, kind.RATINGS, s) for a, b, s in rating_neighbours(triples)]
    with transaction.atomic():
        TitleNeighbour.objects.all().delete()
        bulk_insert(TitleNeighbour._meta.db_table, ("title_id", "neighbour_id", "kind", "score"), rows)
    return dict(Counter(k for _a, _b, k, _s in rows))
