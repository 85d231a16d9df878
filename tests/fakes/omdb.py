"""A fake OMDb answering in OMDb's wire format (shapes as recorded from the real API).

Every value is a string, "N/A" stands for anything missing, `imdbVotes` carries thousands separators
when the title gives them, a series' `Year` joins its years with an en dash (U+2013), and errors come in
the body as {"Response": "False", "Error": ...}: HTTP 200 for unknown titles, 401 for a bad key and for
a spent quota ("Request limit reached!").
"""

import re
import threading

from tests.fakes.http import FakeHttpServer, RecordedRequest, Reply
from tests.fakes.tmdb import COUNTRY_NAMES, LANGUAGE_NAMES, MOVIE_GENRES, TV_GENRES, FakeTitle

MISSING = "N/A"
EN_DASH = "\u2013"  # OMDb's series years: "2011\u20132019", or "2008\u2013" while still running
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
JSON = {"Content-Type": "application/json; charset=utf-8"}  # OMDb puts a space before charset
IMDB_ID = re.compile(r"tt\d{7,}")


def _error(message: str) -> dict[str, str]:
    return {"Response": "False", "Error": message}


def _released(date: str) -> str:
    """ "2001-01-12" -> "12 Jan 2001", as OMDb writes dates."""
    if not date:
        return MISSING
    year, month, day = date.split("-")
    return f"{day} {MONTHS[int(month) - 1]} {year}"


def _joined(values: list[str]) -> str:
    return ", ".join(values) if values else MISSING


def omdb_record(title: FakeTitle) -> dict[str, object]:
    """The record OMDb answers for `?i=<imdb id>`: a movie's or a series' field set, all strings."""
    year = title.release_date[:4] or MISSING
    if not title.is_movie and year != MISSING:
        end = title.last_air_date[:4]
        year = year if end == year else f"{year}{EN_DASH}{end}"
    genre_names = dict(MOVIE_GENRES["en"] + TV_GENRES["en"])
    ratings = []
    if title.imdb_rating != MISSING:
        ratings.append({"Source": "Internet Movie Database", "Value": f"{title.imdb_rating}/10"})
    if title.rotten_tomatoes:
        ratings.append({"Source": "Rotten Tomatoes", "Value": title.rotten_tomatoes})
    if title.metascore != MISSING:
        ratings.append({"Source": "Metacritic", "Value": f"{title.metascore}/100"})
    record: dict[str, object] = {
        "Title": title.title["en"],
        "Year": year,
        "Rated": MISSING,
        "Released": _released(title.release_date),
        "Runtime": f"{title.runtime} min" if title.runtime else MISSING,
        "Genre": _joined([genre_names[g] for g in title.genre_ids if g in genre_names]),
        "Director": _joined(title.directors) if title.is_movie else MISSING,
        "Writer": MISSING if title.is_movie else _joined(title.directors),
        "Actors": _joined(title.cast[:3]),
        "Plot": title.overview.get("en") or MISSING,
        "Language": LANGUAGE_NAMES.get(title.original_language, (MISSING,))[0],
        "Country": _joined([COUNTRY_NAMES.get(c, c) for c in title.countries]),
        "Awards": MISSING,
        "Poster": MISSING,
        "Ratings": ratings,
        "Metascore": title.metascore,
        "imdbRating": title.imdb_rating,
        "imdbVotes": title.imdb_votes,
        "imdbID": title.imdb_id,
        "Type": "movie" if title.is_movie else "series",
    }
    if title.is_movie:
        record.update({"DVD": MISSING, "BoxOffice": MISSING, "Production": MISSING, "Website": MISSING})
    else:
        record["totalSeasons"] = str(title.number_of_seasons) if title.number_of_seasons else MISSING
    record["Response"] = "True"
    return record


class FakeOmdb(FakeHttpServer):
    """OMDb's `GET /?apikey=…&i=tt…` (and `t=` with `type=`) for the titles it is given."""

    def __init__(self, *, api_key: str = "test-omdb-key", seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.api_key = api_key
        self.titles: dict[str, FakeTitle] = {}
        self.quota_left: int | None = None  # None: unlimited; 0: "Request limit reached!"
        self._quota_lock = threading.Lock()
        self.route("/", self._lookup)

    def add(self, *titles: FakeTitle) -> None:
        for title in titles:
            if title.imdb_id:
                self.titles[title.imdb_id] = title

    def not_found(self, request: RecordedRequest) -> Reply:
        return Reply(404, "<html><body><h1>404 Not Found</h1></body></html>", {"Content-Type": "text/html"})

    def failure(self, kind: str, request: RecordedRequest) -> Reply:
        if kind == "429":  # OMDb itself never says 429, its CDN in front does
            return Reply(429, "error code: 1015", headers={"Retry-After": str(self.retry_after)})
        if kind == "500":
            return Reply(
                500,
                "<html><head><title>Runtime Error</title></head><body>Server Error in '/' Application."
                "</body></html>",
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        return super().failure(kind, request)

    def _spend_quota(self) -> bool:
        with self._quota_lock:
            if self.quota_left is None:
                return True
            if self.quota_left <= 0:
                return False
            self.quota_left -= 1
            return True

    def _lookup(self, request: RecordedRequest) -> Reply:
        api_key = request.arg("apikey")
        if not api_key:
            return Reply(401, _error("No API key provided."), JSON)
        if api_key != self.api_key:
            return Reply(401, _error("Invalid API key!"), JSON)
        if not self._spend_quota():
            return Reply(401, _error("Request limit reached!"), JSON)
        if (imdb_id := request.arg("i")) is not None:
            title = self.titles.get(imdb_id) if IMDB_ID.fullmatch(imdb_id) else None
            if title is None:
                return Reply(200, _error("Incorrect IMDb ID."), JSON)
            return Reply(200, omdb_record(title), JSON)
        if name := request.arg("t"):
            wanted_type = request.arg("type")
            for title in self.titles.values():
                kind = "movie" if title.is_movie else "series"
                if title.title["en"].casefold() == name.casefold() and wanted_type in (None, kind):
                    return Reply(200, omdb_record(title), JSON)
            return Reply(
                200, _error("Series not found!" if wanted_type == "series" else "Movie not found!"), JSON
            )
        return Reply(200, _error("Something went wrong."), JSON)
