"""Import of IMDb's non-commercial dataset files: millions of movies and TV shows without any API.

    title.basics   tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres
    title.ratings  tconst averageRating numVotes
    title.akas     titleId ordering title region language types attributes isOriginalTitle

Gzipped TSV with a header row and `\\N` for null (https://developer.imdb.com/non-commercial-datasets/).

How: every file's header is checked before anything is written. The files are then streamed line by line
(constant memory) into temporary staging tables — PostgreSQL COPY, batched executemany on SQLite — one
transaction per file. The catalog is not touched until all of them have been read to the end, so a missing,
corrupt or truncated file leaves it as it was. The merge is one transaction: titles already in the catalog
(matched by IMDb id) get current ratings and only fill their blanks; new titles are inserted set-wise
(INSERT … SELECT … ON CONFLICT DO NOTHING) with their genre links; then the ranking scores are recomputed.
A second run with the same files changes nothing.
"""

import gzip
import io
import logging
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from catalog import sources
from catalog.genre_mapping import SOURCE_GENRES, tmdb_genre_ids
from catalog.models import DataSource, Genre, MediaType, Title
from catalog.services import data_source_sync, genres_import, titles_rescore

logger = logging.getLogger(__name__)

NULL = "\\N"  # IMDb's null, in every column
GZIP_MAGIC = b"\x1f\x8b"
KEPT_TYPES = {"movie": MediaType.MOVIE, "tvSeries": MediaType.TV, "tvMiniSeries": MediaType.TV}
FRENCH_REGION = "FR"
STAGE_BATCH = 5000  # basics rows per French-title look-up and staging write
INSERT_BATCH = 25_000  # new titles per INSERT … SELECT
UPDATE_BATCH = 2000  # existing titles compared per round trip
PROGRESS_EVERY = 1 << 16  # lines between progress-bar updates
MAX_SMALLINT = 32767  # PositiveSmallIntegerField's ceiling (IMDb lists a few runtimes of 50,000+ minutes)
TITLE_LENGTH = Title._meta.get_field("title_en").max_length


class ImdbDatasetError(Exception):
    """A dataset file that cannot be imported as given: missing, not gzip, wrong header, corrupt."""


@dataclass(frozen=True)
class DatasetFile:
    name: str
    columns: tuple[str, ...]  # as IMDb documents them; the header must hold every one (in any order)


BASICS = DatasetFile(
    "title.basics",
    (
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ),
)
RATINGS = DatasetFile("title.ratings", ("tconst", "averageRating", "numVotes"))
AKAS = DatasetFile(
    "title.akas",
    ("titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"),
)


@dataclass
class ImdbImportReport:
    as_of: date | None = None
    lines: Counter[str] = field(default_factory=Counter)  # data lines read, per file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ratings_changed: int = 0  # titles whose IMDb rating, votes or date changed
    fr_titles: int = 0  # French titles given to new titles or filled into existing ones
    fr_rows: int = 0  # region-FR rows found in title.akas
    skipped: Counter[str] = field(default_factory=Counter)  # reason → count
    unknown_genres: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)  # per phase: each file's staging, merge, rescore

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.seconds[phase] = self.seconds.get(phase, 0.0) + time.monotonic() - started

    @property
    def rows_read(self) -> int:
        return sum(self.lines.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.elapsed if self.elapsed else 0.0


def file_date(path: Path) -> date:
    """The day a downloaded file was written (UTC): the date its ratings are "as of"."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


# ---------------------------------------------------------------- reading


# What a damaged download raises while it is read: bad gzip data or CRC, early end, invalid UTF-8.
_READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError)


class TsvFile:
    """One dataset file, opened with its header checked; `rows()` streams the fields of each data line."""

    def __init__(self, path: Path, spec: DatasetFile) -> None:
        self.path, self.spec = path, spec
        if not path.is_file():
            raise ImdbDatasetError(f"{spec.name}: no such file: {path}")
        self.size = path.stat().st_size
        self.lines = 0
        self.malformed_lines = 0
        self.raw = path.open("rb")
        try:
            if self.raw.read(2) != GZIP_MAGIC:
                raise ImdbDatasetError(
                    f"{spec.name}: {path} is not gzip-compressed (expected {spec.name}.tsv.gz)."
                )
            self.raw.seek(0)
            self.text = io.TextIOWrapper(gzip.GzipFile(fileobj=self.raw), encoding="utf-8", newline="\n")
            header = self._read(self.text.readline).rstrip("\r\n").split("\t")
        except BaseException:
            self.raw.close()
            raise
        missing = [c for c in spec.columns if c not in header]
        if missing:
            self.raw.close()
            raise ImdbDatasetError(
                f"{spec.name}: {path} does not have {spec.name}'s header (missing {', '.join(missing)}; "
                f"found {' '.join(header)[:200]!r})."
            )
        self.column = {name: header.index(name) for name in spec.columns}
        self.width = len(header)

    def __enter__(self) -> "TsvFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()

    def _read(self, read: Callable[[], str]) -> str:
        try:
            return read()
        except _READ_ERRORS as exc:
            raise self._corrupt(exc) from exc

    def _corrupt(self, exc: Exception) -> ImdbDatasetError:
        return ImdbDatasetError(
            f"{self.spec.name}: {self.path} is corrupt or truncated after line {self.lines + 1} ({exc})."
        )

    def rows(self, bar: tqdm, *, containing: str | None = None) -> Iterator[list[str]]:
        """Each data line's fields; lines without `containing` are passed over unsplit (the fast path)."""
        width = self.width
        try:
            # Only this generator's own reading is guarded: the caller's errors are not raised in here.
            for line in self.text:
                self.lines += 1
                if not self.lines % PROGRESS_EVERY:
                    bar.update(self.raw.tell() - bar.n)
                if containing is not None and containing not in line:
                    continue
                fields = line.rstrip("\r\n").split("\t")
                if len(fields) != width:
                    self.malformed_lines += 1
                    continue
                yield fields
        except _READ_ERRORS as exc:
            raise self._corrupt(exc) from exc
        bar.update(self.size - bar.n)


def _int(value: str, *, low: int = 1, high: int = MAX_SMALLINT) -> int | None:
    """IMDb's number, or None for `\\N`, junk, and values our columns cannot hold."""
    if value == NULL:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def _text(value: str) -> str:
    return "" if value == NULL else value.strip()[:TITLE_LENGTH]


class _SearchColumns:
    """Just the attributes Title's search columns are made of, filled by Title's own code.

    Building a model instance costs ~20 µs, too slow for millions of rows; borrowing the model's
    `names`, `people` and `refresh_search_fields` keeps one definition of what search sees.
    """

    __slots__ = (
        "alternate_titles",
        "cast",
        "directors",
        "original_title",
        "search_people",
        "search_title",
        "title_en",
        "title_fr",
        "writers",
    )
    names = Title.names
    people = Title.people
    refresh_search_fields = Title.refresh_search_fields

    def __init__(
        self,
        *,
        title_en: str,
        title_fr: str,
        original_title: str,
        alternate_titles: Sequence[str] = (),
        directors: Sequence[str] = (),
        writers: Sequence[str] = (),
        cast: Sequence[str] = (),
    ) -> None:
        self.title_en = title_en
        self.title_fr = title_fr
        self.original_title = original_title
        self.alternate_titles = alternate_titles
        self.directors = directors
        self.writers = writers
        self.cast = cast
        self.refresh_search_fields()


# ---------------------------------------------------------------- staging tables


class _Staging:
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

    def __enter__(self) -> "_Staging":
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
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                    rows,
                )

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


def _bar(total: int, desc: str, *, progress: bool, unit: str = "B") -> tqdm:
    scale = unit == "B"
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=scale, unit_divisor=1024, disable=not progress)


def _stage_akas(akas: TsvFile, staging: _Staging, report: ImdbImportReport, *, progress: bool) -> None:
    """French titles: every akas row of region FR (the best one per title is chosen when looked up)."""
    col = akas.column
    title_id, ordering, title, region, types = (
        col[c] for c in ("titleId", "ordering", "title", "region", "types")
    )
    batch: list[tuple[str, int, int, str]] = []
    with transaction.atomic(), _bar(akas.size, akas.path.name, progress=progress) as bar:
        # Most of the tens of millions of akas rows are of other regions: skip them without splitting.
        for fields in akas.rows(bar, containing=FRENCH_REGION):
            if fields[region] != FRENCH_REGION:
                continue
            name, order = _text(fields[title]), _int(fields[ordering], high=2**31 - 1)
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


def _stage_ratings(ratings: TsvFile, staging: _Staging, *, progress: bool) -> None:
    col = ratings.column
    tconst, average, votes = col["tconst"], col["averageRating"], col["numVotes"]
    batch: list[tuple[str, str, int]] = []
    with transaction.atomic(), _bar(ratings.size, ratings.path.name, progress=progress) as bar:
        for fields in ratings.rows(bar):
            rating, count = fields[average], _int(fields[votes], low=0, high=2**31 - 1)
            try:
                valid = 0 <= float(rating) <= 10 and count is not None
            except ValueError:
                valid = False
            if not valid:
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
        if unknown:  # a genre IMDb added since genre_mapping.py was written: counted, never guessed
            self.report.unknown_genres.update(unknown)
        return ids


def _stage_basics(
    basics: TsvFile, staging: _Staging, report: ImdbImportReport, *, has_akas: bool, progress: bool
) -> None:
    col = basics.column
    tconst, kind, primary, original, adult, start, end, runtime, genres = (col[c] for c in BASICS.columns)
    genre_ids = _GenreMapper(report)
    pending: list[_BasicsRow] = []
    seq = 0
    with transaction.atomic(), _bar(basics.size, basics.path.name, progress=progress) as bar:
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
            title_en = _text(fields[primary])
            if not title_en:
                report.skipped["no title"] += 1
                continue
            pending.append(
                _BasicsRow(
                    tconst=fields[tconst],
                    media_type=media_type,
                    title_en=title_en,
                    original_title=_text(fields[original]),
                    year=_int(fields[start]),
                    end_year=_int(fields[end]),
                    runtime=_int(fields[runtime]),
                    genre_ids=genre_ids(media_type, fields[genres]),
                )
            )
            if len(pending) >= STAGE_BATCH:
                seq = _write_basics(pending, seq, staging, has_akas=has_akas)
                pending = []
        _write_basics(pending, seq, staging, has_akas=has_akas)
        staging.index("imdb_titles", "tconst")
        staging.index("imdb_genres", "seq")


def _french_titles(tconsts: list[str], staging: _Staging) -> dict[str, str]:
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


def _write_basics(rows: list[_BasicsRow], seq: int, staging: _Staging, *, has_akas: bool) -> int:
    if not rows:
        return seq
    french = _french_titles([r.tconst for r in rows], staging) if has_akas else {}
    titles, genres = [], []
    for row in rows:
        seq += 1
        title_fr = french.get(row.tconst, "")
        tv = row.media_type == MediaType.TV
        search = _SearchColumns(title_en=row.title_en, title_fr=title_fr, original_title=row.original_title)
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
                search.search_title,
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


# ---------------------------------------------------------------- merging into the catalog

# What the import may write on a title that is already in the catalog.
_NAME_FIELDS = ("title_en", "title_fr", "original_title")
_FILLED_FIELDS = (*_NAME_FIELDS, "year", "runtime")
_TV_FIELDS = ("first_air_year", "last_air_year")
_RATING_FIELDS = ("imdb_rating", "imdb_votes", "rating_source_id", "rating_as_of")
_UPDATED_FIELDS = (
    "media_type",
    *_FILLED_FIELDS,
    *_TV_FIELDS,
    *_RATING_FIELDS,
    "search_title",
    "search_people",
    "updated_at",
)
_CURRENT_FIELDS = (
    "pk",
    "media_type",
    *_FILLED_FIELDS,
    *_TV_FIELDS,
    *_RATING_FIELDS,
    "search_title",
    "search_people",
    "source_id",
    "cache_update_date",
)
_PEOPLE_FIELDS = ("alternate_titles", "directors", "writers", "cast")  # read only for renamed titles


@dataclass(frozen=True)
class _Imported:
    """What the files say about one title already in the catalog (`basics` None: only its rating)."""

    basics: dict[str, Any] | None
    genre_ids: tuple[int, ...]
    rating: Decimal | None
    votes: int | None


def _changes(
    current: dict[str, Any], imported: _Imported, *, source: DataSource, as_of: date
) -> dict[str, Any]:
    """The fields to write on an existing title.

    Titles this import created (and nobody has refreshed from TMDB since) follow the files; any other
    title only has its blanks filled, so richer data (the embedded catalog's, TMDB's) is never overwritten.
    The rating is replaced unless the title holds a more recent one (e.g. from OMDb).
    """
    owned = current["source_id"] == source.pk and current["cache_update_date"] is None
    changes: dict[str, Any] = {}
    if imported.basics is not None:
        if owned and imported.basics["media_type"] != current["media_type"]:
            changes["media_type"] = imported.basics["media_type"]
        media_type = changes.get("media_type", current["media_type"])
        fields = (*_FILLED_FIELDS, *(_TV_FIELDS if media_type == MediaType.TV else ()))
        for name in fields:
            new = imported.basics[name]
            if new not in (None, "") and new != current[name] and (owned or current[name] in (None, "")):
                changes[name] = new
    if imported.rating is not None and (current["rating_as_of"] is None or current["rating_as_of"] <= as_of):
        rated = {
            "imdb_rating": imported.rating,
            "imdb_votes": imported.votes,
            "rating_source_id": source.pk,
            "rating_as_of": as_of,
        }
        changes |= {name: value for name, value in rated.items() if current[name] != value}
    return changes


class _Merger:
    def __init__(self, staging: _Staging, report: ImdbImportReport, *, as_of: date, progress: bool) -> None:
        self.staging, self.report, self.as_of, self.progress = staging, report, as_of, progress
        self.now = timezone.now()
        self.links = Title.genres.through

    def run(self) -> None:
        if self.staging.postgres:
            # Idempotent: were the server to crash right after the commit, a re-run redoes the import,
            # so the commit need not wait for the disk.
            self.staging.execute("SET LOCAL synchronous_commit = off")
        self.source = data_source_sync(
            replace(sources.IMDB_DATASETS, data_as_of=self.as_of.isoformat()), loaded=True
        )
        if not Genre.objects.exists():
            genres_import(live=False)
        self.genre_pk = dict(Genre.objects.values_list("tmdb_id", "pk"))
        with self.report.timed("merge: match"):
            self._match()
        staged = self.staging.fetch("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM imdb_titles")[0]
        matched = self.staging.fetch("SELECT COUNT(*), COUNT(seq) FROM imdb_matched")[0]
        with _bar(
            matched[0] + staged[0] - matched[1], "Merging", progress=self.progress, unit="title"
        ) as bar:
            with self.report.timed("merge: existing titles"):
                self._update_existing(bar)
            self._insert_new(staged[1], bar)
        self.report.fr_titles += self.staging.fetch(
            "SELECT COUNT(*) FROM imdb_titles s WHERE s.title_fr <> '' "
            "AND NOT EXISTS (SELECT 1 FROM imdb_matched m WHERE m.tconst = s.tconst)"
        )[0][0]
        self.report.skipped["rating of a title not imported"] = self.staging.fetch(
            f"SELECT COUNT(*) FROM imdb_ratings r WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {Title._meta.db_table} t WHERE t.imdb_id = r.tconst)"
        )[0][0]
        if self.report.created or self.report.updated:
            with self.report.timed("rescore"):
                for media_type in MediaType:
                    titles_rescore(media_type=media_type)

    def _match(self) -> None:
        """The catalog's titles the files speak of: by basics row, or (other IMDb types) by rating only."""
        table = Title._meta.db_table
        self.staging.execute(
            "INSERT INTO imdb_matched (title_id, tconst, seq) "  # noqa: S608
            f"SELECT t.id, s.tconst, MIN(s.seq) FROM imdb_titles s JOIN {table} t ON t.imdb_id = s.tconst "
            "GROUP BY t.id, s.tconst"
        )
        self.staging.execute(
            "INSERT INTO imdb_matched (title_id, tconst, seq) "  # noqa: S608
            f"SELECT t.id, t.imdb_id, NULL FROM {table} t WHERE t.imdb_id IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM imdb_ratings r WHERE r.tconst = t.imdb_id) "
            "AND NOT EXISTS (SELECT 1 FROM imdb_matched m WHERE m.title_id = t.id)"
        )
        self.staging.index("imdb_matched", "tconst")

    # -------------------------------------------------------- titles already in the catalog

    def _update_existing(self, bar: tqdm) -> None:
        last = 0
        while rows := self.staging.fetch(
            "SELECT m.title_id, s.media_type, s.title_en, s.title_fr, s.original_title, s.year, "
            "s.first_air_year, s.last_air_year, s.runtime, s.genres, r.rating, r.votes "
            "FROM imdb_matched m LEFT JOIN imdb_titles s ON s.seq = m.seq "
            "LEFT JOIN imdb_ratings r ON r.tconst = m.tconst "
            "WHERE m.title_id > %s ORDER BY m.title_id LIMIT %s",
            [last, UPDATE_BATCH],
        ):
            last = rows[-1][0]
            imported = {row[0]: self._imported(row) for row in rows}
            self._update_batch(imported)
            bar.update(len(imported))

    @staticmethod
    def _imported(row: tuple[Any, ...]) -> _Imported:
        (
            _pk,
            media_type,
            title_en,
            title_fr,
            original,
            year,
            first_air,
            last_air,
            runtime,
            genres,
            rating,
            votes,
        ) = row
        basics = None
        if media_type is not None:
            basics = {
                "media_type": media_type,
                "title_en": title_en,
                "title_fr": title_fr,
                "original_title": original,
                "year": year,
                "first_air_year": first_air,
                "last_air_year": last_air,
                "runtime": runtime,
            }
        return _Imported(
            basics=basics,
            genre_ids=tuple(int(g) for g in genres.split(",") if g) if genres else (),
            rating=None if rating is None else Decimal(str(rating)),
            votes=votes,
        )

    def _update_batch(self, imported: dict[int, _Imported]) -> None:
        current = {
            row["pk"]: row
            for row in Title.objects.select_for_update().filter(pk__in=imported).values(*_CURRENT_FIELDS)
        }
        have: dict[int, set[int]] = {}
        for title_id, genre_id in self.links.objects.filter(title_id__in=current).values_list(
            "title_id", "genre_id"
        ):
            have.setdefault(title_id, set()).add(genre_id)
        changed: dict[int, dict[str, Any]] = {}
        add: list[tuple[int, int]] = []
        remove: list[tuple[int, int]] = []
        for pk, title in current.items():
            files = imported[pk]
            changes = _changes(title, files, source=self.source, as_of=self.as_of)
            links_add, links_remove = self._link_changes(title, files, have.get(pk, set()))
            add += [(pk, g) for g in links_add]
            remove += [(pk, g) for g in links_remove]
            if not changes and not links_add and not links_remove:
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            self.report.fr_titles += "title_fr" in changes
            self.report.ratings_changed += any(name in changes for name in _RATING_FIELDS)
            changed[pk] = title | changes | {"updated_at": self.now}
        renamed = [
            pk for pk, title in changed.items() if any(title[n] != current[pk][n] for n in _NAME_FIELDS)
        ]
        for people in Title.objects.filter(pk__in=renamed).values("pk", *_PEOPLE_FIELDS):
            title = changed[people.pop("pk")]
            search = _SearchColumns(**{name: title[name] for name in _NAME_FIELDS}, **people)
            title |= {"search_title": search.search_title, "search_people": search.search_people}
        self._write_updates(
            [
                [pk, *(self._prep(name, title[name]) for name in _UPDATED_FIELDS)]
                for pk, title in changed.items()
            ]
        )
        self.links.objects.bulk_create(
            [self.links(title_id=t, genre_id=g) for t, g in add], ignore_conflicts=True
        )
        if remove:
            pairs = Q()
            for title_id, genre_id in remove:
                pairs |= Q(title_id=title_id, genre_id=genre_id)
            self.links.objects.filter(pairs).delete()

    def _link_changes(
        self, title: dict[str, Any], files: _Imported, have: set[int]
    ) -> tuple[set[int], set[int]]:
        """Genres follow the files on titles this import owns; another title gets them only if it has none."""
        if files.basics is None:
            return set(), set()
        wanted = {self.genre_pk[g] for g in files.genre_ids if g in self.genre_pk}
        owned = title["source_id"] == self.source.pk and title["cache_update_date"] is None
        if owned:
            return wanted - have, have - wanted
        return (wanted, set()) if not have else (set(), set())

    @staticmethod
    def _prep(name: str, value: Any) -> Any:
        return Title._meta.get_field(name).get_db_prep_save(value, connection)

    def _write_updates(self, updates: list[list[Any]]) -> None:
        if not updates:
            return
        table = Title._meta.db_table
        quote = connection.ops.quote_name
        columns = [quote(Title._meta.get_field(name).column) for name in _UPDATED_FIELDS]
        if self.staging.postgres:
            # imdb_changes names its columns as the title table does
            self.staging.write("imdb_changes", ["id", *_UPDATED_FIELDS], updates)
            assignments = ", ".join(f"{c} = c.{c}" for c in columns)
            self.staging.execute(
                f"UPDATE {table} AS t SET {assignments} FROM imdb_changes AS c WHERE t.id = c.id"  # noqa: S608
            )
            self.staging.execute("TRUNCATE imdb_changes")
            return
        assignments = ", ".join(f"{c} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [[*row[1:], row[0]] for row in updates],
            )

    # -------------------------------------------------------- new titles

    def _insert_new(self, last_seq: int, bar: tqdm) -> None:
        """INSERT … SELECT from the staging tables, a slice at a time; defaults from the model's fields."""
        table, links = Title._meta.db_table, self.links._meta.db_table
        columns, expressions, params = self._insert_columns()
        quote = connection.ops.quote_name
        new = "NOT EXISTS (SELECT 1 FROM imdb_matched m WHERE m.tconst = s.tconst)"  # not in the catalog
        insert = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"SELECT {', '.join(expressions)} "
            "FROM imdb_titles s LEFT JOIN imdb_ratings r ON r.tconst = s.tconst "
            f"WHERE s.seq BETWEEN %s AND %s AND {new} "
            "ON CONFLICT DO NOTHING"  # a title someone else created meanwhile
        )
        # The new title's id by a scalar subquery, one index probe per row: the planner's statistics on the
        # title table predate this transaction's inserts and would have it hash the whole table per slice.
        link = (
            f"INSERT INTO {links} (title_id, genre_id) "  # noqa: S608
            f"SELECT x.title_id, g.id FROM (SELECT (SELECT t.id FROM {table} t WHERE t.imdb_id = s.tconst) "
            "AS title_id, sg.tmdb_id FROM imdb_genres sg JOIN imdb_titles s ON s.seq = sg.seq "
            f"WHERE sg.seq BETWEEN %s AND %s AND {new}) x "
            f"JOIN {Genre._meta.db_table} g ON g.tmdb_id = x.tmdb_id WHERE x.title_id IS NOT NULL "
            "ON CONFLICT DO NOTHING"
        )
        for start in range(1, last_seq + 1, INSERT_BATCH):
            stop = min(start + INSERT_BATCH - 1, last_seq)
            with self.report.timed("merge: new titles"):
                created = self.staging.execute(insert, [*params, start, stop])
            with self.report.timed("merge: new genre links"):
                self.staging.execute(link, [start, stop])
            self.report.created += created
            bar.update(stop - start + 1 - self._matched_between(start, stop))

    def _matched_between(self, start: int, stop: int) -> int:
        return self.staging.fetch(
            "SELECT COUNT(*) FROM imdb_matched WHERE seq BETWEEN %s AND %s", [start, stop]
        )[0][0]

    def _insert_columns(self) -> tuple[list[str], list[str], list[Any]]:
        """Every column of the title table: from the staging tables, or the model field's default."""
        staged = {
            "media_type": "s.media_type",
            "imdb_id": "s.tconst",
            "source_key": "s.tconst",
            "title_en": "s.title_en",
            "title_fr": "s.title_fr",
            "original_title": "s.original_title",
            "year": "s.year",
            "first_air_year": "s.first_air_year",
            "last_air_year": "s.last_air_year",
            "runtime": "s.runtime",
            "search_title": "s.search_title",
            "imdb_rating": "r.rating",
            "imdb_votes": "r.votes",
        }
        if_rated = {"rating_source_id": self.source.pk, "rating_as_of": self.as_of}
        given = {"source_id": self.source.pk, "created_at": self.now, "updated_at": self.now}
        columns, expressions, params = [], [], []
        for model_field in Title._meta.concrete_fields:
            if model_field.primary_key:
                continue
            name = model_field.attname
            columns.append(model_field.column)
            if name in staged:
                expressions.append(staged[name])
            elif name in if_rated:
                expressions.append("CASE WHEN r.tconst IS NULL THEN NULL ELSE %s END")
                params.append(self._prep(name, if_rated[name]))
            else:
                expressions.append("%s")
                params.append(self._prep(name, given[name] if name in given else model_field.get_default()))
        return columns, expressions, params


# ---------------------------------------------------------------- the import


def imdb_datasets_import(
    *,
    basics: Path,
    ratings: Path,
    akas: Path | None = None,
    as_of: date | None = None,
    progress: bool = False,
) -> ImdbImportReport:
    """Import movies and TV shows, their current IMDb ratings and French titles from IMDb's dataset files.

    `as_of` is the files' date (default: the ratings file's modification date). Idempotent.
    """
    started = time.monotonic()
    report = ImdbImportReport()
    with ExitStack() as stack:
        # Every header is checked before anything is written.
        files = {
            spec.name: stack.enter_context(TsvFile(path, spec))
            for spec, path in ((BASICS, basics), (RATINGS, ratings), (AKAS, akas))
            if path is not None
        }
        report.as_of = as_of or file_date(ratings)
        staging = stack.enter_context(_Staging())
        if AKAS.name in files:
            with report.timed(AKAS.name):
                _stage_akas(files[AKAS.name], staging, report, progress=progress)
        with report.timed(RATINGS.name):
            _stage_ratings(files[RATINGS.name], staging, progress=progress)
        with report.timed(BASICS.name):
            _stage_basics(files[BASICS.name], staging, report, has_akas=AKAS.name in files, progress=progress)
        for name, tsv in files.items():
            report.lines[name] = tsv.lines
            if tsv.malformed_lines:
                report.skipped[f"malformed line in {name}"] += tsv.malformed_lines
        with report.timed("merge"):
            with transaction.atomic():
                _Merger(staging, report, as_of=report.as_of, progress=progress).run()
                commit_started = time.monotonic()
            report.seconds["merge: commit"] = time.monotonic() - commit_started
    report.elapsed = time.monotonic() - started
    logger.info(
        "IMDb datasets imported: %s created, %s updated, %s unchanged in %.1f s",
        report.created,
        report.updated,
        report.unchanged,
        report.elapsed,
    )
    return report
