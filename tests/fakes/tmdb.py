"""A fake TMDB v3 server answering in TMDB's wire format (shapes as recorded from the real API).

Its titles are FakeTitle records rendered by the builders below: `""` for unknown dates, null poster
paths, appended sub-resources under their own keys (`videos.results`, `external_ids` without `id`),
unordered videos, 21 results on page 1 of /recommendations, errors as {"success": false, ...}.
"""

import hashlib
import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import FakeHttpServer, PatternHandler, RecordedRequest, Reply

# TMDB's genre lists (ids and names as TMDB publishes them). The fr-FR TV list really does leave several
# names in English ("Kids", "War & Politics"…).
MOVIE_GENRES = {
    "en": [
        (28, "Action"),
        (12, "Adventure"),
        (16, "Animation"),
        (35, "Comedy"),
        (80, "Crime"),
        (99, "Documentary"),
        (18, "Drama"),
        (10751, "Family"),
        (14, "Fantasy"),
        (36, "History"),
        (27, "Horror"),
        (10402, "Music"),
        (9648, "Mystery"),
        (10749, "Romance"),
        (878, "Science Fiction"),
        (10770, "TV Movie"),
        (53, "Thriller"),
        (10752, "War"),
        (37, "Western"),
    ],
    "fr-FR": [
        (28, "Action"),
        (12, "Aventure"),
        (16, "Animation"),
        (35, "Comédie"),
        (80, "Crime"),
        (99, "Documentaire"),
        (18, "Drame"),
        (10751, "Familial"),
        (14, "Fantastique"),
        (36, "Histoire"),
        (27, "Horreur"),
        (10402, "Musique"),
        (9648, "Mystère"),
        (10749, "Romance"),
        (878, "Science-Fiction"),
        (10770, "Téléfilm"),
        (53, "Thriller"),
        (10752, "Guerre"),
        (37, "Western"),
    ],
}
TV_GENRES = {
    "en": [
        (10759, "Action & Adventure"),
        (16, "Animation"),
        (35, "Comedy"),
        (80, "Crime"),
        (99, "Documentary"),
        (18, "Drama"),
        (10751, "Family"),
        (10762, "Kids"),
        (9648, "Mystery"),
        (10763, "News"),
        (10764, "Reality"),
        (10765, "Sci-Fi & Fantasy"),
        (10766, "Soap"),
        (10767, "Talk"),
        (10768, "War & Politics"),
        (37, "Western"),
    ],
    "fr-FR": [
        (10759, "Action & Adventure"),
        (16, "Animation"),
        (35, "Comédie"),
        (80, "Crime"),
        (99, "Documentaire"),
        (18, "Drame"),
        (10751, "Familial"),
        (10762, "Kids"),
        (9648, "Mystère"),
        (10763, "News"),
        (10764, "Reality"),
        (10765, "Science-Fiction & Fantastique"),
        (10766, "Soap"),
        (10767, "Talk"),
        (10768, "War & Politics"),
        (37, "Western"),
    ],
}
INVALID_KEY = {
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
    "success": False,
}


NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}
INVALID_PAGE = {
    "success": False,
    "status_code": 22,
    "status_message": "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
}
RATE_LIMITED = {
    "success": False,
    "status_code": 25,
    "status_message": "Your request count (51) is over the allowed limit of (40).",
}
INTERNAL_ERROR = {
    "success": False,
    "status_code": 11,
    "status_message": "Internal error: Something went wrong, contact TMDB.",
}
MISSING_EXTERNAL_SOURCE = {
    "success": False,
    "status_code": 5,
    "status_message": "Invalid parameters: Your request parameters are incorrect.",
}
PAGE_SIZE = 20
FIRST_RECOMMENDATIONS_PAGE_SIZE = 21  # TMDB really sent 21 results on page 1 of /recommendations
MAX_PAGE = 500
REGION_OF_LANGUAGE = {"en": "US", "fr": "FR"}
COUNTRY_NAMES = {
    "US": "United States of America",
    "FR": "France",
    "GB": "United Kingdom",
    "CA": "Canada",
    "DE": "Germany",
    "JP": "Japan",
    "BE": "Belgium",
}
LANGUAGE_NAMES = {"en": ("English", "English"), "fr": ("French", "Français")}
# Watch providers as TMDB names them (JustWatch's data): id -> (name, logo path, display priority).
# Amazon Prime Video really is two ids (9 and 119) under one name.
PROVIDERS = {
    8: ("Netflix", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg", 4),
    9: ("Amazon Prime Video", "/pvske1MyAoymrs5bguRfVqYiM9a.jpg", 8),
    119: ("Amazon Prime Video", "/dQeAar5H991VYporEjUspolDarG.jpg", 7),
    337: ("Disney Plus", "/97yvRBw1GzX7fXprcF80er19ot.jpg", 10),
    381: ("Canal+", "/eBXzkFEupZjKaIKY7zBUaSdCY8I.jpg", 2),
    2: ("Apple TV", "/peURlLlr8jggOwK53fJ5wdQl05y.jpg", 1),
    3: ("Google Play Movies", "/tbEdFQDwx5LEVr8WpSeXQSIirVq.jpg", 6),
    1796: ("Netflix basic with Ads", "/kICQccvOh8AIBMHGkBXJ047xeHN.jpg", 99),
    300: ("Pluto TV", "/dB8G41Q6tSL5NBisrIeqByfepBc.jpg", 40),
}
OFFER_KINDS = ("flatrate", "free", "ads", "rent", "buy")


@dataclass(kw_only=True)
class FakeTitle:
    """One title known to the fake world; the fakes render it in TMDB's and OMDb's shapes."""

    media_type: str  # "movie" | "tv"
    tmdb_id: int
    imdb_id: str | None = None
    title: dict[str, str]  # {"en": ..., "fr": ...}; no "fr": TMDB answers the English title
    overview: dict[str, str] = field(default_factory=dict)  # no entry: TMDB answers ""
    original_title: str = ""  # "": the English title
    original_language: str = "en"
    release_date: str = ""  # "YYYY-MM-DD", or "" as TMDB writes unknown dates
    last_air_date: str = ""  # TV: "" while the show still runs
    number_of_seasons: int | None = None  # TV
    genre_ids: list[int] = field(default_factory=list)
    runtime: int | None = None  # minutes (TMDB writes 0 for an unknown movie runtime, [] for TV)
    popularity: float = 1.0
    vote_count: int = 0
    vote_average: float = 0.0
    videos: list[dict[str, Any]] = field(default_factory=list)  # see fake_video()
    poster_path: str | None = None
    directors: list[str] = field(default_factory=list)  # TV: the creators
    cast: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    imdb_rating: str = "N/A"  # as OMDb writes them: "7.9"
    imdb_votes: str = "N/A"  # "285,100" (or "6736")
    metascore: str = "N/A"  # "94"
    rotten_tomatoes: str | None = None  # "94%"
    recommendations: list[int] = field(default_factory=list)  # tmdb ids of the same media type
    # Where to watch: {"FR": {"flatrate": [8], "rent": [2]}}, provider ids of PROVIDERS per bucket.
    offers: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # TMDB's keywords: (id, name), named in English whatever the language asked.
    keywords: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_movie(self) -> bool:
        return self.media_type == "movie"

    def title_in(self, language: str) -> str:
        return self.title.get(language_code(language)) or self.title["en"]

    def overview_in(self, language: str) -> str:
        return self.overview.get(language_code(language), "")

    @property
    def original(self) -> str:
        return self.original_title or self.title["en"]


def language_code(language: str | None) -> str:
    return (language or "en-US").split("-", 1)[0].lower()


def fake_video(
    key: str,
    *,
    type: str = "Trailer",
    language: str | None = "en",
    official: bool = True,
    published_at: str = "2023-03-01T16:00:00.000Z",
    site: str = "YouTube",
    name: str = "",
    legacy: bool = False,
) -> dict[str, Any]:
    """A TMDB video object; `legacy` gives the pre-2019 shape (no `official`, no `published_at`)."""
    video_id = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()[:24]
    name = name or f"Official {type}"
    if legacy:
        return {
            "id": video_id,
            "iso_639_1": language,
            "key": key,
            "name": name,
            "site": site,
            "size": 720,
            "type": type,
        }
    return {
        "iso_639_1": language,
        "iso_3166_1": REGION_OF_LANGUAGE.get(language or "", "US"),
        "name": name,
        "key": key,
        "site": site,
        "size": 1080,
        "type": type,
        "official": official,
        "published_at": published_at,
        "id": video_id,
    }


def _number(value: float) -> float | int:
    """TMDB serialises a whole vote_average as an int (8, not 8.0)."""
    return int(value) if float(value).is_integer() else value


def _genres(title: FakeTitle, language: str) -> list[dict[str, Any]]:
    tables = (MOVIE_GENRES, TV_GENRES) if title.is_movie else (TV_GENRES, MOVIE_GENRES)
    key = "fr-FR" if language_code(language) == "fr" else "en"
    names: dict[int, str] = {}
    for table in reversed(tables):  # the title's own table wins
        names.update(table[key])
    return [{"id": genre_id, "name": names[genre_id]} for genre_id in title.genre_ids if genre_id in names]


def _person_id(name: str) -> int:
    return int(hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:7], 16)


def _credit_id(*parts: object) -> str:
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()[:24]


def summary_json(title: FakeTitle, language: str, *, with_media_type: bool = False) -> dict[str, Any]:
    """An item of /discover, /search (and, with `with_media_type`, of /recommendations and /find)."""
    if title.is_movie:
        item: dict[str, Any] = {
            "adult": False,
            "backdrop_path": None,
            "genre_ids": list(title.genre_ids),
            "id": title.tmdb_id,
            "original_language": title.original_language,
            "original_title": title.original,
            "overview": title.overview_in(language),
            "popularity": title.popularity,
            "poster_path": title.poster_path,
            "release_date": title.release_date,
            "title": title.title_in(language),
            "video": False,
            "vote_average": _number(title.vote_average),
            "vote_count": title.vote_count,
        }
    else:  # TV items had no `adult` when recorded
        item = {
            "backdrop_path": None,
            "first_air_date": title.release_date,
            "genre_ids": list(title.genre_ids),
            "id": title.tmdb_id,
            "name": title.title_in(language),
            "origin_country": list(title.countries),
            "original_language": title.original_language,
            "original_name": title.original,
            "overview": title.overview_in(language),
            "popularity": title.popularity,
            "poster_path": title.poster_path,
            "vote_average": _number(title.vote_average),
            "vote_count": title.vote_count,
        }
    if with_media_type:
        item["media_type"] = title.media_type
    return item


def _credits_json(title: FakeTitle) -> dict[str, Any]:
    cast = [
        {
            "adult": False,
            "gender": 0,
            "id": _person_id(name),
            "known_for_department": "Acting",
            "name": name,
            "original_name": name,
            "popularity": 1.0,
            "profile_path": None,
            "cast_id": order + 1,
            "character": "",
            "credit_id": _credit_id(title.tmdb_id, "cast", name),
            "order": order,
        }
        for order, name in enumerate(title.cast)
    ]
    crew_jobs = [(name, "Directing", "Director") for name in title.directors] if title.is_movie else []
    if title.cast:  # an actor who also produced: crew holds more than directors
        crew_jobs.append((title.cast[0], "Production", "Producer"))
    crew = [
        {
            "adult": False,
            "gender": 0,
            "id": _person_id(name),
            "known_for_department": department,
            "name": name,
            "original_name": name,
            "popularity": 1.0,
            "profile_path": None,
            "credit_id": _credit_id(title.tmdb_id, job, name),
            "department": department,
            "job": job,
        }
        for name, department, job in crew_jobs
    ]
    return {"cast": cast, "crew": crew}


def _external_ids_json(title: FakeTitle) -> dict[str, Any]:
    """The appended external_ids object: like the standalone endpoint's, but without `id`."""
    if title.is_movie:
        return {
            "imdb_id": title.imdb_id,
            "wikidata_id": None,
            "facebook_id": None,
            "instagram_id": None,
            "twitter_id": None,
        }
    return {
        "imdb_id": title.imdb_id,
        "freebase_mid": None,
        "freebase_id": None,
        "tvdb_id": None,
        "tvrage_id": None,
        "wikidata_id": None,
        "facebook_id": None,
        "instagram_id": None,
        "twitter_id": None,
    }


def details_json(
    title: FakeTitle,
    language: str,
    *,
    append: Iterable[str] = (),
    video_languages: set[str | None] | None = None,
) -> dict[str, Any]:
    """/movie/{id} or /tv/{id} in `language`, with the appended sub-resources under their own keys."""
    code = language_code(language)
    original_names = LANGUAGE_NAMES.get(
        title.original_language, (title.original_language, title.original_language)
    )
    common_tail = {
        "production_companies": [],
        "production_countries": [{"iso_3166_1": c, "name": COUNTRY_NAMES.get(c, c)} for c in title.countries],
    }
    if title.is_movie:
        body: dict[str, Any] = {
            "adult": False,
            "backdrop_path": None,
            "belongs_to_collection": None,
            "budget": 0,
            "genres": _genres(title, language),
            "homepage": "",
            "id": title.tmdb_id,
            "imdb_id": title.imdb_id or "",  # TMDB writes "" (or null) when it has no IMDb id
            "origin_country": list(title.countries),
            "original_language": title.original_language,
            "original_title": title.original,
            "overview": title.overview_in(language),
            "popularity": title.popularity,
            "poster_path": title.poster_path,
            **common_tail,
            "release_date": title.release_date,
            "revenue": 0,
            "runtime": title.runtime or 0,
            "spoken_languages": [
                {
                    "english_name": original_names[0],
                    "iso_639_1": title.original_language,
                    "name": original_names[1],
                }
            ],
            "status": "Released",
            "tagline": "",
            "title": title.title_in(language),
            "video": False,
            "vote_average": _number(title.vote_average),
            "vote_count": title.vote_count,
        }
    else:
        seasons = title.number_of_seasons or 0
        body = {
            "adult": False,
            "backdrop_path": None,
            "created_by": [
                {
                    "id": _person_id(name),
                    "credit_id": _credit_id(title.tmdb_id, "creator", name),
                    "name": name,
                    "gender": 0,
                    "profile_path": None,
                }
                for name in title.directors
            ],
            "episode_run_time": [title.runtime] if title.runtime else [],
            "first_air_date": title.release_date,
            "genres": _genres(title, language),
            "homepage": "",
            "id": title.tmdb_id,
            "in_production": not title.last_air_date,
            "languages": [title.original_language],
            "last_air_date": title.last_air_date or title.release_date,
            "last_episode_to_air": None,
            "name": title.title_in(language),
            "next_episode_to_air": None,
            "networks": [],
            "number_of_episodes": seasons * 8,
            "number_of_seasons": seasons,
            "origin_country": list(title.countries),
            "original_language": title.original_language,
            "original_name": title.original,
            "overview": title.overview_in(language),
            "popularity": title.popularity,
            "poster_path": title.poster_path,
            **common_tail,
            "seasons": [
                {
                    "air_date": "",
                    "episode_count": 8,
                    "id": title.tmdb_id * 100 + number,
                    "name": f"Season {number}" if code == "en" else f"Saison {number}",
                    "overview": "",
                    "poster_path": None,
                    "season_number": number,
                }
                for number in range(1, seasons + 1)
            ],
            "spoken_languages": [
                {
                    "english_name": original_names[0],
                    "iso_639_1": title.original_language,
                    "name": original_names[1],
                }
            ],
            "status": "Ended" if title.last_air_date else "Returning Series",
            "tagline": "",
            "type": "Scripted",
            "vote_average": _number(title.vote_average),
            "vote_count": title.vote_count,
        }
    allowed = video_languages if video_languages is not None else {code}
    for name in append:
        if name == "videos":
            body["videos"] = {"results": [v for v in title.videos if v.get("iso_639_1") in allowed]}
        elif name == "external_ids":
            body["external_ids"] = _external_ids_json(title)
        elif name == "credits":
            body["credits"] = _credits_json(title)
        elif name == "watch/providers":
            body["watch/providers"] = {"results": watch_providers_json(title)["results"]}  # no "id" inside
        elif name == "keywords":  # like /{kind}/{id}/keywords, without "id": movies "keywords", TV "results"
            items = [{"id": keyword_id, "name": word} for keyword_id, word in title.keywords]
            body["keywords"] = {"keywords" if title.is_movie else "results": items}
    return body


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _normalized(text)).strip("-")


def _offer_json(provider_id: int) -> dict[str, Any]:
    name, logo, priority = PROVIDERS[provider_id]
    return {
        "logo_path": logo,
        "provider_id": provider_id,
        "provider_name": name,
        "display_priority": priority,
    }


def watch_providers_json(title: FakeTitle) -> dict[str, Any]:
    """/{kind}/{id}/watch/providers: per country TMDB's watch `link` and the buckets that are not empty."""
    slug = f"{title.tmdb_id}-{_slug(title.title['en'])}"
    results: dict[str, Any] = {}
    for region, buckets in sorted(title.offers.items()):
        entry: dict[str, Any] = {
            "link": f"https://www.themoviedb.org/{title.media_type}/{slug}/watch?locale={region}"
        }
        for kind in OFFER_KINDS:
            if buckets.get(kind):
                entry[kind] = sorted(
                    (_offer_json(i) for i in buckets[kind]), key=lambda o: o["display_priority"]
                )
        results[region] = entry
    return {"id": title.tmdb_id, "results": results}


def provider_list_json(region: str | None) -> dict[str, Any]:
    """/watch/providers/{movie,tv}: every service with its priority per country (here: everywhere)."""
    countries = sorted(COUNTRY_NAMES)
    return {
        "results": [
            {
                "display_priorities": dict.fromkeys(countries, priority),
                "display_priority": priority,
                "logo_path": logo,
                "provider_name": name,
                "provider_id": provider_id,
            }
            for provider_id, (name, logo, priority) in sorted(PROVIDERS.items(), key=lambda p: p[1][2])
            if region is None or region in countries
        ]
    }


def page_json(items: list[dict[str, Any]], page: int, *, first_page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of `items` (already in order); page 1 may hold more than the others (recommendations)."""
    if page == 1:
        start, end = 0, first_page_size
    else:
        start = first_page_size + (page - 2) * PAGE_SIZE
        end = start + PAGE_SIZE
    rest = max(0, len(items) - first_page_size)
    total_pages = 1 + math.ceil(rest / PAGE_SIZE)  # an empty list still has its page 1
    return {
        "page": page,
        "results": items[start:end],
        "total_pages": total_pages,
        "total_results": len(items),
    }


def _normalized(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _number_arg(request: RecordedRequest, name: str) -> float | None:
    try:
        return float(request.arg(name) or "")
    except ValueError:
        return None


DATE_FILTERS = {
    "movie": ("primary_release_date", "release_date"),
    "tv": ("first_air_date", "air_date"),
}
SORT_FIELDS: dict[str, Callable[[FakeTitle], Any]] = {
    "popularity": lambda t: t.popularity,
    "vote_average": lambda t: t.vote_average,
    "vote_count": lambda t: t.vote_count,
    "primary_release_date": lambda t: t.release_date,
    "release_date": lambda t: t.release_date,
    "first_air_date": lambda t: t.release_date,
    "title": lambda t: t.title["en"],
    "name": lambda t: t.title["en"],
    "original_title": lambda t: t.original,
}


def _genre_filter(value: str) -> list[set[int]]:
    """TMDB's with_genres: "," means all of, "|" any of ("28|12" any, "28,12" both)."""
    groups = []
    for group in value.split(","):
        ids = {int(part) for part in group.split("|") if part.strip().isdigit()}
        if ids:
            groups.append(ids)
    return groups


def discover_filter(
    titles: Iterable[FakeTitle], request: RecordedRequest, media_type: str
) -> list[FakeTitle]:
    """The titles matching /discover's filters (TMDB's parameter names), in the requested order."""
    found = [t for t in titles if t.media_type == media_type]
    for group in _genre_filter(request.arg("with_genres") or ""):
        found = [t for t in found if group & set(t.genre_ids)]
    excluded = {
        int(part) for part in re.split(r"[,|]", request.arg("without_genres") or "") if part.isdigit()
    }
    found = [t for t in found if not excluded & set(t.genre_ids)]
    if language := request.arg("with_original_language"):
        found = [t for t in found if t.original_language in language.split("|")]
    for name, value_of in (
        ("vote_count", lambda t: t.vote_count),
        ("vote_average", lambda t: t.vote_average),
        ("with_runtime", lambda t: t.runtime),
    ):
        low, high = _number_arg(request, f"{name}.gte"), _number_arg(request, f"{name}.lte")
        if low is not None:
            found = [t for t in found if value_of(t) is not None and value_of(t) >= low]
        if high is not None:
            found = [t for t in found if value_of(t) is not None and value_of(t) <= high]
    for name in DATE_FILTERS[media_type]:
        if low := request.arg(f"{name}.gte"):
            found = [t for t in found if t.release_date and t.release_date >= low]
        if high := request.arg(f"{name}.lte"):
            found = [t for t in found if t.release_date and t.release_date <= high]
    providers = {int(p) for p in re.split(r"[,|]", request.arg("with_watch_providers") or "") if p.isdigit()}
    region = request.arg("watch_region")
    if providers and region:  # TMDB ignores with_watch_providers without watch_region
        kinds = set((request.arg("with_watch_monetization_types") or "flatrate|free|ads|rent|buy").split("|"))
        found = [
            t
            for t in found
            if any(providers & set(ids) for kind, ids in t.offers.get(region, {}).items() if kind in kinds)
        ]
    field_name, _, direction = (request.arg("sort_by") or "popularity.desc").rpartition(".")
    value_of = SORT_FIELDS.get(field_name, SORT_FIELDS["popularity"])
    found.sort(key=lambda t: t.tmdb_id)  # a stable order among equals
    found.sort(key=value_of, reverse=direction != "asc")
    return found


class FakeTmdb(FakeHttpServer):
    """TMDB v3 for the titles it is given, at `url` (TMDB_BASE_URL) and, like the real one, under /3."""

    def __init__(self, *, api_key: str = "test-key", read_token: str = "", seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.api_key = api_key
        self.read_token = read_token
        self.titles: dict[tuple[str, int], FakeTitle] = {}
        prefix = "(?:/3)?"
        self._guarded(rf"{prefix}/genre/(?P<kind>movie|tv)/list", self._genres)
        self._guarded(rf"{prefix}/(?P<kind>movie|tv)/(?P<id>\d+)", self._details)
        self._guarded(
            rf"{prefix}/(?P<kind>movie|tv)/(?P<id>\d+)/(?P<list>recommendations|similar)", self._related
        )
        self._guarded(rf"{prefix}/(?P<kind>movie|tv)/(?P<id>\d+)/watch/providers", self._title_offers)
        self._guarded(rf"{prefix}/watch/providers/(?P<kind>movie|tv)", self._provider_list)
        self._guarded(rf"{prefix}/find/(?P<external_id>[^/]+)", self._find)
        self._guarded(rf"{prefix}/discover/(?P<kind>movie|tv)", self._discover)
        self._guarded(rf"{prefix}/search/(?P<kind>movie|tv)", self._search)

    @property
    def base_url(self) -> str:
        """The real API's shape (…/3); `url` works too."""
        return f"{self.url}/3"

    def add(self, *titles: FakeTitle) -> None:
        for title in titles:
            self.titles[(title.media_type, title.tmdb_id)] = title

    def failure(self, kind: str, request: RecordedRequest) -> Reply:
        if kind == "429":
            return Reply(429, RATE_LIMITED, headers={"Retry-After": str(self.retry_after)})
        if kind == "500":
            return Reply(500, INTERNAL_ERROR)
        return super().failure(kind, request)

    def _guarded(self, pattern: str, handler: PatternHandler) -> None:
        def guarded(request: RecordedRequest, match: re.Match[str]) -> Reply:
            if not self._authorized(request):
                return Reply(401, INVALID_KEY)
            return handler(request, match)

        self.route_pattern(pattern, guarded)

    def _authorized(self, request: RecordedRequest) -> bool:
        if self.read_token and request.headers.get("authorization") == f"Bearer {self.read_token}":
            return True
        return bool(self.api_key) and request.query.get("api_key") == [self.api_key]

    def _genres(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        lists = MOVIE_GENRES if match["kind"] == "movie" else TV_GENRES
        names = lists["fr-FR"] if language_code(request.arg("language")) == "fr" else lists["en"]
        return Reply(200, {"genres": [{"id": i, "name": n} for i, n in names]})

    def _details(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        title = self.titles.get((match["kind"], int(match["id"])))
        if title is None:
            return Reply(404, NOT_FOUND)
        language = request.arg("language") or "en-US"
        include = request.arg("include_video_language")
        video_languages = None
        if include is not None:
            video_languages = {None if code == "null" else code for code in include.split(",")}
        append = [
            name.strip() for name in (request.arg("append_to_response") or "").split(",") if name.strip()
        ]
        return Reply(200, details_json(title, language, append=append, video_languages=video_languages))

    def _title_offers(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        title = self.titles.get((match["kind"], int(match["id"])))
        if title is None:
            return Reply(404, NOT_FOUND)
        return Reply(200, watch_providers_json(title))

    def _provider_list(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return Reply(200, provider_list_json(request.arg("watch_region")))

    def _page_number(self, request: RecordedRequest) -> int | None:
        page = request.arg("page", "1") or ""
        if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
            return None
        return int(page)

    def _listing(self, request: RecordedRequest, titles: list[FakeTitle], **options: Any) -> Reply:
        page = self._page_number(request)
        if page is None:
            return Reply(400, INVALID_PAGE)
        language = request.arg("language") or "en-US"
        with_media_type = options.pop("with_media_type", False)
        items = [summary_json(t, language, with_media_type=with_media_type) for t in titles]
        return Reply(200, page_json(items, page, **options))

    def _discover(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return self._listing(request, discover_filter(self.titles.values(), request, match["kind"]))

    def _search(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        query = _normalized(request.arg("query") or "").strip()
        found = []
        if query:
            for title in self.titles.values():
                names = [*title.title.values(), title.original]
                if title.media_type == match["kind"] and any(query in _normalized(n) for n in names):
                    found.append(title)
        found.sort(key=lambda t: (-t.popularity, t.tmdb_id))
        return self._listing(request, found)

    def _related(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        kind = match["kind"]
        title = self.titles.get((kind, int(match["id"])))
        if title is None:
            return Reply(404, NOT_FOUND)
        if match["list"] == "recommendations":
            found = [self.titles[(kind, i)] for i in title.recommendations if (kind, i) in self.titles]
            return self._listing(
                request, found, with_media_type=True, first_page_size=FIRST_RECOMMENDATIONS_PAGE_SIZE
            )
        genres = set(title.genre_ids)
        found = [
            other
            for other in self.titles.values()
            if other.media_type == kind and other is not title and genres & set(other.genre_ids)
        ]
        found.sort(key=lambda t: (-len(genres & set(t.genre_ids)), -t.popularity, t.tmdb_id))
        return self._listing(request, found[: MAX_PAGE * PAGE_SIZE])

    def _find(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if request.arg("external_source") != "imdb_id":
            return Reply(400, MISSING_EXTERNAL_SOURCE)
        language = request.arg("language") or "en-US"
        found = [t for t in self.titles.values() if t.imdb_id == match["external_id"]]
        results = {"movie_results": [], "person_results": [], "tv_results": [], "tv_episode_results": []}
        for title in found:
            results["movie_results" if title.is_movie else "tv_results"].append(
                summary_json(title, language, with_media_type=True)
            )
        return Reply(200, {**results, "tv_season_results": []})


# A deterministic fictional world for end-to-end tests: titles that exist nowhere else.
ADJECTIVES = [
    ("Silent", "silencieux"),
    ("Hidden", "caché"),
    ("Lost", "perdu"),
    ("Forgotten", "oublié"),
    ("Broken", "brisé"),
    ("Wild", "sauvage"),
    ("White", "blanc"),
    ("Black", "noir"),
    ("Red", "rouge"),
    ("Distant", "lointain"),
    ("Secret", "secret"),
    ("Eternal", "éternel"),
    ("Frozen", "glacé"),
    ("Golden", "doré"),
    ("Dark", "sombre"),
    ("Strange", "étrange"),
    ("Sleeping", "endormi"),
    ("Empty", "vide"),
    ("Endless", "infini"),
    ("Burning", "brûlant"),
]
NOUNS = [
    ("Garden", "Jardin"),
    ("Harbour", "Port"),
    ("River", "Fleuve"),
    ("Castle", "Château"),
    ("Mirror", "Miroir"),
    ("Winter", "Hiver"),
    ("Summer", "Été"),
    ("Lighthouse", "Phare"),
    ("Voyage", "Voyage"),
    ("Signal", "Signal"),
    ("Horizon", "Horizon"),
    ("Kingdom", "Royaume"),
    ("Desert", "Désert"),
    ("Ocean", "Océan"),
    ("Village", "Village"),
    ("Train", "Train"),
    ("Orchard", "Verger"),
    ("Bridge", "Pont"),
    ("Dream", "Rêve"),
    ("Wolf", "Loup"),
]
FIRST_NAMES = ["Maren", "Odile", "Tobias", "Ines", "Callum", "Solène", "Ravi", "Hana", "Elio", "Mireille"]
LAST_NAMES = [
    "Holt",
    "Vasseur",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Takeda",
    "Brandt",
    "Quinlan",
    "Roux",
    "Sato",
]
MOVIE_GENRE_IDS = [genre_id for genre_id, _ in MOVIE_GENRES["en"]]
TV_GENRE_IDS = [genre_id for genre_id, _ in TV_GENRES["en"]]
COUNTRIES = ["US", "FR", "GB", "CA", "DE", "BE"]
KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
FIRST_MOVIE_ID = 9_100_000  # far above real TMDB ids, so fake titles never meet real ones
FIRST_TV_ID = 9_600_000
FIRST_IMDB_NUMBER = 80_000_000  # tt80000001…: IMDb has not reached these yet


def _random_key(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(KEY_ALPHABET) for _ in range(length))


def _french_title(noun: str, adjective: str) -> str:
    article = "L'" if noun[0] in "AEÉIOUH" else "Le "
    return f"{article}{noun} {adjective}"


def build_world(
    n_movies: int,
    n_tv: int = 0,
    *,
    years: Sequence[int] = range(2018, 2025),
    seed: int = 0,
    quirks: bool = False,
) -> list[FakeTitle]:
    """`n_movies` films and `n_tv` shows, complete (French titles, trailers in both languages, IMDb
    ratings) and released in `years`; the same arguments always give the same world.

    With `quirks`, some titles carry the holes real data has: "" release dates, null posters, no French
    translation, "N/A" ratings, a teaser but no trailer, unknown runtimes.
    """
    rng = random.Random(seed)
    titles: list[FakeTitle] = []
    names = [(a, n) for a in ADJECTIVES for n in NOUNS]
    rng.shuffle(names)
    for index in range(n_movies + n_tv):
        is_movie = index < n_movies
        number = index if is_movie else index - n_movies
        (adjective_en, adjective_fr), (noun_en, noun_fr) = names[index % len(names)]
        sequel = f" {index // len(names) + 1}" if index >= len(names) else ""
        if is_movie:
            title_en, title_fr = (
                f"The {adjective_en} {noun_en}{sequel}",
                _french_title(noun_fr, adjective_fr) + sequel,
            )
        else:
            title_en, title_fr = f"{adjective_en} {noun_en}{sequel}", f"{noun_fr} {adjective_fr}{sequel}"
        year = years[index % len(years)]
        release = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        kind_en, kind_fr = ("film", "Un film") if is_movie else ("series", "Une série")
        people = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(12)]
        people = list(dict.fromkeys(people))
        original_language = "fr" if rng.random() < 0.2 else "en"
        genre_pool = MOVIE_GENRE_IDS if is_movie else TV_GENRE_IDS
        votes = rng.randint(800, 900_000)
        videos = [
            fake_video(
                _random_key(rng, 11),
                type="Teaser",
                language="en",
                published_at=f"{year - 1}-11-02T15:00:00.000Z",
                name="Teaser",
            ),
            fake_video(_random_key(rng, 11), language="en", published_at=f"{year}-01-15T16:00:00.000Z"),
            fake_video(
                _random_key(rng, 11),
                language="fr",
                published_at=f"{year}-01-20T16:00:00.000Z",
                name="Bande-annonce officielle",
            ),
        ]
        title = FakeTitle(
            media_type="movie" if is_movie else "tv",
            tmdb_id=(FIRST_MOVIE_ID if is_movie else FIRST_TV_ID) + number + 1,
            imdb_id=f"tt{FIRST_IMDB_NUMBER + index + 1}",
            title={"en": title_en, "fr": title_fr},
            overview={
                "en": f"A fictional {year} {kind_en} about a {adjective_en.lower()} {noun_en.lower()}.",
                "fr": f"{kind_fr} imaginaire de {year} : {title_fr}.",
            },
            original_title=title_fr if original_language == "fr" else title_en,
            original_language=original_language,
            release_date=release,
            last_air_date="" if is_movie or rng.random() < 0.5 else f"{year + rng.randint(1, 4)}-06-30",
            number_of_seasons=None if is_movie else rng.randint(1, 6),
            genre_ids=rng.sample(genre_pool, rng.randint(1, 3)),
            runtime=rng.randint(80, 160) if is_movie else rng.randint(22, 60),
            popularity=round(rng.uniform(1, 300), 3),
            vote_count=rng.randint(50, 20_000),
            vote_average=round(rng.uniform(4.5, 8.8), 3),
            videos=videos,
            poster_path=f"/{_random_key(rng, 27)}.jpg",
            directors=people[:1] if is_movie else people[:2],
            cast=people[2:],
            countries=[rng.choice(COUNTRIES)],
            imdb_rating=f"{rng.uniform(4.5, 8.9):.1f}",
            imdb_votes=f"{votes:,}",
            metascore=str(rng.randint(35, 95)) if rng.random() < 0.6 else "N/A",
            rotten_tomatoes=f"{rng.randint(20, 100)}%" if rng.random() < 0.5 else None,
        )
        if quirks:
            _add_quirks(title, index)
        titles.append(title)
    for kind in ("movie", "tv"):
        same_kind = [t.tmdb_id for t in titles if t.media_type == kind]
        for title in titles:
            if title.media_type == kind and len(same_kind) > 1:
                others = [i for i in same_kind if i != title.tmdb_id]
                title.recommendations = rng.sample(others, min(5, len(others)))
    return titles


def _add_quirks(title: FakeTitle, index: int) -> None:
    if index % 17 == 5:
        title.release_date = ""
    if index % 11 == 3:
        title.poster_path = None
    if index % 7 == 2:
        del title.title["fr"]
        del title.overview["fr"]
    if index % 13 == 4:
        title.imdb_rating = title.imdb_votes = "N/A"
    if index % 9 == 6:
        title.videos = [v for v in title.videos if v["type"] != "Trailer"]
    if index % 19 == 8:
        title.runtime = None
