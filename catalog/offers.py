"""Where to watch: TMDB's watch providers (JustWatch's data) per title and country, and the services a user
can pick from.

The refresh writes a title's offers (`offers_replace`); reads only ever see offers younger than
`OFFERS_MAX_AGE_DAYS` (TMDB's terms: never kept beyond six months) and the daily sweep deletes older ones.
A service is a `brand`: TMDB's provider name folded to letters and digits, so that the several ids one
service has (Amazon Prime Video is 9 and 119) are picked once.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from catalog.ingest.clients import get_tmdb_client, tmdb_is_configured
from catalog.ingest.clients.types import WatchOffer, WatchProvider
from catalog.localized import POSTER_CDN
from catalog.models import MediaType, OfferKind, Title, TitleOffer

OFFERS_MAX_AGE_DAYS = 183
LOGO_SIZE = "w92"
SUBSCRIPTION_KINDS = (OfferKind.FLATRATE.value,)
FILTER_KINDS = (
    OfferKind.FLATRATE.value,
    OfferKind.FREE.value,
    OfferKind.ADS.value,
)  # what "on my services" may mean
SERVICES_CACHE_SECONDS = 24 * 3600
ATTRIBUTION = "JustWatch"  # TMDB's terms: credit JustWatch beside every offer shown
REGION = re.compile(r"^[A-Z]{2}$")


def brand_of(provider_name: str) -> str:
    """The service a provider name belongs to: "Amazon Prime Video" -> "amazonprimevideo"."""
    folded = unicodedata.normalize("NFKD", provider_name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "", folded) or provider_name.casefold()


def logo_url(logo_path: str) -> str | None:
    """TMDB's logo image at a card's size; None for a path that is not TMDB's."""
    if not re.fullmatch(r"/[A-Za-z0-9_-]+\.(?:jpg|png|svg)", logo_path or ""):
        return None
    return f"{POSTER_CDN}{LOGO_SIZE}{logo_path}"


def is_region(value: str) -> bool:
    return bool(REGION.match(value or ""))


def offers_replace(title: Title, offers: Iterable[WatchOffer], *, now: datetime | None = None) -> int:
    """A title's offers become exactly what TMDB said now (every country); returns how many are kept."""
    fetched_at = now or timezone.now()
    rows = {
        (o.region, o.kind, o.provider_id): TitleOffer(
            title=title,
            region=o.region,
            kind=o.kind,
            provider_id=o.provider_id,
            provider_name=o.provider_name[:100],
            brand=brand_of(o.provider_name)[:100],
            logo_path=o.logo_path[:100],
            display_priority=o.display_priority,
            link=o.link[:300],
            fetched_at=fetched_at,
        )
        for o in offers
        if o.kind in OfferKind.values and is_region(o.region) and o.link.startswith("https://")
    }
    with transaction.atomic():
        TitleOffer.objects.filter(title=title).delete()
        TitleOffer.objects.bulk_create(rows.values())
    return len(rows)


def offers_purge(*, now: datetime | None = None) -> int:
    """Delete the offers older than the limit (the daily sweep); returns how many went."""
    deleted, _ = TitleOffer.objects.filter(fetched_at__lt=_oldest(now)).delete()
    return deleted


def _oldest(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=OFFERS_MAX_AGE_DAYS)


def offers_current() -> QuerySet[TitleOffer]:
    """The offers young enough to show."""
    return TitleOffer.objects.filter(fetched_at__gte=_oldest())


@dataclass(frozen=True)
class Offer:
    """One service's offer of a title in one country, as a page or the API shows it."""

    kind: str
    brand: str
    provider_name: str
    provider_ids: tuple[int, ...]
    logo_url: str | None
    link: str
    logo_path: str = ""  # TMDB's image path of the logo (the API's compact cards give it, not the URL)


def title_offers(title_id: int, region: str) -> list[Offer]:
    """A title's offers in a country, by kind (subscription first) then TMDB's display priority; one per
    service and kind (its several ids together)."""
    if not is_region(region):
        return []
    rows = (
        offers_current().filter(title_id=title_id, region=region).order_by("display_priority", "provider_id")
    )
    return _grouped(rows)


def titles_offer_logos(
    title_ids: Sequence[int], region: str, *, kinds: Sequence[str] = FILTER_KINDS
) -> dict[int, list[Offer]]:
    """For cards: each title's services in `kinds` in a country, in one query."""
    if not title_ids or not is_region(region):
        return {}
    rows = (
        offers_current()
        .filter(title_id__in=list(title_ids), region=region, kind__in=list(kinds))
        .order_by("title_id", "display_priority", "provider_id")
    )
    by_title: dict[int, list[TitleOffer]] = {}
    for row in rows:
        by_title.setdefault(row.title_id, []).append(row)
    return {pk: _grouped(found, one_per_brand=True) for pk, found in by_title.items()}


def _grouped(rows: Iterable[TitleOffer], *, one_per_brand: bool = False) -> list[Offer]:
    order = {kind: index for index, kind in enumerate(OfferKind.values)}
    grouped: dict[tuple[str, str], list[TitleOffer]] = {}
    for row in rows:
        key = ("", row.brand) if one_per_brand else (row.kind, row.brand)
        grouped.setdefault(key, []).append(row)
    offers = [
        Offer(
            kind=found[0].kind,
            brand=found[0].brand,
            provider_name=found[0].provider_name,
            provider_ids=tuple(sorted({r.provider_id for r in found})),
            logo_url=logo_url(found[0].logo_path),
            link=found[0].link,
            logo_path=found[0].logo_path if logo_url(found[0].logo_path) else "",
        )
        for found in grouped.values()
    ]
    return sorted(offers, key=lambda o: order.get(o.kind, len(order))) if not one_per_brand else offers


def title_ids_on_services(
    region: str, brands: Iterable[str], kinds: Iterable[str]
) -> "QuerySet[TitleOffer, Any]":
    """The ids of titles some of `brands` offers in `kinds` in a country (a subquery for discovery)."""
    return (
        offers_current()
        .filter(region=region, brand__in=list(brands), kind__in=list(kinds))
        .values("title_id")
    )


def offered_on(region: str, brands: Iterable[str], kinds: Iterable[str], *, outer: str = "pk") -> Exists:
    """A condition on titles (or on rows whose `outer` names a title): offered now in a country by one of
    these services as one of these kinds (discovery's "on my services")."""
    return Exists(
        offers_current().filter(
            title_id=OuterRef(outer), region=region, brand__in=list(brands), kind__in=list(kinds)
        )
    )


@dataclass(frozen=True)
class Service:
    """A service a user can pick in a country: one brand, whatever number of TMDB provider ids it has."""

    brand: str
    name: str
    provider_ids: tuple[int, ...]
    logo_url: str | None


def services_in(region: str, *, language: str = "en-US") -> list[Service]:
    """The services TMDB knows in a country (movies and TV together), by TMDB's display priority there;
    cached a day. Empty without a TMDB key; ProviderError when TMDB cannot answer."""
    if not tmdb_is_configured() or not is_region(region):
        return []
    key = f"catalog:services:{region}:{language}"
    cached = cache.get(key)
    if cached is not None:
        return list(cached)
    client = get_tmdb_client()
    providers = [
        provider
        for media_type in (MediaType.MOVIE, MediaType.TV)
        for provider in client.watch_providers(media_type=str(media_type), region=region, language=language)
    ]
    grouped: dict[str, list[WatchProvider]] = {}
    for provider in sorted(providers, key=lambda p: (p.display_priority, p.provider_id)):
        grouped.setdefault(brand_of(provider.provider_name), []).append(provider)
    services = [
        Service(
            brand=brand,
            name=found[0].provider_name,
            provider_ids=tuple(sorted({p.provider_id for p in found})),
            logo_url=logo_url(found[0].logo_path),
        )
        for brand, found in grouped.items()
    ]
    cache.set(key, services, SERVICES_CACHE_SECONDS)
    return services
