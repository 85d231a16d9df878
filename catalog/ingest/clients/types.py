"""What our code sees of external catalog providers: protocols and frozen dataclasses, never provider JSON."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class GenreItem:
    tmdb_id: int
    name: str


@dataclass(frozen=True)
class KeywordItem:
    """One of a title's TMDB keywords (named in English only, whatever the language asked)."""

    tmdb_id: int
    name: str


@dataclass(frozen=True)
class WatchOffer:
    """One offer of TMDB's watch providers (JustWatch's data): a service in a country, in one bucket."""

    region: str  # ISO 3166-1 alpha-2 ("FR")
    kind: str  # "flatrate" | "free" | "ads" | "rent" | "buy"
    provider_id: int
    provider_name: str
    logo_path: str  # "" when TMDB has none
    display_priority: int
    link: str  # TMDB's watch page for the title in this country


@dataclass(frozen=True)
class WatchProvider:
    """One entry of /watch/providers/{movie,tv}: a service TMDB knows in a country."""

    provider_id: int
    provider_name: str
    logo_path: str
    display_priority: int


@dataclass(frozen=True)
class TmdbSummary:
    """One item of a /discover, /search, /recommendations or /similar page, in the requested language."""

    media_type: str  # catalog.models.MediaType value: "movie" | "tv"
    tmdb_id: int
    title: str  # movie "title" / tv "name"
    original_title: str  # "original_title" / "original_name"
    original_language: str  # "" when absent
    overview: str  # "" when TMDB has none in this language
    release_date: date | None  # movie "release_date" / tv "first_air_date"; "" or missing -> None
    genre_ids: tuple[int, ...]
    poster_path: str | None
    popularity: float | None


@dataclass(frozen=True)
class TmdbPage:
    results: tuple[TmdbSummary, ...]
    page: int
    total_pages: int
    total_results: int


@dataclass(frozen=True)
class TmdbDetails:
    """/movie/{id} or /tv/{id} in one language, with its videos, external ids and credits."""

    media_type: str
    tmdb_id: int
    imdb_id: str | None  # movie top-level "imdb_id", else external_ids.imdb_id; "" -> None
    title: str
    original_title: str
    original_language: str
    overview: str
    release_date: date | None  # movie release_date / tv first_air_date
    last_air_date: date | None  # tv only
    runtime: int | None  # movie "runtime" (0 -> None) / tv first of "episode_run_time" ([] -> None)
    number_of_seasons: int | None
    genres: tuple[GenreItem, ...]  # named in the requested language
    poster_path: str | None
    origin_countries: tuple[str, ...]  # "origin_country", else production_countries' iso_3166_1
    trailer_url: str | None  # https://www.youtube.com/watch?v=<key>, see tmdb.choose_trailer
    directors: tuple[str, ...]  # movie: credits.crew job "Director"; tv: "created_by"
    cast: tuple[str, ...]  # the first 10 of credits.cast by "order"
    offers: tuple[WatchOffer, ...] = ()  # appended "watch/providers", every country
    # appended "keywords": a movie's under `keywords.keywords`, a TV show's under `keywords.results`; None
    # when the answer has no "keywords" (what the title holds stays)
    keywords: tuple[KeywordItem, ...] | None = None


@dataclass(frozen=True)
class OmdbRatings:
    imdb_id: str
    imdb_rating: Decimal | None  # "N/A" -> None
    imdb_votes: int | None  # "285,100" -> 285100, "6736" -> 6736, "N/A" -> None
    metascore: int | None  # "N/A" -> None
    rotten_tomatoes: int | None  # Ratings[] "Rotten Tomatoes" "94%" -> 94


class TmdbClient(Protocol):
    def genres(self, *, media_type: str, language: str) -> list[GenreItem]:
        """TMDB's official genre list for movies or TV, named in `language` (e.g. "en", "fr-FR")."""
        ...

    def details(self, *, media_type: str, tmdb_id: int, language: str) -> TmdbDetails:
        """One title in `language` ("en-US", "fr-FR"), videos, external ids and credits in one call."""
        ...

    def find_by_imdb_id(self, imdb_id: str) -> tuple[str, int] | None:
        """(media_type, tmdb_id) of the title with this IMDb id, None when TMDB knows none."""
        ...

    def discover(
        self, *, media_type: str, params: Mapping[str, str | int | float], page: int, language: str
    ) -> TmdbPage:
        """One /discover page; `params` use TMDB's own names (with_genres, vote_count.gte...), as is."""
        ...

    def search(self, *, media_type: str, query: str, page: int, language: str) -> TmdbPage: ...

    def recommendations(self, *, media_type: str, tmdb_id: int, page: int, language: str) -> TmdbPage: ...

    def similar(self, *, media_type: str, tmdb_id: int, page: int, language: str) -> TmdbPage: ...

    def watch_providers(self, *, media_type: str, region: str, language: str) -> list[WatchProvider]:
        """The services TMDB knows in `region` for movies or TV."""
        ...

    def title_offers(self, *, media_type: str, tmdb_id: int) -> tuple[WatchOffer, ...]:
        """Where one title can be watched now, every country (`/{movie,tv}/{id}/watch/providers` alone:
        the daily check of watch-later titles, without the details)."""
        ...


class OmdbClient(Protocol):
    def ratings(self, *, imdb_id: str) -> OmdbRatings:
        """IMDb's rating and votes (and critics' scores) for one IMDb id."""
        ...
