"""Similar titles, precomputed by `neighbours_rebuild` into the TitleNeighbour table.

Movies: the films the MovieLens community rated together with the seed, shrunk so that the films everybody
rated do not fill every list, weighted by content (genres, people, franchise, decade, language, country: a
co-rated film that shares nothing with the seed drops), and content alone where few people rated the seed.
TV shows have no community ratings: their lists come from the curated list's genres, air years, language and
country, and never hold a movie. No list holds more than 3 titles by one director or of one franchise.

`bench/similar.py` measures the lists on MovieLens users kept out of them, and chose `ListWeights` on
validation users. The math is pure numpy/scipy (ids in, neighbours out); `neighbours_rebuild` reads the
catalog and rewrites the table.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from scipy import sparse
from tqdm import tqdm

from catalog.models import MediaType, Title, TitleNeighbour
from catalog.text import strip_accents
from core.db import bulk_insert

NEIGHBOURS_PER_TITLE = 15  # content neighbours kept per title (the recommender blends them in)
SIMILAR_PER_TITLE = 20  # the served list's length
MAX_PER_DIRECTOR = 3  # per list: any 10 of its titles then hold at most 3 by one director…
MAX_PER_FRANCHISE = 3  # …and at most 3 of one franchise
LIKED_STARS = 4.0  # a MovieLens rating from which a film counts as liked
CANDIDATES = 200  # per seed, the best-scored titles the list is picked from
BLOCK = 1024
Caps = list[list[tuple[str, Hashable]]]  # per item: the directors and the franchise it counts for


def reserved_for_evaluation(user: int) -> bool:
    """MovieLens users whose id is divisible by 5 judge the lists (and the recommender): never learnt from."""
    return user % 5 == 0


# How much each kind of shared feature counts; rare features count more (IDF). The content neighbours feed the
# recommender, which was tuned with these weights (bench/quality.py): people and title words weigh most.
NEIGHBOUR_FEATURES = {
    "genre": 1.0,
    "director": 2.0,
    "writer": 1.5,
    "cast": 1.0,
    "title": 2.0,
    "decade": 0.6,
    "aired": 0.6,
    "language": 0.6,
    "country": 0.4,
}
# The similar lists weigh genres more and people less, and share a franchise rather than title words: with
# the weights above, Heat's nearest films were Michael Mann's and Alien's were Alien from L.A. and the like.
LIST_FEATURES = {
    "genre": 1.0,
    "director": 1.0,
    "writer": 0.8,
    "cast": 0.5,
    "franchise": 2.0,
    "decade": 0.5,
    "aired": 0.6,
    "language": 0.6,
    "country": 0.3,
}
_TITLE_STOPWORDS = frozenset(
    {
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
)


@dataclass(frozen=True)
class ContentFeatures:
    pk: int
    genres: Sequence[int]
    directors: Sequence[str]
    writers: Sequence[str]
    cast: Sequence[str]
    title: str  # its title words are features of a film (the original title, else the English one)
    year: int | None
    language: str
    countries: Sequence[str]
    last_year: int | None = None  # TV: the last year it aired (its air years are features, not its decade)
    english: str = ""  # franchises are read from the English title (the title when empty)

    def people(self) -> bool:
        return bool(self.directors or self.writers or self.cast)

    def tokens(self) -> Iterator[tuple[str, Hashable]]:
        """Its features. TV shows have no people and no title words (a short title such as "The O.C." left its
        show closest to every other); the 5-year spans they aired in stand for a decade."""
        yield from (("genre", g) for g in self.genres)
        yield from (("director", p) for p in self.directors)
        yield from (("writer", p) for p in self.writers)
        yield from (("cast", p) for p in self.cast)
        if self.last_year is None:
            words = re.findall(r"[a-z0-9]+", strip_accents(self.title).lower())
            yield from (("title", w) for w in words if w not in _TITLE_STOPWORDS and len(w) > 2)
        if self.year and self.last_year is not None:
            yield from (
                ("aired", span) for span in range(self.year // 5, max(self.year, self.last_year) // 5 + 1)
            )
        elif self.year:
            yield ("decade", self.year // 10)
        if self.language:
            yield ("language", self.language)
        yield from (("country", c) for c in self.countries)


@dataclass(frozen=True)
class ListWeights:
    """How a movie's list is ranked; `bench/similar.py --tune` chose these on validation users.

    For a seed s and a film j: of the n_s people who rated s, c liked j, and q_j is the share of the whole
    community who liked j. The chance that someone who saw s likes j, shrunk towards q_j by `prior` imaginary
    raters (a pair few people share says little), is p = (c + prior x q_j) / (n_s + prior); dividing it by
    q_j^`popularity` keeps the films everybody liked from filling every list (0: the likeliest films however
    popular; 1: lift, the films most specific to the seed's audience). That score is multiplied by
    (content_gate + content) / (1 + content_gate), where content is the two titles' content similarity (0 to
    1), and content x `content` is added: the whole score of a film nobody rated, a tie-breaker elsewhere.
    Picking the list, once a film is in, the people who liked it count `repeat` for the next picks: a list
    reaches the several tastes of the seed's audience instead of ten films the same people liked.
    """

    popularity: float = 0.2
    prior: float = 5.0
    content_gate: float = 0.1
    content: float = 0.001
    repeat: float = 0.5


@dataclass
class NeighbourRows:
    """(title pk, neighbour pk, score) rows: the served lists (score 1 for the first, falling by rank) and
    each title's nearest titles by content alone."""

    similar: list[tuple[int, int, float]] = field(default_factory=list)
    content: list[tuple[int, int, float]] = field(default_factory=list)


# ---------------------------------------------------------------- franchises

_SUBTITLE = re.compile("\\s*(?::| \u2013 | \u2014 | - | and the )\\s*")  # ":", en and em dashes
_INSTALMENT = re.compile(r" (?:(?:part|chapter|vol|volume|episode) )?(?:\d{1,2}|[ivx]{1,4}|one|two|three)$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|le|la|les|l) ")
_PLURAL = re.compile(r"(?<=[a-z]{3})s$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    value = strip_accents(text.replace("²", " 2").replace("³", " 3")).lower().replace("&", " and ")
    return _LEADING_ARTICLE.sub("", " ".join(_NON_ALNUM.sub(" ", value).split()))


def franchise_stem(title: str) -> str:
    """The name a franchise's titles share: the title before a subtitle (":", a dash, " and the "), without a
    leading article, an instalment number or a plural s. "alien" for Alien, Aliens, Alien 3 and Alien:
    Resurrection; "star wars" for every episode; "harry potter"; "godfather" for The Godfather Part II."""
    head = _SUBTITLE.split(title.lower(), maxsplit=1)[0]
    return _PLURAL.sub("", _INSTALMENT.sub("", _words(head)))


def franchises(items: Sequence[ContentFeatures]) -> list[int]:
    """Each item's franchise, as the position of one of its members (its own position when it has none).

    The data has no collection ids, so a franchise is read from titles and people: two titles belong to one
    when one's stem (`franchise_stem`) is the other's stem or the first whole words of the other's title, and
    they share a director or a writer, or two actors (Alien, Aliens and Alien 3 share their writers; Alien
    from L.A. shares nobody with them). Where one has no people (TV shows, films only MovieLens knows), equal
    stems suffice.
    """
    stems = [franchise_stem(item.english or item.title) for item in items]
    by_stem: dict[str, list[int]] = defaultdict(list)
    for position, stem in enumerate(stems):
        if stem:
            by_stem[stem].append(position)
    parent = list(range(len(items)))

    def root(position: int) -> int:
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    for position, item in enumerate(items):
        words = _words(item.english or item.title).split()
        prefixes = {stems[position]}
        for count in range(1, len(words) + 1):
            prefix = " ".join(words[:count])
            prefixes |= {prefix, _PLURAL.sub("", prefix)}
        for prefix in prefixes:
            for other in by_stem.get(prefix, ()):
                if other != position and _one_franchise(item, items[other], stems[position] == prefix):
                    parent[root(position)] = root(other)
    return [root(position) for position in range(len(items))]


def _one_franchise(a: ContentFeatures, b: ContentFeatures, same_stem: bool) -> bool:
    if not a.people() or not b.people():
        return same_stem
    makers = {*a.directors, *a.writers} & {*b.directors, *b.writers}
    return bool(makers) or len(set(a.cast) & set(b.cast)) >= 2


# ---------------------------------------------------------------- content


def content_matrix(
    items: Sequence[ContentFeatures],
    weights: dict[str, float] = NEIGHBOUR_FEATURES,
    franchise: Sequence[int] | None = None,
    tokens_of: Callable[[ContentFeatures], Iterable[tuple[str, Hashable]]] = ContentFeatures.tokens,
) -> sparse.csr_matrix:
    """Rows of TF-IDF features (`tokens_of` an item, those `weights` names; with `franchise`, a title's
    franchise when it has one), unit length: their dot product is the content similarity."""
    sizes = Counter(franchise or ())
    vocabulary: dict[tuple[str, Hashable], int] = {}
    rows, cols = [], []
    for row, item in enumerate(items):
        tokens = {token for token in tokens_of(item) if token[0] in weights}
        if franchise is not None and sizes[franchise[row]] > 1:
            tokens.add(("franchise", franchise[row]))
        for token in tokens:
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(items), len(vocabulary))
    )
    document_frequency = np.asarray(counts.sum(axis=0)).ravel()
    kind_weight = np.array([weights[kind] for kind, _value in vocabulary], dtype=np.float32)
    idf = np.log((1 + len(items)) / (1 + document_frequency)).astype(np.float32) + 1.0
    weighted = counts @ sparse.diags(idf * kind_weight)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ weighted).tocsr().astype(np.float32)


def content_neighbours(
    items: Sequence[ContentFeatures], k: int = NEIGHBOURS_PER_TITLE
) -> list[tuple[int, int, float]]:
    """(title pk, neighbour pk, cosine similarity) for each item's k most similar items by content."""
    return similar_lists(items, size=0, content_k=k).content


# ---------------------------------------------------------------- the community's ratings


class Audience:
    """Who rated and who liked each item, from (user, item pk, stars) triples, reserved users left out."""

    def __init__(self, ratings: Iterable[tuple[int, int, float]], pks: Sequence[int]) -> None:
        column = {pk: j for j, pk in enumerate(pks)}
        triples = [
            (u, column[pk], r) for u, pk, r in ratings if pk in column and not reserved_for_evaluation(u)
        ]
        users = {u: i for i, u in enumerate(sorted({u for u, _j, _r in triples}))}
        shape = (len(users), len(pks))
        rows = np.array([users[u] for u, _j, _r in triples], dtype=np.int64)
        cols = np.array([j for _u, j, _r in triples], dtype=np.int64)
        liked = np.array([r >= LIKED_STARS for _u, _j, r in triples], dtype=bool)
        ones = np.ones(len(triples), dtype=np.float32)
        self.rated = sparse.csc_matrix((ones, (rows, cols)), shape=shape)
        self.likes = sparse.csr_matrix((ones[liked], (rows[liked], cols[liked])), shape=shape)
        self.liked = self.likes.toarray().astype(bool)  # people x items: small (the community is ~500 people)
        self.raters = np.asarray(self.rated.sum(axis=0)).ravel().astype(np.float32)
        self.likers = np.asarray(self.likes.sum(axis=0)).ravel().astype(np.float32)

    def __bool__(self) -> bool:
        return self.rated.nnz > 0

    def co_counts(self, block: np.ndarray) -> np.ndarray:
        """Per seed of the block, per item: how many people rated the seed and liked the item."""
        counts: np.ndarray = (self.rated[:, block].T @ self.likes).toarray()
        counts[np.arange(len(block)), block] = 0.0
        return counts

    def base_rates(self) -> np.ndarray:
        """Per item, the share of the community who liked it."""
        rates: np.ndarray = np.maximum(self.likers, 0.5) / max(self.rated.shape[0], 1)
        return rates

    def factors(self, block: np.ndarray, weights: ListWeights) -> np.ndarray:
        """Per seed of the block, per item: 1 / ((n_s + prior) x q_j^popularity), what a count of likers (plus
        the prior's) is multiplied by to make the score; 0 for the seed itself."""
        seeds = (self.raters[block] + weights.prior)[:, None]
        items = self.base_rates()[None, :] ** weights.popularity
        factors = (1.0 / (seeds * items)).astype(np.float32)
        factors[np.arange(len(block)), block] = 0.0
        return factors

    def priors(self, weights: ListWeights) -> np.ndarray:
        """Per item, the imaginary likers the prior adds to every count."""
        return (weights.prior * self.base_rates()).astype(np.float32)

    def scores(self, block: np.ndarray, weights: ListWeights) -> np.ndarray:
        """The shrunk co-occurrence score of every item for each seed of the block."""
        scores: np.ndarray = (self.co_counts(block) + self.priors(weights)[None, :]) * self.factors(
            block, weights
        )
        return scores

    def raters_of(self, item: int) -> np.ndarray:
        return self.rated.indices[self.rated.indptr[item] : self.rated.indptr[item + 1]]


def rating_neighbours(
    ratings: Iterable[tuple[int, int, float]],
    k: int = NEIGHBOURS_PER_TITLE,
    weights: ListWeights | None = None,
) -> list[tuple[int, int, float]]:
    """(item pk, neighbour pk, score): each item's k best by shrunk co-occurrence alone (no content, no
    caps), the community's signal as `bench/similar.py` compares it."""
    triples = list(ratings)
    pks = sorted({pk for _u, pk, _r in triples})
    audience = Audience(triples, pks)
    weights = weights or ListWeights()
    result: list[tuple[int, int, float]] = []
    for start in range(0, len(pks), BLOCK):
        block = np.arange(start, min(start + BLOCK, len(pks)))
        scores = audience.scores(block, weights)
        best = _best(scores, min(k, len(pks) - 1))
        for i, row in enumerate(block):
            result += [(pks[row], pks[j], round(float(scores[i, j]), 6)) for j in best[i] if scores[i, j] > 0]
    return result


# ---------------------------------------------------------------- the lists


def similar_lists(
    items: Sequence[ContentFeatures],
    ratings: Iterable[tuple[int, int, float]] = (),
    *,
    weights: ListWeights | None = None,
    size: int = SIMILAR_PER_TITLE,
    content_k: int = 0,
    seeds: Collection[int] | None = None,
    progress: bool = False,
) -> NeighbourRows:
    """Each item's similar list (`size` titles) among `items`, and, with `content_k`, its nearest by content.

    `ratings` are (user, item pk, stars) triples of the community (reserved users are left out here too);
    `seeds` limits which items get lists (all by default).
    """
    weights = weights or ListWeights()
    result = NeighbourRows()
    if len(items) < 2:
        return result
    pks = np.array([item.pk for item in items])
    franchise = franchises(items)
    audience = Audience(ratings, pks.tolist())
    caps: Caps = [
        [("director", name) for name in item.directors] + [("franchise", franchise[position])]
        for position, item in enumerate(items)
    ]
    rows = np.arange(len(items))
    if seeds is not None:
        wanted = set(seeds)
        rows = np.array(
            [position for position, pk in enumerate(pks.tolist()) if pk in wanted], dtype=np.int64
        )
    neighbour_matrix = content_matrix(items) if content_k else None
    list_matrix = content_matrix(items, LIST_FEATURES, franchise) if size else None
    prior = audience.priors(weights)
    bar = tqdm(total=len(rows), desc="Similar titles", unit="title", disable=not progress)
    count = min(CANDIDATES, len(items) - 1)
    for start in range(0, len(rows), BLOCK):
        block = rows[start : start + BLOCK]
        if neighbour_matrix is not None:
            result.content += _content_rows(neighbour_matrix, block, pks, min(content_k, len(items) - 1))
        if list_matrix is not None:
            result.similar += _list_rows(list_matrix, block, pks, audience, prior, weights, caps, size, count)
        bar.update(len(block))
    bar.close()
    return result


def _content_rows(
    matrix: sparse.csr_matrix, block: np.ndarray, pks: np.ndarray, k: int
) -> list[tuple[int, int, float]]:
    """(title pk, neighbour pk, content similarity) of each seed's k nearest titles by content."""
    content = (matrix[block] @ matrix.T).toarray()
    content[np.arange(len(block)), block] = 0.0
    nearest = _best(content, k)
    return [
        (int(pks[seed]), int(pks[j]), round(float(content[i, j]), 4))
        for i, seed in enumerate(block)
        for j in nearest[i]
        if content[i, j] > 0
    ]


def _list_rows(
    matrix: sparse.csr_matrix,
    block: np.ndarray,
    pks: np.ndarray,
    audience: Audience,
    prior: np.ndarray,
    weights: ListWeights,
    caps: Caps,
    size: int,
    count: int,
) -> list[tuple[int, int, float]]:
    """(title pk, neighbour pk, 1 falling by rank) of each seed's list: by the community where someone rated
    the seed, by content alone where nobody did."""
    content = (matrix[block] @ matrix.T).toarray()
    content[np.arange(len(block)), block] = 0.0
    rated = np.flatnonzero(audience.raters[block] > 0) if audience else np.array([], dtype=np.int64)
    unrated = np.setdiff1d(np.arange(len(block)), rated)
    ranked: dict[int, np.ndarray] = {}
    factor_row: dict[int, int] = {}  # a rated seed's row in `factors`
    factors = np.zeros((0, content.shape[1]), dtype=np.float32)
    if len(unrated):
        ranked |= dict(zip(unrated.tolist(), _best(content[unrated], count), strict=True))
    if len(rated):
        # What a count of likers is worth for each seed and film, content gate included.
        gate = (weights.content_gate + content[rated]) / (1 + weights.content_gate)
        factors = audience.factors(block[rated], weights) * gate
        score = (audience.co_counts(block[rated]) + prior[None, :]) * factors
        score += weights.content * content[rated]
        ranked |= dict(zip(rated.tolist(), _best(score, count), strict=True))
        factor_row = dict(zip(rated.tolist(), range(len(rated)), strict=True))
    rows: list[tuple[int, int, float]] = []
    for i, seed in enumerate(block.tolist()):
        candidates = ranked[i]
        if i in factor_row:
            picks = _pick_covering(
                candidates,
                audience.liked[np.ix_(audience.raters_of(seed), candidates)],
                prior[candidates],
                factors[factor_row[i], candidates],
                weights.content * content[i, candidates],
                weights.repeat,
                caps,
                size,
            )
        else:
            picks = _pick_in_order(candidates[content[i, candidates] > 0], caps, size)
        rows += [(int(pks[seed]), int(pks[j]), round(1 - rank / size, 4)) for rank, j in enumerate(picks)]
    return rows


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the k highest scores, best first."""
    n = scores.shape[1]
    part = np.argpartition(scores, n - k, axis=1)[:, n - k :]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


_LIMITS = {"director": MAX_PER_DIRECTOR, "franchise": MAX_PER_FRANCHISE}


class _Caps:
    """Counts a list's titles per director and franchise; a title that would make one exceed 3 is left out."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.counts: dict[tuple[str, Hashable], int] = {}

    def admit(self, item: int) -> bool:
        keys = self.caps[item]
        counts = self.counts
        for key in keys:
            if counts.get(key, 0) >= _LIMITS[key[0]]:
                return False
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        return True


def _pick_in_order(ranked: np.ndarray, caps: Caps, size: int) -> list[int]:
    admitted = _Caps(caps)
    picks: list[int] = []
    for item in ranked.tolist():
        if admitted.admit(item):
            picks.append(item)
            if len(picks) == size:
                break
    return picks


def _pick_covering(
    ranked: np.ndarray,
    liked: np.ndarray,
    prior: np.ndarray,
    factors: np.ndarray,
    content: np.ndarray,
    repeat: float,
    caps: Caps,
    size: int,
) -> list[int]:
    """Greedy: the best-scored candidate next; `liked` says which of the people who rated the seed liked
    which candidate, and each person who liked a film already picked counts `repeat` afterwards."""
    liked = liked.astype(np.float32)
    weight = np.ones(liked.shape[0], dtype=np.float32)
    open_ = np.ones(len(ranked), dtype=bool)
    admitted = _Caps(caps)
    picks: list[int] = []
    while len(picks) < size:
        gain = (weight @ liked + prior) * factors + content
        gain[~open_] = -np.inf
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        open_[best] = False
        if admitted.admit(int(ranked[best])):
            picks.append(int(ranked[best]))
            weight[liked[:, best] > 0] *= repeat
    return picks


# ---------------------------------------------------------------- the catalog


def catalog_features(media_type: str) -> list[ContentFeatures]:
    """The catalog's titles of one media type as content features."""
    genres: dict[int, list[int]] = {}
    links = Title.genres.through.objects.filter(title__media_type=media_type)
    for title_id, tmdb_id in links.values_list("title_id", "genre__tmdb_id"):
        genres.setdefault(title_id, []).append(tmdb_id)
    fields = (
        "pk",
        "directors",
        "writers",
        "cast",
        "title_en",
        "original_title",
        "year",
        "first_air_year",
        "last_air_year",
        "original_language",
        "countries",
    )
    values = Title.objects.filter(media_type=media_type).order_by("pk").values_list(*fields)
    tv = media_type == MediaType.TV
    features = []
    for row in values.iterator(chunk_size=5000):
        (
            pk,
            directors,
            writers,
            cast,
            english,
            original,
            year,
            first_aired,
            last_aired,
            language,
            countries,
        ) = row
        features.append(
            ContentFeatures(
                pk=pk,
                genres=genres.get(pk, []),
                directors=directors,
                writers=writers,
                cast=cast,
                title=original or english,
                english=english,
                year=(first_aired or year) if tv else year,
                language=language,
                countries=countries,
                last_year=(last_aired or first_aired or year) if tv else None,
            )
        )
    return features


def neighbours_rebuild(
    *, ratings: list[tuple[int, int, float]] | None = None, progress: bool = False
) -> dict[str, int]:
    """Recompute every title's similar list and content neighbours (movies with the community's ratings).

    `ratings` are MovieLens (user, movieId, stars) triples; titles are matched by `movielens_id`.
    """
    kind = TitleNeighbour.Kind
    by_movielens = dict(Title.objects.exclude(movielens_id=None).values_list("movielens_id", "pk"))
    community = [(u, by_movielens[m], r) for u, m, r in ratings or () if m in by_movielens]
    rows: list[tuple[int, int, str, float]] = []
    for media_type in MediaType:
        built = similar_lists(
            catalog_features(media_type),
            community if media_type == MediaType.MOVIE else (),
            content_k=NEIGHBOURS_PER_TITLE,
            progress=progress,
        )
        rows += [(a, b, kind.CONTENT, s) for a, b, s in built.content]
        rows += [(a, b, kind.SIMILAR, s) for a, b, s in built.similar]
    with transaction.atomic():  # TMDB's recommendations (with a key) stay: they are merged title by title
        TitleNeighbour.objects.exclude(kind=kind.TMDB).delete()
        bulk_insert(TitleNeighbour._meta.db_table, ("title_id", "neighbour_id", "kind", "score"), rows)
    return dict(Counter(k for _a, _b, k, _s in rows))
