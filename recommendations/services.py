"""Recommender writes: community ratings in, and the training that turns every rating into item neighbours.

Training reads only the database (our users' entries, community ratings, the catalog's content neighbours),
so a deployment without MovieLens trains on its own users alone. Serving never trains: it reads the tables
written here (recommendations.selectors).
"""

import logging
import time
import tracemalloc
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np
from django.core.cache import cache
from django.db import transaction

from accounts.models import User
from catalog.models import Title, TitleNeighbour
from core.db import bulk_insert
from library.models import Entry, HideRule, Status
from library.services import entry_set_status
from recommendations.ease import ease_weights
from recommendations.feedback import training_weights
from recommendations.franchises import FranchiseTitle, sequel_links
from recommendations.models import (
    Adventurousness,
    CommunityRating,
    ModelRun,
    NeighbourGeneration,
    NeighbourVector,
    NotForMe,
    NotForMeReason,
    RecommenderSettings,
    SequelLink,
    pack_neighbours,
)

logger = logging.getLogger(__name__)

# Chosen on MovieLens users held out from training, never on the reserved ones (README, "Recommendations").
L2 = 150.0  # EASE's λ: larger trusts co-occurrences of rarely seen titles less
NEIGHBOURS = 200  # positive weights kept per title…
NEGATIVE_NEIGHBOURS = 50  # …and negative ones: +4 % NDCG@10 on the validation folds against positives alone
MIN_SUPPORT = 3  # people who must have seen a title before the collaborative model learns it
CONTENT_BLEND = 50.0  # a content neighbour of similarity 1 counts this many average collaborative weights…
CONTENT_SHRINK = 50.0  # …scaled by m/(m + n): titles seen by n people lean on content less as n grows

RESERVED_FOR_EVALUATION = 5  # MovieLens users whose id is divisible by this are never stored nor learned
MAX_PEOPLE_OFFERED = 4  # directors first, then writers and the cast as credited
TRAINING_LOCK = "recommendations:training"
TRAINING_LOCK_SECONDS = 30 * 60


# ---------------------------------------------------------------- community ratings


@dataclass(frozen=True)
class CommunitySync:
    stored: int
    changed: bool


def community_ratings_sync(*, ratings: Iterable[tuple[int, int, float]]) -> CommunitySync:
    """Store MovieLens (user, movieId, 0.5 to 5 stars) ratings of our titles, matched by `Title.movielens_id`.

    Idempotent: the same ratings leave the table untouched. Reserved evaluation users are dropped here too.
    """
    by_movielens = dict(Title.objects.exclude(movielens_id=None).values_list("movielens_id", "pk"))
    wanted: dict[tuple[int, int], int] = {}
    for user_key, movie_id, stars in ratings:
        title_id = by_movielens.get(movie_id)
        if title_id is not None and user_key % RESERVED_FOR_EVALUATION != 0:
            wanted[(int(user_key), title_id)] = min(10, max(1, round(stars * 2)))
    current = {(u, t): r for u, t, r in CommunityRating.objects.values_list("user_key", "title_id", "rating")}
    if current == wanted:
        return CommunitySync(stored=len(wanted), changed=False)
    with transaction.atomic():
        CommunityRating.objects.all().delete()
        bulk_insert(
            CommunityRating._meta.db_table,
            ("user_key", "title_id", "rating"),
            [(u, t, r) for (u, t), r in sorted(wanted.items())],
        )
    return CommunitySync(stored=len(wanted), changed=True)


# ---------------------------------------------------------------- training


@dataclass(frozen=True)
class Interactions:
    """Who saw what, and how strongly it counts: parallel arrays, one row per (person, title)."""

    people: np.ndarray  # community user k → 2k, our user k → 2k + 1: one key space, never colliding
    titles: np.ndarray
    weights: np.ndarray
    community: int

    @property
    def people_count(self) -> int:
        return len(np.unique(self.people))


def interactions_load() -> Interactions:
    """Every rating and every "seen" in the database, as training input."""
    community = np.array(
        list(
            CommunityRating.objects.values_list("user_key", "title_id", "rating").iterator(chunk_size=20_000)
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    seen = np.array(
        [
            (user_id, title_id, np.nan if rating is None else rating)
            for user_id, title_id, rating in Entry.objects.filter(status=Status.SEEN)
            .values_list("user_id", "title_id", "rating")
            .iterator(chunk_size=20_000)
        ],
        dtype=np.float64,
    ).reshape(-1, 3)
    people = np.concatenate([community[:, 0] * 2, seen[:, 0] * 2 + 1]).astype(np.int64)
    titles = np.concatenate([community[:, 1], seen[:, 1]]).astype(np.int64)
    weights = training_weights(np.concatenate([community[:, 2], seen[:, 2]]))
    return Interactions(people=people, titles=titles, weights=weights, community=len(community))


def recommender_train(*, if_needed: bool = False) -> ModelRun | None:
    """Learn item neighbours from every interaction and replace the serving tables; None when skipped.

    Skipped when another training holds the lock, or with `if_needed` when a model is already in place.
    Running it twice on the same data writes the same rows.
    """
    if if_needed and ModelRun.objects.exists() and NeighbourVector.objects.exists():
        return None
    if not cache.add(TRAINING_LOCK, 1, TRAINING_LOCK_SECONDS):
        logger.info("A recommender training is already running; skipped.")
        return None
    try:
        return _train()
    finally:
        cache.delete(TRAINING_LOCK)


def _train() -> ModelRun:
    started = time.perf_counter()
    interactions = interactions_load()
    content = np.array(
        list(
            TitleNeighbour.objects.filter(kind=TitleNeighbour.Kind.CONTENT)
            .values_list("title_id", "neighbour_id", "score")
            .iterator(chunk_size=20_000)
        ),
        dtype=np.float64,
    ).reshape(-1, 3)

    tracemalloc.start()
    collaborative = ease_weights(
        interactions.people,
        interactions.titles,
        interactions.weights,
        l2=L2,
        k=NEIGHBOURS,
        k_negative=NEGATIVE_NEIGHBOURS,
        min_support=MIN_SUPPORT,
    )
    rows = _blend(collaborative.items, collaborative.neighbours, collaborative.weights, content, interactions)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sequels = sequel_links(_franchise_titles())
    with transaction.atomic():
        written = neighbour_vectors_replace(rows)
        SequelLink.objects.all().delete()
        bulk_insert(SequelLink._meta.db_table, ("sequel_id", "original_id"), sequels)
        run = ModelRun.objects.create(
            users=interactions.people_count,
            interactions=len(interactions.weights),
            community_ratings=interactions.community,
            collaborative_items=collaborative.item_count,
            neighbours=written,
            sequels=len(sequels),
            seconds=round(time.perf_counter() - started, 2),
            peak_memory_mb=round(peak / 2**20, 1),
            parameters={
                "l2": L2,
                "neighbours": NEIGHBOURS,
                "negative_neighbours": NEGATIVE_NEIGHBOURS,
                "min_support": MIN_SUPPORT,
                "content_blend": CONTENT_BLEND,
                "content_shrink": CONTENT_SHRINK,
            },
        )
    logger.info(
        "Recommender trained: %s collaborative items, %s neighbour weights, %.1f s",
        run.collaborative_items,
        run.neighbours,
        run.seconds,
    )
    return run


def _blend(
    items: np.ndarray,
    neighbours: np.ndarray,
    weights: np.ndarray,
    content: np.ndarray,
    interactions: Interactions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collaborative weights plus content neighbours, the latter counting more for titles few people saw.

    Content weights are expressed in units of the average positive collaborative weight, so the blend keeps
    its balance whatever the size of the data (1 when there is no collaborative model at all).
    """
    positive = weights[weights > 0]
    scale = float(positive.mean()) if len(positive) else 1.0
    titles, seen_counts = np.unique(interactions.titles, return_counts=True)  # one row per person and title
    support = dict(zip(titles.tolist(), seen_counts.tolist(), strict=True))
    sources = content[:, 0].astype(np.int64)
    seen_by = np.array([support.get(t, 0) for t in sources.tolist()], dtype=np.float64)
    content_weights = CONTENT_BLEND * scale * content[:, 2] * CONTENT_SHRINK / (CONTENT_SHRINK + seen_by)

    pairs = np.concatenate([items, sources]) << 32 | np.concatenate(
        [neighbours, content[:, 1].astype(np.int64)]
    )
    keys, inverse = np.unique(pairs, return_inverse=True)
    summed = np.bincount(inverse, weights=np.concatenate([weights, content_weights]))
    # Rounded first, so that training twice on the same data writes identical float32 weights.
    return keys >> 32, keys & 0xFFFFFFFF, np.round(summed, 8)


def neighbour_vectors_replace(rows: tuple[np.ndarray, np.ndarray, np.ndarray]) -> int:
    """Replace every NeighbourVector with (titles, neighbours, weights), one row per title and neighbours'
    media type; the number of weights written. Callers hold the transaction."""
    titles, neighbours, weights = rows
    media_types = dict(
        Title.objects.filter(pk__in=np.unique(neighbours).tolist()).values_list("pk", "media_type")
    )
    kinds = np.array([media_types.get(n, "") for n in neighbours.tolist()])
    kept = kinds != ""  # a neighbour deleted since it was read
    titles, neighbours, weights, kinds = titles[kept], neighbours[kept], weights[kept], kinds[kept]
    order = np.lexsort((neighbours, kinds, titles))  # grouped by (title, media type); neighbours ascending
    titles, neighbours, weights, kinds = titles[order], neighbours[order], weights[order], kinds[order]
    starts = np.flatnonzero(np.r_[True, (titles[1:] != titles[:-1]) | (kinds[1:] != kinds[:-1])])
    starts = starts if len(titles) else starts[:0]
    ends = np.r_[starts[1:], len(titles)] if len(titles) else starts
    vectors = [
        (int(titles[a]), str(kinds[a]), pack_neighbours(neighbours[a:b], weights[a:b]))
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    NeighbourVector.objects.all().delete()
    bulk_insert(NeighbourVector._meta.db_table, ("title_id", "media_type", "packed"), vectors)
    NeighbourGeneration.objects.all().delete()
    NeighbourGeneration.objects.create()  # tells every serving process to read the vectors again
    return len(titles)


def _franchise_titles() -> list[FranchiseTitle]:
    fields = ("pk", "media_type", "title_en", "year", "directors", "writers", "cast")
    return [
        FranchiseTitle(
            pk=pk,
            media_type=media_type,
            title=title,
            year=year,
            people=frozenset([*directors, *writers, *cast]),
        )
        for pk, media_type, title, year, directors, writers, cast in Title.objects.values_list(
            *fields
        ).iterator(chunk_size=5000)
    ]


# ---------------------------------------------------------------- the user's say on their picks


def recommender_settings_update(*, user: User, adventurousness: int) -> RecommenderSettings:
    """Set how far from the most-watched titles the user's picks may reach (Adventurousness)."""
    settings, _created = RecommenderSettings.objects.update_or_create(
        user=user, defaults={"adventurousness": Adventurousness(adventurousness)}
    )
    return settings


# What each reason does to the user's library: a pick turned down always leaves the picks.
NOT_FOR_ME_STATUS = {
    NotForMeReason.SEEN_ELSEWHERE: Status.SEEN,  # counts for similar titles, as any title seen
    NotForMeReason.NOT_MY_GENRE: Status.HIDDEN,  # counts against similar titles
    NotForMeReason.NOT_THIS_PERSON: Status.HIDDEN,
    NotForMeReason.NOT_NOW: Status.LATER,  # counts a little for them, and waits in the watch-later list
}


@dataclass(frozen=True)
class RuleOffer:
    """A hide rule the user may want after turning a pick down: what POST /me/hide-rules takes."""

    kind: str
    value: str
    label: str  # in the reader's language


@dataclass(frozen=True)
class TurnedDown:
    entry: Entry
    reason: str
    offers: list[RuleOffer]  # the title's genres for "not my genre", its people for "not this person"


def not_for_me(*, user: User, title: Title, reason: str, language: str = "en") -> TurnedDown:
    """Turn down a pick: its status as the reason says (NOT_FOR_ME_STATUS), the reason kept for the
    explanations of later picks, and what a rule could hide next time (the title's genres or people)."""
    reason = NotForMeReason(reason)
    with transaction.atomic():
        entry = entry_set_status(user=user, title=title, status=NOT_FOR_ME_STATUS[reason])
        NotForMe.objects.update_or_create(user=user, title=title, defaults={"reason": reason})
    offers: list[RuleOffer] = []
    if reason == NotForMeReason.NOT_MY_GENRE:
        offers = [
            RuleOffer(HideRule.Kind.GENRE, str(g.tmdb_id), g.name(language))
            for g in title.genres.order_by("tmdb_id")
        ]
    elif reason == NotForMeReason.NOT_THIS_PERSON:
        offers = [RuleOffer(HideRule.Kind.PERSON, name, name) for name in title.people[:MAX_PEOPLE_OFFERED]]
    return TurnedDown(entry=cast(Entry, entry), reason=reason, offers=offers)
