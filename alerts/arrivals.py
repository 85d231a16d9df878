"""Arrivals on a member's services: the titles on their watch-later list that one of their services (in their
country) started offering since the previous day.

Once a day (beat, 05:00 UTC) every title that is on some member's watch-later list, where that member has
a country and services, is fetched once from TMDB (`/{movie,tv}/{id}/watch/providers`, every country in
one answer, through the shared client and its rate limit, FETCH_THREADS at a time). For each country those
members live in, the day's services per bucket are kept as an OfferSnapshot (a service is a brand: its
several provider ids are one), and the title's offers are replaced as a refresh would (title pages agree).

An arrival is a service the member has, absent from the previous snapshot and present in today's, both
read in the buckets the member counts (subscription; free and with ads when they said so). So:
- a service's duplicate ids coming and going changes nothing (the diff is by brand);
- a title's first snapshot in a country alerts nothing (there is no "before");
- a second run the same day fetches nothing already fetched today, and an arrival already alerted within
  REALERT_DAYS is not alerted again (a service dropping a title for a few days and taking it back is the
  same arrival); the unique constraint holds the rest.
TMDB gives no dates: "arrived" means "seen there today and not at the previous check".
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from alerts.models import OfferSnapshot, ServiceArrival
from catalog.ingest.clients import get_tmdb_client, tmdb_is_configured
from catalog.ingest.clients.types import WatchOffer
from catalog.models import OfferKind, Title
from catalog.offers import FILTER_KINDS, OFFERS_MAX_AGE_DAYS, brand_of, offers_replace
from core.exceptions import ProviderError
from library.models import Entry, Status

logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # titles fetched, snapshotted and compared together
FETCH_THREADS = 8  # concurrent requests; the client's shared limiter (TMDB_RATE_LIMIT_PER_SECOND) paces them
SNAPSHOT_KEEP_DAYS = 8  # older snapshots are deleted: "before" is at most a week old
REALERT_DAYS = 30
DEFAULT_KINDS = (OfferKind.FLATRATE.value,)
MAX_ERRORS_KEPT = 5  # in the task's result


@dataclass
class ArrivalsResult:
    titles: int = 0  # titles to check today
    fetched: int = 0  # TMDB requests answered
    failed: int = 0  # TMDB requests that failed (tried again tomorrow)
    skipped: int = 0  # already fetched today
    snapshots: int = 0
    arrivals: int = 0
    seconds: float = 0.0
    unavailable: str = ""  # why nothing was fetched ("no TMDB key")
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "seconds": round(self.seconds, 3), "errors": self.errors}


_Answer = tuple[WatchOffer, ...] | ProviderError  # a title's offers, or why TMDB gave none


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@dataclass(frozen=True)
class _Watched:
    """A title to check and the countries of the members who want it."""

    title_id: int
    media_type: str
    tmdb_id: int
    regions: frozenset[str]


def _later_entries() -> Any:
    """Watch-later entries of active members who have a country and services."""
    return (
        Entry.objects.filter(status=Status.LATER, user__is_active=True, title__tmdb_id__isnull=False)
        .exclude(user__watch_country="")
        .exclude(Q(user__watch_services=[]) | Q(user__watch_services__isnull=True))
    )


def _watched_batches() -> Iterator[list[_Watched]]:
    """Every title to check with its countries, BATCH_SIZE titles at a time, by title id."""
    after = 0
    while True:
        rows = list(
            _later_entries()
            .filter(title_id__gt=after)
            .order_by("title_id")
            .values_list("title_id", "title__media_type", "title__tmdb_id", "user__watch_country")
            .distinct()[: BATCH_SIZE * 4]
        )
        if not rows:
            return
        by_title: dict[int, tuple[str, int, set[str]]] = {}
        for title_id, media_type, tmdb_id, region in rows:
            by_title.setdefault(title_id, (media_type, tmdb_id, set()))[2].add(region)
        ids = sorted(by_title)
        if len(rows) == BATCH_SIZE * 4 and len(ids) > 1:
            ids = ids[:-1]  # the last title's countries may go on in the next rows: read it again
        ids = ids[:BATCH_SIZE]
        yield [_Watched(i, by_title[i][0], by_title[i][1], frozenset(by_title[i][2])) for i in ids]
        after = ids[-1]


def snapshot_of(offers: Iterable[WatchOffer], region: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The services per bucket in one country (brands, sorted), and each service's name (the first by
    TMDB's display priority)."""
    brands: dict[str, set[str]] = {}
    names: dict[str, tuple[int, str]] = {}
    for offer in offers:
        if offer.region != region or offer.kind not in OfferKind.values:
            continue
        brand = brand_of(offer.provider_name)
        brands.setdefault(offer.kind, set()).add(brand)
        if brand not in names or offer.display_priority < names[brand][0]:
            names[brand] = (offer.display_priority, offer.provider_name)
    return (
        {kind: sorted(found) for kind, found in brands.items()},
        {brand: name for brand, (_priority, name) in sorted(names.items())},
    )


def accepted_kinds(watch_kinds: Any) -> tuple[str, ...]:
    """The buckets a member counts: subscription by default, free and with ads when they opted in."""
    kinds = tuple(k for k in (watch_kinds or ()) if k in FILTER_KINDS)
    return kinds or DEFAULT_KINDS


def brands_in(snapshot: dict[str, list[str]], kinds: Iterable[str]) -> set[str]:
    return {brand for kind in kinds for brand in snapshot.get(kind, ())}


def arrivals_run(*, now: datetime | None = None) -> ArrivalsResult:
    """Today's check (see the module). Without a TMDB key nothing is fetched and `unavailable` says so."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = day_of(now)
    result = ArrivalsResult()
    if not tmdb_is_configured():
        result.unavailable = "no TMDB key"
        return result
    OfferSnapshot.objects.filter(day__lt=today - timedelta(days=SNAPSHOT_KEEP_DAYS)).delete()
    ServiceArrival.objects.filter(day__lt=today - timedelta(days=OFFERS_MAX_AGE_DAYS)).delete()
    client = get_tmdb_client()

    def fetch(one: _Watched) -> _Answer:
        """HTTP only (no database in the threads)."""
        try:
            return client.title_offers(media_type=one.media_type, tmdb_id=one.tmdb_id)
        except ProviderError as exc:  # transient or not: tomorrow's run tries again
            return exc

    # The next batch is fetched while this one is written and compared: the requests never wait for us.
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        pending: _Started | None = None
        for batch in _watched_batches():
            started_batch = _start_batch(batch, pool, fetch, today=today, result=result)
            if pending is not None:
                _finish_batch(pending, now=now, today=today, result=result)
            pending = started_batch
        if pending is not None:
            _finish_batch(pending, now=now, today=today, result=result)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Started:
    fetching: list[tuple[_Watched, Future[_Answer]]]


def _start_batch(
    batch: list[_Watched],
    pool: ThreadPoolExecutor,
    fetch: Callable[[_Watched], _Answer],
    *,
    today: date,
    result: ArrivalsResult,
) -> _Started:
    """Queue the requests of the batch's titles not fetched yet today."""
    result.titles += len(batch)
    title_ids = [w.title_id for w in batch]
    done = set(
        OfferSnapshot.objects.filter(title_id__in=title_ids, day=today).values_list("title_id", "region")
    )
    to_fetch = [w for w in batch if any((w.title_id, r) not in done for r in w.regions)]
    result.skipped += len(batch) - len(to_fetch)
    return _Started([(w, pool.submit(fetch, w)) for w in to_fetch])


def _finish_batch(started: _Started, *, now: datetime, today: date, result: ArrivalsResult) -> None:
    """Write the batch's offers and snapshots as its answers come, then compare."""
    snapshots: list[OfferSnapshot] = []
    for watched, future in started.fetching:
        answer = future.result()
        if isinstance(answer, ProviderError):
            result.failed += 1
            if len(result.errors) < MAX_ERRORS_KEPT:
                result.errors.append(str(answer))
            continue
        result.fetched += 1
        offers_replace(Title(pk=watched.title_id), answer, now=now)
        for region in sorted(watched.regions):
            brands, names = snapshot_of(answer, region)
            snapshots.append(
                OfferSnapshot(
                    title_id=watched.title_id,
                    region=region,
                    day=today,
                    brands=brands,
                    names=names,
                    fetched_at=now,
                )
            )
    fetched_ids = sorted({snapshot.title_id for snapshot in snapshots})
    with transaction.atomic():  # a day's snapshot is never kept without its arrivals
        OfferSnapshot.objects.bulk_create(
            snapshots,
            update_conflicts=True,
            unique_fields=("title", "region", "day"),
            update_fields=("brands", "names", "fetched_at"),
        )
        result.snapshots += len(snapshots)
        result.arrivals += _record_arrivals(fetched_ids, today=today)


def _record_arrivals(title_ids: list[int], *, today: date) -> int:
    """Compare today's snapshots of these titles with the latest earlier ones, for each member who wants
    one whose services changed; write the arrivals not alerted lately. Returns how many were written."""
    if not title_ids:
        return 0
    current: dict[tuple[int, str], OfferSnapshot] = {}
    previous: dict[tuple[int, str], OfferSnapshot] = {}
    for snapshot in OfferSnapshot.objects.filter(title_id__in=title_ids, day__lte=today).order_by("-day"):
        key = (snapshot.title_id, snapshot.region)
        if snapshot.day == today:
            current[key] = snapshot
        elif key not in previous:
            previous[key] = snapshot
    # No "before" (a first snapshot) or nothing changed: nothing can have arrived.
    changed = {key for key in current if key in previous and current[key].brands != previous[key].brands}
    if not changed:
        return 0
    wanted = (
        _later_entries()
        .filter(title_id__in={title_id for title_id, _region in changed})
        .values_list("user_id", "title_id", "user__watch_country")
    )
    pairs = [
        (user_id, (title_id, region)) for user_id, title_id, region in wanted if (title_id, region) in changed
    ]
    settings_of = {
        pk: (set(services or ()), accepted_kinds(kinds))
        for pk, services, kinds in User.objects.filter(pk__in={u for u, _key in pairs}).values_list(
            "pk", "watch_services", "watch_kinds"
        )
    }
    arrived_in: dict[tuple[tuple[int, str], tuple[str, ...]], set[str]] = {}
    found: list[ServiceArrival] = []
    for user_id, key in pairs:
        services, kinds = settings_of[user_id]
        if (key, kinds) not in arrived_in:
            now_there = brands_in(current[key].brands, kinds)
            arrived_in[key, kinds] = now_there - brands_in(previous[key].brands, kinds)
        for brand in sorted(arrived_in[key, kinds] & services):
            kind = next(k for k in kinds if brand in current[key].brands.get(k, ()))
            found.append(
                ServiceArrival(
                    user_id=user_id,
                    title_id=key[0],
                    region=key[1],
                    brand=brand,
                    service_name=current[key].names.get(brand, brand)[:100],
                    kind=kind,
                    day=today,
                )
            )
    if not found:
        return 0
    recent = set(
        ServiceArrival.objects.filter(
            title_id__in={a.title_id for a in found},
            user_id__in={a.user_id for a in found},
            day__gt=today - timedelta(days=REALERT_DAYS),
        ).values_list("user_id", "title_id", "region", "brand")
    )
    new = [a for a in found if (a.user_id, a.title_id, a.region, a.brand) not in recent]
    ServiceArrival.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
