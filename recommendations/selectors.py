"""Serving recommendations: a lookup in the learned tables, never a training.

The learned neighbour vectors of one training are decoded once per process into a sparse title x title
matrix, kept until a newer training is on record (`learned_model`; one cheap query per request checks it).
A request then reads only the user's own entries (ids, statuses and ratings — never their titles), and
sums the rows of their titles weighted by how they felt about each one (hidden titles and low ratings
subtract). Every title the user has any status for is then removed, the best few hundred are spread over
genres and directors, sequels whose original the user has not seen are held back, and each pick names up
to three of the user's own liked titles that led to it. A constant number of queries, whatever the size of
the user's library (README, "Recommendations for you").
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from scipy import sparse

from accounts.models import User
from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import titles_filter
from library.models import Entry, Status
from library.selectors import titles_hidden_by_rules
from recommendations.diversity import WINDOW, Candidate, diversify, reach_quota
from recommendations.feedback import entry_signals, liked
from recommendations.models import (
    NEIGHBOUR_RECORD,
    Adventurousness,
    CommunityRating,
    NeighbourGeneration,
    NeighbourVector,
    RecommenderSettings,
    SequelLink,
    unpack_neighbours,
)

POOL = 200  # best-scored candidates that diversification chooses from; also the most picks one can page to
MAX_REASONS = 3
POPULAR_HEAD = 500  # "the most-rated titles"; the others are less known


@dataclass(frozen=True)
class Reach:
    """How far beyond the POPULAR_HEAD most-rated titles one setting of the "familiar ↔ adventurous" dial
    goes. A less-known title takes the place of the most-rated pick it would push out of the first ten when
    its score is at most `margin` below that pick's, up to `most` of them in each run of ten (placed as late
    in it as they can be). Before that, each less-known title's score is multiplied by ((1 + its community
    ratings) / (1 + the POPULAR_HEAD-th title's)) ** `lean` (1 at the line, less below it): among the less
    known, the better known come first (on the validation folds they were the likelier to be liked)."""

    margin: float
    most: int
    lean: float


# Chosen on the validation folds of the community users (bench/quality.py --fold 1…4, 5 splits each),
# never on the reserved ones (README, "Recommendations for you"). Margins are in the model's own scores (sums
# of the user's rows of EASE weights; a tenth pick typically scores 0.05 to 0.4).
REACH = {
    Adventurousness.FAMILIAR: Reach(margin=0.0, most=0, lean=0.0),
    Adventurousness.RATHER_FAMILIAR: Reach(margin=0.08, most=3, lean=0.2),
    Adventurousness.BALANCED: Reach(margin=0.13, most=5, lean=0.2),
    Adventurousness.RATHER_ADVENTUROUS: Reach(margin=0.2, most=6, lean=0.1),
    Adventurousness.ADVENTUROUS: Reach(margin=0.3, most=8, lean=0.0),
}
# With little seen, scores are small and every margin wide: at most one less-known pick per this many seen
# titles (never binding on the evaluation users, who have seen 16 or more).
SEEN_PER_LESS_KNOWN = 2


@dataclass(frozen=True)
class Reason:
    """One of the user's own titles that led to a pick."""

    title: Title  # only its names are loaded
    rating: int | None


@dataclass(frozen=True)
class PicksAnchor:
    """Where a page of picks ended. The picks are ranked from the user's library as it was at `as_of` (the
    first page's time), so the titles they mark while paging (which leave the picks) neither reorder nor
    shift the ranking; `position` is how far into it the previous pages went."""

    as_of: datetime
    position: int

    def as_json(self) -> dict[str, Any]:
        return {"t": self.as_of.isoformat(), "p": self.position}

    @classmethod
    def from_json(cls, data: Any) -> "PicksAnchor | None":
        """The anchor `as_json` wrote; None when `data` is not one."""
        if not isinstance(data, dict) or set(data) != {"t", "p"}:
            return None
        when, position = data["t"], data["p"]
        if not isinstance(when, str) or type(position) is not int or not 0 < position <= POOL:
            return None
        try:
            as_of = datetime.fromisoformat(when)
        except ValueError:
            return None
        return cls(as_of=as_of, position=position) if as_of.tzinfo is not None else None


@dataclass(frozen=True)
class RecommendationPage:
    titles: list[Title]  # cards, genres prefetched, best first
    page: int
    page_size: int
    has_more: bool
    cold_start: bool  # no personal signal yet: the best-rated titles, spread over genres
    reasons: dict[int, list[Reason]] = field(default_factory=dict)
    # per pick, the title the user turned down (or hid) that counted most against it, when one did
    against: dict[int, Reason] = field(default_factory=dict)
    next_after: PicksAnchor | None = None  # where the next page starts, when there is one


# ---------------------------------------------------------------- the learned model, once per process


@dataclass(frozen=True)
class LearnedModel:
    """What one training wrote, decoded: neighbour weights of one media type, and the sequel links."""

    weights: sparse.csr_matrix  # row: one of the user's titles, column: a neighbour of this media type
    sequels: dict[int, int]  # sequel → the instalment it continues
    genres: dict[int, frozenset[int]]  # what diversification compares, for every title of the media type
    directors: dict[int, frozenset[str]]  # (as of the training: refreshed by the next one)
    popularity: np.ndarray  # per title id: community ratings of it (what "most-rated" means)

    head_floor: float = 1.0  # the POPULAR_HEAD-th highest popularity (at least 1)

    def obscure(self, title_ids: np.ndarray) -> np.ndarray:
        """Which of these titles are outside the POPULAR_HEAD most-rated ones (none when nobody rated any)."""
        known = title_ids < len(self.popularity)
        popularity = np.zeros(len(title_ids))
        popularity[known] = self.popularity[title_ids[known]]
        return popularity < self.head_floor

    def knows(self, title_ids: np.ndarray) -> np.ndarray:
        return title_ids < self.weights.shape[0]

    def gather(self, title_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows of these (known) titles, flattened: (position in `title_ids`, neighbour, weight)."""
        starts, ends = self.weights.indptr[title_ids], self.weights.indptr[title_ids + 1]
        lengths = ends - starts
        offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
        cells = offsets + np.arange(lengths.sum())
        rows = np.repeat(np.arange(len(title_ids)), lengths)
        return rows, self.weights.indices[cells], self.weights.data[cells]


_models: dict[tuple[object, str], LearnedModel] = {}
_models_lock = threading.Lock()


def learned_model(*, media_type: str) -> LearnedModel:
    """The current model, decoded on first use in this process and reused until the vectors are replaced.

    Each replacement of the vectors (and, in a training, of the sequel links, in the same transaction)
    draws a new generation token, so the token identifies the tables exactly.
    """
    generation = NeighbourGeneration.objects.values_list("token", flat=True).first()
    key = (generation, media_type)
    model = _models.get(key)
    if model is None:
        model = _model_load(media_type)
        with _models_lock:
            for stale in [k for k in _models if k[0] != generation]:
                del _models[stale]
            _models[key] = model
    return model


def _model_load(media_type: str) -> LearnedModel:
    rows = list(
        NeighbourVector.objects.filter(media_type=media_type)
        .order_by("title_id")
        .values_list("title_id", "packed")
    )
    neighbours, weights = unpack_neighbours(b"".join(bytes(packed) for _t, packed in rows))  # in row order
    titles = np.array([t for t, _p in rows], dtype=np.int64)
    size = int(max(titles.max(initial=-1), neighbours.max(initial=-1))) + 1
    per_title = np.zeros(size, dtype=np.int64)
    per_title[titles] = [len(packed) // NEIGHBOUR_RECORD.itemsize for _t, packed in rows]
    matrix = sparse.csr_matrix(
        (weights.astype(np.float64), neighbours, np.r_[0, np.cumsum(per_title)]), shape=(size, size)
    )
    genres: dict[int, set[int]] = {}
    for title_id, genre_id in Title.genres.through.objects.filter(title__media_type=media_type).values_list(
        "title_id", "genre_id"
    ):
        genres.setdefault(title_id, set()).add(genre_id)
    popularity = np.zeros(size, dtype=np.float64)
    rated = CommunityRating.objects.filter(title__media_type=media_type, title_id__lt=size)
    for title_id, count in rated.values("title_id").annotate(n=Count("*")).values_list("title_id", "n"):
        popularity[title_id] = count
    head = np.sort(popularity)[::-1][:POPULAR_HEAD]
    return LearnedModel(
        weights=matrix,
        popularity=popularity,
        head_floor=max(1.0, float(head[-1])) if len(head) else 1.0,
        sequels=dict(SequelLink.objects.values_list("sequel_id", "original_id")),
        genres={pk: frozenset(ids) for pk, ids in genres.items()},
        directors={
            pk: frozenset(names)
            for pk, names in Title.objects.filter(media_type=media_type).values_list("pk", "directors")
            if names
        },
    )


# ---------------------------------------------------------------- a user's picks


@dataclass(frozen=True)
class Scores:
    """The user's candidates, best first, and where each contribution came from (for the reasons)."""

    ranked: list[tuple[int, float]]  # (title id, score)
    neighbours: np.ndarray  # every (source, neighbour) contribution, flattened
    contributions: np.ndarray
    sources: np.ndarray  # the user's title behind each contribution
    liked: dict[int, int | None]  # the user's liked titles (possible reasons) and their rating
    seen: set[int]  # every title the user has seen
    hidden: set[int] = field(default_factory=set)  # turned down ("not for me") or marked not interested


@dataclass(frozen=True)
class _Library:
    """The user's entries as parallel arrays (ratings NaN when absent)."""

    titles: np.ndarray
    statuses: np.ndarray
    ratings: np.ndarray

    @classmethod
    def of(cls, user: User, *, as_of: datetime) -> "_Library":
        """The user's entries made by `as_of` (as they are now)."""
        entries = Entry.objects.filter(user=user, created_at__lte=as_of)
        rows = list(entries.values_list("title_id", "status", "rating"))
        return cls(
            titles=np.array([t for t, _s, _r in rows], dtype=np.int64),
            statuses=np.array([s for _t, s, _r in rows], dtype="<U8"),
            ratings=np.array([np.nan if r is None else r for _t, _s, r in rows], dtype=np.float64),
        )


def adventurousness_of(user: User) -> int:
    """The user's "familiar ↔ adventurous" setting (the middle one until they choose)."""
    chosen = RecommenderSettings.objects.filter(user=user).values_list("adventurousness", flat=True).first()
    return Adventurousness.BALANCED if chosen is None else chosen


def recommendations_page(
    *,
    user: User,
    media_type: str,
    page_size: int,
    page: int = 1,
    after: PicksAnchor | None = None,
    adventurousness: int | None = None,
    on_services: DiscoveryFilters | None = None,
) -> RecommendationPage:
    """A page of picks for the user, best first, none with a status of theirs: page `page`, or with
    `after` the picks that follow it in the ranking it was cut from. `adventurousness` overrides the
    user's own setting; `on_services` (a country, services and kinds of offer) keeps the picks offered
    there."""
    as_of = after.as_of if after is not None else timezone.now()
    if adventurousness is None:
        adventurousness = adventurousness_of(user)
    model = learned_model(media_type=media_type)
    reach = REACH[Adventurousness(adventurousness)]
    library = _Library.of(user, as_of=as_of)
    scores = _scores(model, library)
    cold_start = not scores.ranked
    pool = scores.ranked if not cold_start else _popular_pool(user=user, media_type=media_type, as_of=as_of)
    held_back = {pk for pk, _s in pool if pk in model.sequels and model.sequels[pk] not in scores.seen}
    ruled_out = titles_hidden_by_rules(user=user, title_ids=[pk for pk, _s in pool])  # the hide rules
    pool = [(pk, score) for pk, score in pool if pk not in held_back and pk not in ruled_out]
    if on_services is not None:  # "on my services": the picks offered there, in their order
        offered = set(
            titles_filter(Title.objects.filter(pk__in=[pk for pk, _s in pool]), on_services).values_list(
                "pk", flat=True
            )
        )
        pool = [(pk, score) for pk, score in pool if pk in offered]
    start = after.position if after is not None else (page - 1) * page_size
    marked_since = (
        _marked_since(user=user, title_ids=[pk for pk, _s in pool], as_of=as_of) if after else set()
    )
    candidates = _candidates(model, pool, lean=0.0 if cold_start else reach.lean)
    most = min(reach.most, len(scores.seen) // SEEN_PER_LESS_KNOWN)  # a newcomer's picks stay familiar
    quota = 0 if cold_start else reach_quota(candidates, margin=reach.margin, most=most)
    order = diversify(candidates, start + page_size + 1 + len(marked_since), obscure_share=quota / WINDOW)
    following = [(at, pk) for at, pk in enumerate(order) if at >= start and pk not in marked_since]
    shown = following[:page_size]
    page_ids = [pk for _at, pk in shown]
    if not page_ids:
        return RecommendationPage([], page, page_size, has_more=False, cold_start=cold_start)
    by_pk = {t.pk: t for t in titles_for_cards().filter(pk__in=page_ids)}
    reasons, against = ({}, {}) if cold_start else _reasons(scores, page_ids)
    has_more = len(following) > page_size
    return RecommendationPage(
        titles=[by_pk[pk] for pk in page_ids if pk in by_pk],
        page=page,
        page_size=page_size,
        has_more=has_more,
        cold_start=cold_start,
        reasons=reasons,
        against=against,
        next_after=PicksAnchor(as_of=as_of, position=shown[-1][0] + 1) if has_more else None,
    )


def _marked_since(*, user: User, title_ids: list[int], as_of: datetime) -> set[int]:
    """Which of these titles the user marked after `as_of`: they leave the picks without reordering them."""
    entries = Entry.objects.filter(user=user, title_id__in=title_ids, created_at__gt=as_of)
    return set(entries.values_list("title_id", flat=True))


def user_scores(*, user: User, media_type: str, limit: int = POOL) -> Scores:
    """The user's best `limit` titles of this media type by learned score; none without any signal."""
    model = learned_model(media_type=media_type)
    return _scores(model, _Library.of(user, as_of=timezone.now()), limit=limit)


def _scores(model: LearnedModel, library: _Library, *, limit: int = POOL) -> Scores:
    known = model.knows(library.titles)  # titles added to the catalog since the training have no row
    titles = library.titles[known]
    positions, neighbours, weights = model.gather(titles)
    contributions = weights * entry_signals(library.statuses[known], library.ratings[known])[positions]
    totals = np.bincount(neighbours, weights=contributions, minlength=model.weights.shape[1]).astype(
        np.float64
    )
    totals[titles] = 0.0  # never a title the user has any status for
    candidates = np.flatnonzero(totals > 0)
    best = candidates[np.lexsort((candidates, -totals[candidates]))[:limit]]  # best first, ties by id
    is_liked = liked(library.statuses, library.ratings)
    return Scores(
        ranked=list(zip(best.tolist(), totals[best].tolist(), strict=True)),
        neighbours=neighbours,
        contributions=contributions,
        sources=titles[positions],
        liked={
            t: None if np.isnan(r) else int(r)
            for t, r in zip(
                library.titles[is_liked].tolist(), library.ratings[is_liked].tolist(), strict=True
            )
        },
        seen=set(library.titles[library.statuses == Status.SEEN.value].tolist()),
        hidden=set(library.titles[library.statuses == Status.HIDDEN.value].tolist()),
    )


def _popular_pool(*, user: User, media_type: str, as_of: datetime) -> list[tuple[int, float]]:
    """The cold start: best vote-weighted titles the user had no status for at `as_of` (unrated ones
    last)."""
    theirs = Entry.objects.filter(user=user, title_id=OuterRef("pk"), created_at__lte=as_of)
    titles = Title.objects.filter(media_type=media_type).exclude(Exists(theirs))
    rows = titles.order_by(F("score").desc(nulls_last=True), "pk").values_list("pk", "score")
    return [(pk, score or 0.0) for pk, score in rows[:POOL]]


def _candidates(model: LearnedModel, pool: list[tuple[int, float]], *, lean: float = 0.0) -> list[Candidate]:
    """The pool with what diversification compares: genres and directors; the scores of the less-known
    titles leaning towards the better known of them (`Reach.lean`)."""
    nothing: frozenset = frozenset()
    ids = np.array([pk for pk, _s in pool], dtype=np.int64)
    obscure = model.obscure(ids)
    factors = np.ones(len(ids))
    if lean and len(ids):
        known = ids < len(model.popularity)
        ratings = np.zeros(len(ids))
        ratings[known] = model.popularity[ids[known]]
        factors[obscure] = ((1.0 + ratings[obscure]) / (1.0 + model.head_floor)) ** lean
    return [
        Candidate(
            pk=pk,
            relevance=score * factor,
            genres=model.genres.get(pk, nothing),
            directors=model.directors.get(pk, nothing),
            obscure=bool(is_obscure),
        )
        for (pk, score), factor, is_obscure in zip(pool, factors.tolist(), obscure, strict=True)
    ]


def _reasons(scores: Scores, title_ids: list[int]) -> tuple[dict[int, list[Reason]], dict[int, Reason]]:
    """For each pick, the user's liked titles that contributed most to its score, strongest first; and the
    hidden title that counted most against it, if any."""
    against_ids: dict[int, int] = {}
    lowered = np.isin(scores.neighbours, title_ids) & (scores.contributions < 0)
    lowered[lowered] = np.isin(scores.sources[lowered], list(scores.hidden))
    for i in np.lexsort((scores.sources[lowered], scores.contributions[lowered])).tolist():  # most negative
        against_ids.setdefault(int(scores.neighbours[lowered][i]), int(scores.sources[lowered][i]))
    possible = np.isin(scores.neighbours, title_ids) & (scores.contributions > 0)
    possible[possible] = np.isin(scores.sources[possible], list(scores.liked))
    picks, sources = scores.neighbours[possible], scores.sources[possible]
    contributions = scores.contributions[possible]
    chosen: dict[int, list[int]] = {}
    for i in np.lexsort((sources, -contributions, picks)).tolist():  # per pick: strongest, then by id
        if len(reasons := chosen.setdefault(int(picks[i]), [])) < MAX_REASONS:
            reasons.append(int(sources[i]))
    names = Title.objects.only("title_en", "title_fr", "original_title", "original_language").in_bulk(
        {source for sources in chosen.values() for source in sources} | set(against_ids.values())
    )
    by_pick = {
        pick: [Reason(names[s], scores.liked[s]) for s in sources if s in names]
        for pick, sources in chosen.items()
    }
    return by_pick, {pick: Reason(names[s], None) for pick, s in against_ids.items() if s in names}
