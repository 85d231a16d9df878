"""Title cards: the one presenter of a title for the REST routes, the assistant and the web pages.

A card is a frozen TitleCard built from a title, a language and the caller's status; the API serializes it
(`discovery.api.serializers`), the pages render it. Presenting titles is also where refresh-on-read
happens: serving a title whose provider data is stale queues its refresh, whichever surface shows it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.enrichment import titles_refresh_if_stale
from catalog.ingest.sources import MOVIELENS, public_source_name
from catalog.localized import (
    GenreLabel,
    genre_labels,
    localized_overview,
    localized_title,
    localized_trailer_url,
    poster_url,
)
from catalog.models import DataSource, MediaType, ScoreSource, Title
from catalog.offers import ATTRIBUTION, Offer, is_region, title_offers, titles_offer_logos
from catalog.ranking import shown_rating
from library.models import Entry
from library.selectors import statuses_for


@dataclass(frozen=True)
class TitleCard:
    """MovieCard / TvShowCard of API.md: the title in the reader's language, and the caller's status."""

    id: int
    media_type: str
    tmdb_id: int | None
    imdb_id: str | None
    title: str
    original_title: str | None
    original_language: str | None
    overview: str | None
    year: int | None
    release_date: date | None
    genres: tuple[GenreLabel, ...]  # TMDB id and localized name; printed, a genre is its name
    runtime: int | None
    imdb_rating: float | None
    imdb_votes: int | None
    score: float | None
    poster_url: str | None
    trailer_url: str | None
    user_status: str | None
    first_air_year: int | None = None  # TV shows only, as the last two
    last_air_year: int | None = None
    number_of_seasons: int | None = None
    # The rating the filters compare and the ranking weighs, on IMDb's scale, to one decimal as shown, and
    # where it comes from (ScoreSource: "imdb", or "movielens" / "critics" calibrated onto IMDb's scale).
    catalog_rating: float | None = None
    catalog_rating_source: str | None = None
    # The pages' logos of the services offering it in the user's country (subscription, free, with ads),
    # the user's own first; not in the API's card.
    services: tuple[Offer, ...] = ()
    # Who directed it (a TV show: created it), for the pages' "Not interested in…" buttons; the API's card
    # has none (its title detail does).
    directors: tuple[str, ...] = ()


PAGE_ONLY_FIELDS = ("services", "directors")
DEFAULT_WATCH_REGION = {"en": "US", "fr": "FR"}  # a title page's country for a reader who chose none
CARD_LOGOS = 4


def _card_fields(title: Title, *, language: str, status: str | None) -> dict[str, Any]:
    """A card's fields, read straight off the title (genres prefetched)."""
    tv = title.media_type == MediaType.TV
    return {
        "id": title.pk,
        "media_type": title.media_type,
        "tmdb_id": title.tmdb_id,
        "imdb_id": title.imdb_id,
        "title": localized_title(title, language),
        "original_title": title.original_title or None,
        "original_language": title.original_language or None,
        "overview": localized_overview(title, language),
        "year": title.year,
        "release_date": title.release_date,
        "genres": tuple(genre_labels(title, language)),
        "runtime": title.runtime,
        "imdb_rating": None if title.imdb_rating is None else float(title.imdb_rating),
        "imdb_votes": title.imdb_votes,
        "score": title.score,
        "poster_url": poster_url(title),
        "trailer_url": localized_trailer_url(title, language),
        "user_status": status,
        "first_air_year": title.first_air_year if tv else None,
        "last_air_year": title.last_air_year if tv else None,
        "number_of_seasons": title.number_of_seasons if tv else None,
        "catalog_rating": shown_rating(title.rating),
        "catalog_rating_source": (title.score_source or None) if title.rating is not None else None,
    }


def title_cards(
    titles: Iterable[Title],
    *,
    language: str,
    user: User | AnonymousUser,
    statuses: dict[int, str] | None = None,
) -> list[TitleCard]:
    """The cards in `language`, with the user's status on each (pass `statuses={}` when none of them can
    have one: one query saved). Serving a title whose provider data is stale queues its refresh."""
    titles = list(titles)
    if statuses is None:
        statuses = _statuses(user, [t.pk for t in titles])
    titles_refresh_if_stale(titles)
    services = _card_services(user, [t.pk for t in titles])
    return [
        TitleCard(
            **_card_fields(t, language=language, status=statuses.get(t.pk)),
            services=services.get(t.pk, ()),
            directors=tuple(t.directors),
        )
        for t in titles
    ]


def _card_services(user: User | AnonymousUser, title_ids: list[int]) -> dict[int, tuple[Offer, ...]]:
    """Each title's services in the user's country, theirs first (one query; none without a country)."""
    if not isinstance(user, User) or not user.watch_country or not tmdb_is_configured():
        return {}
    mine = set(user.watch_services)
    found = titles_offer_logos(title_ids, user.watch_country)
    return {
        pk: tuple(sorted(offers, key=lambda o: o.brand not in mine)[:CARD_LOGOS])
        for pk, offers in found.items()
    }


@dataclass(frozen=True)
class WatchOffers:
    """Where to watch a title in one country, with the credit TMDB's terms ask for beside it."""

    country: str  # ISO 3166-1 alpha-2
    link: str | None  # TMDB's watch page for the title there
    offers: tuple[Offer, ...]
    attribution: str = ATTRIBUTION


def watch_region_for(user: User | AnonymousUser, language: str) -> str:
    """The user's country, else the usual one of the page's language."""
    if isinstance(user, User) and is_region(user.watch_country):
        return user.watch_country
    return DEFAULT_WATCH_REGION.get(language, "US")


def title_watch_offers(title: Title, *, user: User | AnonymousUser, language: str) -> WatchOffers | None:
    """The title's offers in the user's country; None without TMDB (there is no where-to-watch data)."""
    if not tmdb_is_configured():
        return None
    country = watch_region_for(user, language)
    offers = tuple(title_offers(title.pk, country))
    return WatchOffers(country=country, link=offers[0].link if offers else None, offers=offers)


def _statuses(user: User | AnonymousUser, title_ids: list[int]) -> dict[int, str]:
    return statuses_for(user=user, title_ids=title_ids) if isinstance(user, User) else {}


# ---------------------------------------------------------------- a title's page


@dataclass(frozen=True)
class Credit:
    """Where some of a title's data comes from, and on what terms."""

    name: str
    licence: str
    attribution: str
    article: str | None = None  # the article an overview was taken from


@dataclass(frozen=True)
class RatingLine:
    """One rating we hold, with who gave it and as of when; `used_for_score` marks the ranking one (a
    fallback's value is calibrated onto IMDb's scale first: `calibrated`)."""

    source: str  # "imdb", "critics", "movielens" or "metacritic"
    provider: str | None
    value: float | int
    as_of: date | None  # the day, when known
    as_of_year: int | None  # the year, when only the year is known (some sources give no more)
    used_for_score: bool
    votes: int | None = None  # IMDb; MovieLens: how many community members rated it
    reviews: int | None = None  # critics
    meter: int | None = None  # critics
    scale: int | None = None  # Metacritic (out of 100), MovieLens (out of 5 stars)
    calibrated: float | None = None  # the value on IMDb's scale, when the score is calibrated from it


@dataclass(frozen=True)
class TitleDetail(TitleCard):
    """A card with what a title page shows: people, countries, every rating with its source and date."""

    directors: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    alternate_titles: tuple[str, ...] = ()
    ratings: tuple[RatingLine, ...] = ()
    overview_source: Credit | None = None
    source: Credit | None = None
    watch: WatchOffers | None = None


def title_detail_card(
    title: Title, *, language: str, user: User | AnonymousUser, statuses: dict[int, str] | None = None
) -> TitleDetail:
    """The title's page in `language` (load it with `catalog.selectors.title_for_detail`); serving it queues
    a refresh of stale provider data, as every card does."""
    if statuses is None:
        statuses = _statuses(user, [title.pk])
    titles_refresh_if_stale([title])
    return TitleDetail(
        **_card_fields(title, language=language, status=statuses.get(title.pk)),
        directors=tuple(title.directors),
        writers=tuple(title.writers),
        cast=tuple(title.cast),
        countries=tuple(title.countries),
        alternate_titles=tuple(title.alternate_titles),
        ratings=title_ratings(title),
        overview_source=_credit(title.overview_source, article=title.provenance.get("overview_article")),
        source=_credit(title.source),
        watch=title_watch_offers(title, user=user, language=language),
    )


def _credit(source: DataSource | None, *, article: str | None = None) -> Credit | None:
    if source is None:
        return None
    return Credit(
        name=public_source_name(source),
        licence=source.licence,
        attribution=source.attribution,
        article=article or None,
    )


class AsOf(TypedDict):
    as_of: date | None
    as_of_year: int | None


def _as_of(value: date | str | None) -> AsOf:
    """A rating's date as `as_of` or `as_of_year`, never both: a day ("2026-10-18") is `as_of`, a source that
    says only a year ("2005") gives `as_of_year`, nothing (or text we cannot read) neither."""
    day: date | None = None
    if isinstance(value, date):
        day = value
    elif value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            year = int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None
            return {"as_of": None, "as_of_year": year}
    return {"as_of": day, "as_of_year": None}


def title_ratings(title: Title) -> tuple[RatingLine, ...]:
    """Every rating we hold of the title, IMDb's first."""
    ratings: list[RatingLine] = []
    score_from = title.score_source if title.score is not None else ""
    calibrated = title.rating if score_from != ScoreSource.IMDB else None
    if title.imdb_rating is not None:
        source = title.rating_source
        ratings.append(
            RatingLine(
                source="imdb",
                provider=public_source_name(source) if source else None,
                value=float(title.imdb_rating),
                votes=title.imdb_votes,
                **_as_of(title.rating_as_of or (source.data_as_of if source else None)),
                used_for_score=score_from == ScoreSource.IMDB,
            )
        )
    if title.critics_rating is not None:
        ratings.append(
            RatingLine(
                source="critics",
                provider=public_source_name(title.source),
                value=float(title.critics_rating),
                reviews=title.critics_reviews,
                meter=title.critics_meter,
                **_as_of(title.source.data_as_of),
                used_for_score=score_from == ScoreSource.CRITICS,
                calibrated=calibrated if score_from == ScoreSource.CRITICS else None,
            )
        )
    if title.movielens_rating is not None:
        ratings.append(
            RatingLine(
                source="movielens",
                provider=MOVIELENS.public_name,
                value=float(title.movielens_rating),
                scale=5,
                votes=title.movielens_ratings,
                **_as_of(MOVIELENS.data_as_of),
                used_for_score=score_from == ScoreSource.MOVIELENS,
                calibrated=calibrated if score_from == ScoreSource.MOVIELENS else None,
            )
        )
    if title.metacritic is not None:
        ratings.append(
            RatingLine(
                source="metacritic",
                provider=public_source_name(title.source),
                value=title.metacritic,
                scale=100,
                **_as_of(title.source.data_as_of),
                used_for_score=False,
            )
        )
    return tuple(ratings)


# ---------------------------------------------------------------- a list's cards


@dataclass(frozen=True)
class EntryCard(TitleCard):
    """A list item: the title's card with the entry's status, rating and time of change."""

    status: str = ""
    rating: int | None = None
    updated_at: datetime | None = None


def entry_cards(entries: Iterable[Entry], *, language: str) -> list[EntryCard]:
    """The cards of a page of the user's list (`library.selectors.entries_list`): their titles are theirs,
    not discovered, so nothing is refreshed here, as the lists have always been served."""
    return [
        EntryCard(
            **_card_fields(e.title, language=language, status=e.status),
            status=e.status,
            rating=e.rating,
            updated_at=e.updated_at,
        )
        for e in entries
    ]
