"""The group's picks: titles none of the members has seen or hidden, ranked by everyone's taste at once.

Each member's personal score comes from the recommender's learned neighbours (the same sums as their own
"For you"), divided by their best candidate's score so that a member with a long history does not outweigh
one with a short one. The scores are then combined by a mean with a floor: titles every member's taste
speaks for (each member's score above zero) come first, by the members' mean score; a title some member's
taste does not reach, or speaks against, only after them. Measured on pairs and trios of validation-fold
community users (bench/households.py, README "Households"), it serves as many members as the plain mean
and far more than least misery (the lowest member score first), which kept picking titles nobody loved.

A title any member's hide rules cover is left out too. Members without any usable history yet count for the
exclusions only; when nobody has one, the picks are the best-rated titles none of them has marked.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.db.models import F, QuerySet
from scipy import sparse

from accounts.models import User
from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import titles_filter
from library.models import Entry, HideRule, Status
from library.selectors import hide_rules_condition
from recommendations.diversity import Candidate, diversify
from recommendations.feedback import entry_signals, liked
from recommendations.selectors import POOL, LearnedModel, Reason, learned_model

MAX_REASONS = 3  # per member and pick
FILTERED_POOL = 20 * POOL  # with filters: the best this many, of which those that match
FLOOR = (
    0.0  # the mean with a floor: a title some member scores no higher than this (of their best) comes after
)


class Aggregation(StrEnum):
    LEAST_MISERY = "least_misery"  # the lowest member score, then the mean
    MEAN_WITH_FLOOR = "mean_with_floor"  # the mean; titles not above FLOOR for someone after the others
    MEAN = "mean"


DEFAULT_AGGREGATION = Aggregation.MEAN_WITH_FLOOR


@dataclass(frozen=True)
class Taste:
    """One member's scores over every title of the model, and the titles and signals they came from."""

    user_id: int
    totals: np.ndarray  # indexed by title id
    titles: np.ndarray  # the member's titles the model knows
    signals: np.ndarray  # each one's signal (seen, rating, not interested), as the recommender weighs it
    liked: dict[int, int | None]  # the member's titles that may be named as a reason, and their rating

    @property
    def has_signal(self) -> bool:
        return bool((self.totals > 0).any())


@dataclass(frozen=True)
class GroupPicks:
    titles: list[Title]  # cards, best first
    page: int
    page_size: int
    has_more: bool
    cold_start: bool  # no member has a usable history: the best-rated titles none of them marked
    reasons: dict[int, dict[int, list[Reason]]] = field(default_factory=dict)  # pick → member id → titles
    # member id → their status of each pick they have one for (watch later only: seen and hidden are out),
    # read with the exclusions, so that the cards need no query of their own
    statuses: dict[int, dict[int, str]] = field(default_factory=dict)


def taste_of(model: LearnedModel, user_id: int, rows: list[tuple[int, str, int | None]]) -> Taste:
    """A member's scores from their entries (title id, status, rating), summed as the recommender does: one
    sparse product of their titles' neighbour rows with their signals (the sum over every (title,
    neighbour) pair, without spelling the pairs out)."""
    titles = np.array([t for t, _s, _r in rows], dtype=np.int64)
    statuses = np.array([s for _t, s, _r in rows], dtype="<U8")
    ratings = np.array([np.nan if r is None else r for _t, _s, r in rows], dtype=np.float64)
    known = model.knows(titles)
    signals = entry_signals(statuses[known], ratings[known])
    totals = np.asarray(model.weights[titles[known]].T @ signals, dtype=np.float64).ravel()
    is_liked = liked(statuses, ratings)
    return Taste(
        user_id=user_id,
        totals=totals,
        titles=titles[known],
        signals=signals,
        liked={
            int(t): None if np.isnan(r) else int(r)
            for t, r in zip(titles[is_liked].tolist(), ratings[is_liked].tolist(), strict=True)
        },
    )


TASTES_HELD_MB = 64  # members' tastes kept per process (a score per title each), least recently used out
_tastes: OrderedDict[tuple[int, int], tuple[LearnedModel, Taste]] = OrderedDict()
_tastes_lock = threading.Lock()


def _taste_bytes(taste: Taste) -> int:
    return int(taste.totals.nbytes + taste.titles.nbytes + taste.signals.nbytes)


def taste_cached(model: LearnedModel, user_id: int, rows: list[tuple[int, str, int | None]]) -> Taste:
    """`taste_of`, kept in this process for the same model and the same entries (the next page, the page
    seen again, another group with the member): any mark, rating or new training makes a new one."""
    key = (user_id, hash(tuple(sorted(rows))))  # a title once per member: ratings are never compared
    with _tastes_lock:
        held = _tastes.get(key)
        if held is not None and held[0] is model:
            _tastes.move_to_end(key)
            return held[1]
    taste = taste_of(model, user_id, rows)
    with _tastes_lock:
        _tastes[key] = (model, taste)
        held_bytes = sum(_taste_bytes(t) for _m, t in _tastes.values())
        while len(_tastes) > 1 and held_bytes > TASTES_HELD_MB * 1024 * 1024:
            _model, dropped = _tastes.popitem(last=False)[1]
            held_bytes -= _taste_bytes(dropped)
    return taste


def combined_ranking(
    tastes: list[Taste],
    excluded: set[int],
    *,
    aggregation: Aggregation = DEFAULT_AGGREGATION,
    limit: int = POOL,
    floor: float = FLOOR,
) -> list[tuple[int, float]]:
    """The best `limit` titles for these members together (title id, combined score), best first.

    Candidates are the titles some member scores above zero, minus `excluded`. Each member's scores are
    divided by their best candidate's, so every member's favourite is 1.0 whatever the size of their library.
    """
    tastes = [t for t in tastes if t.has_signal]
    if not tastes:
        return []
    size = max(len(t.totals) for t in tastes)
    scores = np.zeros((len(tastes), size))
    for row, taste in enumerate(tastes):
        scores[row, : len(taste.totals)] = taste.totals
    reachable: np.ndarray = np.asarray((scores > 0).any(axis=0), dtype=bool)
    gone = np.fromiter((pk for pk in excluded if pk < size), dtype=np.int64)
    reachable[gone] = False
    candidates = np.flatnonzero(reachable)
    if not len(candidates):
        return []
    normalised = scores[:, candidates] / scores[:, candidates].max(axis=1, keepdims=True).clip(min=1e-12)
    lowest, mean = normalised.min(axis=0), normalised.mean(axis=0)
    if aggregation is Aggregation.LEAST_MISERY:
        primary, secondary = lowest, mean
    elif aggregation is Aggregation.MEAN_WITH_FLOOR:
        primary, secondary = (lowest > floor).astype(np.float64), mean
    else:
        primary, secondary = mean, lowest
    order = np.lexsort((candidates, -secondary, -primary))[:limit]  # best first, ties by id
    # One number per title that orders as the ranking does (diversification reads it): the floor's 0 or 1 plus
    # the mean (at most 1), the lowest score plus a trace of the mean, or the mean.
    weight = {Aggregation.LEAST_MISERY: 1e-3, Aggregation.MEAN_WITH_FLOOR: 1.0, Aggregation.MEAN: 0.0}[
        aggregation
    ]
    combined = (primary if aggregation is not Aggregation.MEAN else mean) + weight * secondary
    return list(zip(candidates[order].tolist(), combined[order].tolist(), strict=True))


def members_entries(member_ids: list[int]) -> dict[int, list[tuple[int, str, int | None]]]:
    """Every member's entries (title id, status, rating), in one query."""
    rows: dict[int, list[tuple[int, str, int | None]]] = {pk: [] for pk in member_ids}
    for user_id, title_id, status, rating in Entry.objects.filter(user_id__in=member_ids).values_list(
        "user_id", "title_id", "status", "rating"
    ):
        rows[user_id].append((title_id, status, rating))
    return rows


def excluded_for(entries: dict[int, list[tuple[int, str, int | None]]]) -> set[int]:
    """Titles any member has seen or hidden; a title on someone's watch-later list stays a candidate."""
    shut = {Status.SEEN.value, Status.HIDDEN.value}
    return {title for rows in entries.values() for title, status, _r in rows if status in shut}


def group_picks(
    *,
    members: list[User],
    media_type: str,
    page: int,
    page_size: int,
    aggregation: Aggregation = DEFAULT_AGGREGATION,
    filters: DiscoveryFilters | None = None,
) -> GroupPicks:
    """A page of the group's picks: none that any member has seen or hidden, each with every member's own
    titles that led to it. With `filters` (the assistant's "a comedy for the two of us"), only the titles
    that match them, among the group's best FILTERED_POOL."""
    model = learned_model(media_type=media_type)
    entries = members_entries([m.pk for m in members])
    excluded = excluded_for(entries)
    tastes = [taste_cached(model, pk, rows) for pk, rows in entries.items()]
    limit = POOL if filters is None else FILTERED_POOL
    pool = combined_ranking(tastes, excluded, aggregation=aggregation, limit=limit)
    shown = _shown(media_type=media_type, member_ids=[m.pk for m in members])
    if filters is not None:
        shown = titles_filter(shown, filters)
    pool = _visible(pool, shown)[:POOL]
    cold_start = not pool
    if cold_start:
        pool = _popular_pool(shown, excluded=excluded)
    nothing: frozenset = frozenset()
    candidates = [
        Candidate(
            pk=pk,
            relevance=score,
            genres=model.genres.get(pk, nothing),
            directors=model.directors.get(pk, nothing),
        )
        for pk, score in pool
    ]
    start = (page - 1) * page_size
    order = diversify(candidates, start + page_size + 1)
    page_ids = order[start : start + page_size]
    by_pk = {t.pk: t for t in titles_for_cards().filter(pk__in=page_ids)}
    on_page = set(page_ids)
    return GroupPicks(
        titles=[by_pk[pk] for pk in page_ids if pk in by_pk],
        page=page,
        page_size=page_size,
        has_more=len(order) > start + page_size,
        cold_start=cold_start,
        reasons={} if cold_start else member_reasons(model, tastes, page_ids),
        statuses={
            member: {t: status for t, status, _r in rows if t in on_page} for member, rows in entries.items()
        },
    )


def _shown(*, media_type: str, member_ids: list[int]) -> QuerySet[Title]:
    """The titles the group may be shown: of this media type, not hidden by staff, nor by any member's hide
    rules (a genre, a person, a period… that one of them never wants to see)."""
    titles = Title.objects.filter(media_type=media_type, hidden=False)
    condition = hide_rules_condition(HideRule.objects.filter(user_id__in=member_ids))
    return titles if condition is None else titles.exclude(condition)


def _visible(pool: list[tuple[int, float]], shown: QuerySet[Title]) -> list[tuple[int, float]]:
    """The pool without the titles the group may not be shown."""
    allowed = set(shown.filter(pk__in=[pk for pk, _s in pool]).values_list("pk", flat=True))
    return [(pk, score) for pk, score in pool if pk in allowed]


def _popular_pool(shown: QuerySet[Title], *, excluded: set[int]) -> list[tuple[int, float]]:
    titles = shown.exclude(pk__in=excluded)
    rows = titles.order_by(F("score").desc(nulls_last=True), "pk").values_list("pk", "score")
    return [(pk, score or 0.0) for pk, score in rows[:POOL]]


_by_neighbour: dict[int, tuple[LearnedModel, sparse.csr_matrix]] = {}  # per model: its weights transposed


def _neighbour_rows(model: LearnedModel) -> sparse.csr_matrix:
    """The model's weights with a row per neighbour (the picks), made once per model and process (as much
    memory again as the model's weights)."""
    held = _by_neighbour.get(id(model))
    if held is None or held[0] is not model:
        held = (model, sparse.csr_matrix(model.weights.T))
        with _tastes_lock:
            while len(_by_neighbour) >= 2:  # one model per media type; an older one a training replaced
                _by_neighbour.pop(next(iter(_by_neighbour)))
            _by_neighbour[id(model)] = held
    return held[1]


def member_reasons(
    model: LearnedModel, tastes: list[Taste], title_ids: list[int]
) -> dict[int, dict[int, list[Reason]]]:
    """For each pick and member, that member's liked titles that contributed most to it, strongest first:
    read off the picks' rows of the transposed model (every title that leads to them), kept where the title
    is the member's."""
    chosen: dict[int, dict[int, list[int]]] = {}
    columns = np.array([pk for pk in title_ids if 0 <= pk < model.weights.shape[1]], dtype=np.int64)
    if not len(columns):
        return {}
    cells = _neighbour_rows(model)[columns].tocoo()  # row: a pick, col: a title leading to it
    for taste in tastes:
        if not len(taste.titles):
            continue
        order = np.argsort(taste.titles, kind="stable")
        theirs_sorted = taste.titles[order]
        at = np.minimum(np.searchsorted(theirs_sorted, cells.col), len(theirs_sorted) - 1)
        mine = theirs_sorted[at] == cells.col
        contributions = cells.data[mine] * taste.signals[order][at[mine]]
        sources, picks = cells.col[mine].astype(np.int64), columns[cells.row[mine]]
        possible = (contributions > 0) & np.isin(sources, list(taste.liked))
        picks, sources, contributions = picks[possible], sources[possible], contributions[possible]
        for i in np.lexsort((sources, -contributions, picks)).tolist():
            theirs = chosen.setdefault(int(picks[i]), {}).setdefault(taste.user_id, [])
            if len(theirs) < MAX_REASONS:
                theirs.append(int(sources[i]))
    names = Title.objects.only("title_en", "title_fr", "original_title", "original_language").in_bulk(
        {s for per_member in chosen.values() for sources in per_member.values() for s in sources}
    )
    ratings = {taste.user_id: taste.liked for taste in tastes}
    return {
        pick: {
            member: [Reason(names[s], ratings[member][s]) for s in sources if s in names]
            for member, sources in per_member.items()
        }
        for pick, per_member in chosen.items()
    }


def titles_open_to(members: list[User], title_ids: list[int]) -> set[int]:
    """Of these titles, those no member has seen or hidden, no member's hide rules cover and staff have not
    hidden (the assistant's titles similar to one, for a group)."""
    excluded = excluded_for(members_entries([m.pk for m in members]))
    titles = Title.objects.filter(pk__in=[pk for pk in title_ids if pk not in excluded], hidden=False)
    condition = hide_rules_condition(HideRule.objects.filter(user_id__in=[m.pk for m in members]))
    return set((titles if condition is None else titles.exclude(condition)).values_list("pk", flat=True))
