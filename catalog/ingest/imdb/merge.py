"""The merge: the staged files written into the catalog in one transaction, with set-wise SQL.

Titles already in the catalog (matched by IMDb id) get current ratings and only fill their blanks; new
titles are inserted set-wise (INSERT … SELECT … ON CONFLICT DO NOTHING) with their genre links; then the
ranking scores are recomputed.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Field, Q
from django.utils import timezone
from tqdm import tqdm

from catalog import curation
from catalog.ingest import sources
from catalog.ingest.genres import genres_import
from catalog.ingest.imdb.reader import progress_bar
from catalog.ingest.imdb.report import ImdbImportReport
from catalog.ingest.imdb.staging import Staging
from catalog.ingest.sources import data_source_sync
from catalog.models import DataSource, Genre, MediaType, Title, search_columns
from catalog.ranking import titles_rescore

INSERT_BATCH = 25_000  # new titles per INSERT … SELECT
UPDATE_BATCH = 2000  # existing titles compared per round trip

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


class Merger:
    def __init__(self, staging: Staging, report: ImdbImportReport, *, as_of: date, progress: bool) -> None:
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
        with progress_bar(
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
        locks = curation.locks_of(Title, current)  # fields a curator edited stay theirs
        curated = set(curation.CURATED_FIELDS[Title])
        recorded: list[int] = []  # existing titles whose curated fields change: their history
        for pk, title in current.items():
            files = imported[pk]
            locked = locks.get(pk, set())
            changes = curation.provider_values_split(
                Title,
                pk,
                _changes(title, files, source=self.source, as_of=self.as_of),
                curation.IMDB_DATASETS,
                locked=locked,
            )
            links_add, links_remove = self._link_changes(title, files, have.get(pk, set()))
            if (links_add or links_remove) and curation.GENRES in locked:
                wanted = sorted((have.get(pk, set()) | links_add) - links_remove)
                curation.provider_values_split(
                    Title, pk, {curation.GENRES: wanted}, curation.IMDB_DATASETS, locked=locked
                )
                links_add, links_remove = set(), set()
            if links_add or links_remove or not curated.isdisjoint(changes):
                recorded.append(pk)
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
            search_title, search_people = search_columns(
                **{name: title[name] for name in _NAME_FIELDS}, **people
            )
            title |= {"search_title": search_title, "search_people": search_people}
        curation.history_baseline(Title, recorded)
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
        curation.history_record(Title, recorded, reason=curation.IMDB_DATASETS)

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
        return _title_column(name).get_db_prep_save(value, connection)

    def _write_updates(self, updates: list[list[Any]]) -> None:
        if not updates:
            return
        table = Title._meta.db_table
        quote = connection.ops.quote_name
        columns = [quote(_column_name(_title_column(name))) for name in _UPDATED_FIELDS]
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
            columns.append(_column_name(model_field))
            if name in staged:
                expressions.append(staged[name])
            elif name in if_rated:
                expressions.append("CASE WHEN r.tconst IS NULL THEN NULL ELSE %s END")
                params.append(self._prep(name, if_rated[name]))
            else:
                expressions.append("%s")
                params.append(self._prep(name, given[name] if name in given else model_field.get_default()))
        return columns, expressions, params


def _title_column(name: str) -> "Field[Any, Any]":  # quoted: Django's Field takes no [] at run time
    """A field of the title table by name (`get_field` also answers reverse relations: no column)."""
    field = Title._meta.get_field(name)
    if not isinstance(field, Field):
        raise LookupError(f"Title.{name} is a relation, not a column")
    return field


def _column_name(field: "Field[Any, Any]") -> str:
    if field.column is None:  # only fields that are not columns (none of the title's concrete ones)
        raise LookupError(f"Title.{field.name} has no column")
    return field.column
