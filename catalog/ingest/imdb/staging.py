"""Staging: the files streamed into temporary tables (one transaction per file), the catalog untouched.

imdb_fr holds every region-FR title of title.akas; imdb_ratings, title.ratings; imdb_titles and
imdb_genres, the movies and series of title.basics with their French title, search column and TMDB genre
ids. The merge (`merge.py`) then works set-wise on these tables.
"""

from collections.abc import Sequence
from types import TracebackType
from typing import Any, NamedTuple

from django.db import connection, transaction

from catalog.genres import SOURCE_GENRES, tmdb_genre_ids
from catalog.ingest.imdb.reader import BASICS, NULL, TsvFile, parse_int, parse_text, progress_bar
from catalog.ingest.imdb.report import ImdbImportReport
from catalog.models import MediaType, is_imdb_id, search_columns
from catalog.validators import FIRST_FILM_YEAR, latest_year
from core.db import bulk_insert

KEPT_TYPES = {"movie": MediaType.MOVIE, "tvSeries": MediaType.TV, "tvMiniSeries": MediaType.TV}
FRENCH_REGION = "FR"
STAGE_BATCH = 5000  # basics rows per French-title look-up and staging write


class Staging:
    """Temporary tables on this connection: COPY into them on PostgreSQL, batched executemany on SQLite.

    imdb_fr, imdb_ratings, imdb_titles, imdb_genres: what the files hold; imdb_matched: the catalog's titles
    they speak of; imdb_changes: changed existing titles, for one UPDATE … FROM per batch (PostgreSQL).
    """

    TABLES = {
        "imdb_fr": "title_id varchar(16), ordering integer, display integer, title text",
        "imdb_ratings": "tconst varchar(16), rating numeric(3,1), votes integer",
        "imdb_titles": "seq integer PRIMARY KEY, tconst varchar(16), media_type varchar(5), title_en text, "
        "title_fr text, original_title text, year integer, first_air_year integer, last_air_year integer, "
        "runtime integer, genres text, search_title text",
        "imdb_genres": "seq integer, tmdb_id integer",
        "imdb_matched": "title_id bigint PRIMARY KEY, tconst varchar(16), seq integer",
        "imdb_changes": "id bigint, media_type varchar(5), title_en text, title_fr text, "
        "original_title text, year integer, first_air_year integer, last_air_year integer, runtime integer, "
        "imdb_rating numeric(3,1), imdb_votes integer, rating_source_id bigint, rating_as_of date, "
        "search_title text, search_people text, updated_at timestamp with time zone",
    }

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def __enter__(self) -> "Staging":
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns in self.TABLES.items():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            bulk_insert(table, columns, rows)

    def index(self, table: str, columns: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {table}_{columns.replace(', ', '_')}_idx ON {table} ({columns})")
            cursor.execute(f"ANALYZE {table}")  # temporary tables are never analyzed by autovacuum

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def stage_akas(akas: TsvFile, staging: Staging, report: ImdbImportReport, *, progress: bool) -> None:
    """French titles: every akas row of region FR (the best one per title is chosen when looked up)."""
    col = akas.column
    title_id, ordering, title, region, types = (
        col[c] for c in ("titleId", "ordering", "title", "region", "types")
    )
    batch: list[tuple[str, int, int, str]] = []
    with transaction.atomic(), progress_bar(akas.size, akas.path.name, progress=progress) as bar:
        # Most of the tens of millions of akas rows are of other regions: skip them without splitting.
        for fields in akas.rows(bar, containing=FRENCH_REGION):
            if fields[region] != FRENCH_REGION:
                continue
            name, order = parse_text(fields[title]), parse_int(fields[ordering], high=2**31 - 1)
            if not name or order is None:
                continue
            display = 1 if "imdbDisplay" in fields[types] else 0
            batch.append((fields[title_id], order, display, name))
            if len(batch) >= STAGE_BATCH:
                staging.write("imdb_fr", ("title_id", "ordering", "display", "title"), batch)
                report.fr_rows += len(batch)
                batch = []
        staging.write("imdb_fr", ("title_id", "ordering", "display", "title"), batch)
        report.fr_rows += len(batch)
        staging.index("imdb_fr", "title_id")


def stage_ratings(ratings: TsvFile, staging: Staging, *, progress: bool) -> None:
    col = ratings.column
    tconst, average, votes = col["tconst"], col["averageRating"], col["numVotes"]
    batch: list[tuple[str, str, int]] = []
    with transaction.atomic(), progress_bar(ratings.size, ratings.path.name, progress=progress) as bar:
        for fields in ratings.rows(bar):
            rating, count = fields[average], parse_int(fields[votes], low=0, high=2**31 - 1)
            try:
                valid = 0 <= float(rating) <= 10
            except ValueError:
                valid = False
            if not valid or count is None:
                ratings.malformed_lines += 1
                continue
            batch.append((fields[tconst], rating, count))
            if len(batch) >= STAGE_BATCH:
                staging.write("imdb_ratings", ("tconst", "rating", "votes"), batch)
                batch = []
        staging.write("imdb_ratings", ("tconst", "rating", "votes"), batch)
        staging.index("imdb_ratings", "tconst")


class _BasicsRow(NamedTuple):  # a NamedTuple: built millions of times, and cheaply
    tconst: str
    media_type: str
    title_en: str
    original_title: str
    year: int | None
    end_year: int | None
    runtime: int | None
    genre_ids: tuple[int, ...]


class _GenreMapper:
    """IMDb's genre list → TMDB genre ids, per media type; a few thousand distinct lists, cached."""

    def __init__(self, report: ImdbImportReport) -> None:
        self.report = report
        self.cache: dict[tuple[str, str], tuple[tuple[int, ...], tuple[str, ...]]] = {}

    def __call__(self, media_type: str, genres: str) -> tuple[int, ...]:
        found = self.cache.get((media_type, genres))
        if found is None:
            names = [] if genres == NULL else genres.split(",")
            table = SOURCE_GENRES[MediaType(media_type)]
            unknown = tuple(n for n in names if n.strip() and n.strip() not in table)
            known = [n for n in names if n.strip() in table]
            found = self.cache[(media_type, genres)] = (
                tuple(tmdb_genre_ids(known, media_type=media_type)),
                unknown,
            )
        ids, unknown = found
        if unknown:  # a genre IMDb added since catalog/genres.py was written: counted, never guessed
            self.report.unknown_genres.update(unknown)
        return ids


def stage_basics(
    basics: TsvFile, staging: Staging, report: ImdbImportReport, *, has_akas: bool, progress: bool
) -> None:
    col = basics.column
    tconst, kind, primary, original, adult, start, end, runtime, genres = (col[c] for c in BASICS.columns)
    genre_ids = _GenreMapper(report)
    pending: list[_BasicsRow] = []
    seq = 0
    first_year, last_year = FIRST_FILM_YEAR, latest_year()  # the validators' bounds (catalog/validators.py)
    with transaction.atomic(), progress_bar(basics.size, basics.path.name, progress=progress) as bar:
        for fields in basics.rows(bar):
            media_type = KEPT_TYPES.get(fields[kind])
            if media_type is None:
                report.skipped[f"title type {fields[kind]}"] += 1
                continue
            if fields[adult] == "1":
                report.skipped["adult"] += 1
                continue
            if fields[adult] != "0":
                basics.malformed_lines += 1
                continue
            title_en = parse_text(fields[primary])
            if not title_en:
                report.skipped["no title"] += 1
                continue
            if not is_imdb_id(fields[tconst]):
                report.skipped["malformed IMDb id"] += 1
                continue
            year, end_year = parse_int(fields[start]), parse_int(fields[end])
            if year is not None and not first_year <= year <= last_year:
                report.repaired["year"] += 1
                year = None
            if end_year is not None and (year is None or not year <= end_year <= last_year):
                report.repaired["last_air_year"] += media_type == MediaType.TV  # a movie's is not kept
                end_year = None
            pending.append(
                _BasicsRow(
                    tconst=fields[tconst],
                    media_type=media_type,
                    title_en=title_en,
                    original_title=parse_text(fields[original]),
                    year=year,
                    end_year=end_year,
                    runtime=parse_int(fields[runtime]),
                    genre_ids=genre_ids(media_type, fields[genres]),
                )
            )
            if len(pending) >= STAGE_BATCH:
                seq = _write_basics(pending, seq, staging, has_akas=has_akas)
                pending = []
        _write_basics(pending, seq, staging, has_akas=has_akas)
        staging.index("imdb_titles", "tconst")
        staging.index("imdb_genres", "seq")


def _french_titles(tconsts: list[str], staging: Staging) -> dict[str, str]:
    """The French title of each title that has one: its region-FR display title, else the lowest ordering."""
    placeholders = ", ".join(["%s"] * len(tconsts))
    rows = staging.fetch(
        f"SELECT title_id, title FROM imdb_fr WHERE title_id IN ({placeholders}) "  # noqa: S608
        "ORDER BY title_id, display DESC, ordering",
        tconsts,
    )
    best: dict[str, str] = {}
    for title_id, title in rows:
        best.setdefault(title_id, title)
    return best


def _write_basics(rows: list[_BasicsRow], seq: int, staging: Staging, *, has_akas: bool) -> int:
    if not rows:
        return seq
    french = _french_titles([r.tconst for r in rows], staging) if has_akas else {}
    titles, genres = [], []
    for row in rows:
        seq += 1
        title_fr = french.get(row.tconst, "")
        tv = row.media_type == MediaType.TV
        search_title, _people = search_columns(
            title_en=row.title_en, title_fr=title_fr, original_title=row.original_title
        )
        titles.append(
            (
                seq,
                row.tconst,
                row.media_type,
                row.title_en,
                title_fr,
                row.original_title,
                row.year,
                row.year if tv else None,
                row.end_year if tv else None,
                row.runtime,
                ",".join(map(str, row.genre_ids)),
                search_title,
            )
        )
        genres += [(seq, genre_id) for genre_id in row.genre_ids]
    staging.write(
        "imdb_titles",
        (
            "seq",
            "tconst",
            "media_type",
            "title_en",
            "title_fr",
            "original_title",
            "year",
            "first_air_year",
            "last_air_year",
            "runtime",
            "genres",
            "search_title",
        ),
        titles,
    )
    staging.write("imdb_genres", ("seq", "tmdb_id"), genres)
    return seq
