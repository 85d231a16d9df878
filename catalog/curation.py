"""Curation: fields a curator edited are locked, and every writer goes through here.

A field a curator changes in the admin (a title's field or its genres, a genre's name, a data source's
credit line) is locked: the embedded load, the TMDB/OMDb refresh, the IMDb datasets import, the genre
import and the data-source sync leave it as the curator set it and note what their provider says instead
(`FieldLock.provider_value`), for the curator to accept in one click or ignore. Unlocking hands the field
back to the providers.

The same module keeps the audit history (django-simple-history's tables): one record per write that
changes a curatable field, with who (a user, or the writer's name as the change reason) and the values
before and after. A row that never had a record gets one of its state before the change first, so the
first change already shows its before and after. Fresh rows from a bulk load write no history.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from catalog.models import DataSource, FieldLock, Genre, Title

# Who wrote: the change reason of their history records and the author of what a lock notes.
LOAD_CATALOG = "load_catalog"
TMDB_REFRESH = "TMDB/OMDb refresh"
IMDB_DATASETS = "import_imdb_datasets"
IMPORT_GENRES = "import_genres"
DATA_SOURCES = "data source sync"

GENRES = "genres"  # a title's genres count as one field (a list of Genre ids)

# What a curator edits in the admin, per model: a change there locks the field; history records the
# writes that change one of them (ratings, scores and refresh bookkeeping are the providers' alone).
CURATED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Title: (
        "media_type",
        "title_en",
        "title_fr",
        "original_title",
        "original_language",
        "alternate_titles",
        GENRES,
        "year",
        "release_date",
        "runtime",
        "first_air_year",
        "last_air_year",
        "number_of_seasons",
        "directors",
        "writers",
        "cast",
        "countries",
        "overview_en",
        "overview_fr",
        "trailer_url_en",
        "trailer_url_fr",
        "poster_path",
        "imdb_id",
        "tmdb_id",
    ),
    Genre: ("name_en", "name_fr", "for_movies", "for_tv"),
    DataSource: ("name", "version", "licence", "url", "attribution", "data_as_of"),
}
_OWNER = {Title: "title", Genre: "genre", DataSource: "data_source"}
BASELINE_REASON = "before the first recorded change"


def concrete(model: type[models.Model]) -> type[models.Model]:
    """Title for the Movie and TV show proxies the admin saves."""
    return model._meta.concrete_model or model


def owner_field(model: type[models.Model]) -> str:
    return _OWNER[concrete(model)]


# ---------------------------------------------------------------- locks


def locked_fields(obj: models.Model) -> set[str]:
    """The fields of this title, genre or data source that a curator set and writers leave alone."""
    if obj.pk is None:
        return set()
    return locks_of(type(obj), [obj.pk]).get(obj.pk, set())


def locks_of(model: type[models.Model], pks: Iterable[int] | None = None) -> dict[int, set[str]]:
    """pk → locked fields of these rows, or (None) of every row of the model, in one query: a bulk loader
    reads them once (they are the curators' edits, a few thousand at most)."""
    owner = owner_field(model)
    found: dict[int, set[str]] = {}
    held = FieldLock.objects.filter(
        **{f"{owner}__isnull": False} if pks is None else {f"{owner}__in": list(pks)}
    )
    rows = held.values_list(f"{owner}_id", "field")
    for pk, name in rows:
        found.setdefault(pk, set()).add(name)
    return found


def fields_lock(obj: models.Model, names: Iterable[str], user: Any = None) -> list[str]:
    """Lock these fields of `obj` (those a curator just changed); returns the ones newly locked."""
    owner = owner_field(type(obj))
    curated = set(CURATED_FIELDS[concrete(type(obj))])
    held = locked_fields(obj)
    new = [n for n in names if n in curated and n not in held]
    FieldLock.objects.bulk_create(
        [FieldLock(**{owner: obj}, field=n, locked_by=user if _is_user(user) else None) for n in new]
    )
    return new


def _is_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _jsonable(value: Any) -> Any:
    """Dates and decimals as ISO text and strings, as a JSON column holds them."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def provider_values_split(
    model: type[models.Model], pk: int | None, values: Mapping[str, Any], actor: str, *, locked: set[str]
) -> dict[str, Any]:
    """The values a writer may write (its unlocked fields); for each locked one, note on the lock what the
    provider says now. The one path every writer goes through."""
    if pk is None or not locked:
        return dict(values)
    now = timezone.now()
    owner = owner_field(model)
    allowed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in locked:
            allowed[name] = value
            continue
        noted = sorted(value) if name == GENRES else value
        FieldLock.objects.filter(**{f"{owner}_id": pk}, field=name).update(
            provider_value=_jsonable(noted), provider_actor=actor, provider_seen_at=now
        )
    return allowed


def apply_provider_values(
    obj: models.Model, values: Mapping[str, Any], actor: str, *, locked: set[str] | None = None
) -> dict[str, Any]:
    """Set on `obj` the provider's values for its unlocked fields (the writer then saves as it does) and
    note the rest on their locks; returns what was set. `genres` (Genre ids) is returned, not set: the
    writer links them. `locked` saves a query when the writer read a batch's locks at once."""
    locked = locked_fields(obj) if locked is None else locked
    allowed = provider_values_split(type(obj), obj.pk, values, actor, locked=locked)
    for name, value in allowed.items():
        if name != GENRES:
            setattr(obj, name, value)
    return allowed


def _field_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A value noted as JSON back as the field's Python value (a date, a decimal)."""
    if name == GENRES:
        return list(value or [])
    model_field = model._meta.get_field(name)
    if (
        not isinstance(model_field, models.Field)
        or isinstance(model_field, models.JSONField)
        or value is None
    ):
        return value
    return model_field.to_python(value)


def _lock_target(lock: FieldLock) -> models.Model:
    target = lock.title or lock.genre or lock.data_source
    if target is None:  # the check constraint forbids it
        raise FieldLock.DoesNotExist(f"lock {lock.pk} holds no row")
    return type(target)._default_manager.get(pk=target.pk)  # fresh: the lock may be older than it


def provider_value_accept(lock: FieldLock, user: Any = None) -> bool:
    """Take what the provider says for this field and hand the field back to the providers (unlock).
    False when no provider has spoken yet (the lock stays)."""
    if lock.provider_seen_at is None:
        return False
    with transaction.atomic():
        obj = _lock_target(lock)
        value = _field_value(concrete(type(obj)), lock.field, lock.provider_value)
        with recorded_change(obj, reason=f"accepted {lock.provider_actor}'s {lock.field}", user=user):
            if isinstance(obj, Title) and lock.field == GENRES:
                obj.genres.set(Genre.objects.filter(pk__in=value))
            else:
                setattr(obj, lock.field, value)
                obj.save()
        lock.delete()
    return True


# ---------------------------------------------------------------- history


def history_model(model: type[models.Model]) -> Any:
    return concrete(model).history.model  # type: ignore[attr-defined]


def _history_attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in history_model(model)._meta.fields if not f.name.startswith("history_")]


@dataclass
class _Snapshot:
    values: dict[str, Any]
    genres: list[int] | None = None  # titles only
    links: list[tuple[int, int]] = field(default_factory=list)  # (link id, genre id)
    curated: dict[str, Any] = field(default_factory=dict)


def snapshots(model: type[models.Model], pks: Iterable[int]) -> dict[int, _Snapshot]:
    """The rows as the database holds them now, as history records them."""
    base = concrete(model)
    names = _history_attnames(base)
    rows = {row["id"]: row for row in base._default_manager.filter(pk__in=list(pks)).values(*names)}
    links: dict[int, list[tuple[int, int]]] = {pk: [] for pk in rows}
    if base is Title:
        through = Title.genres.through.objects.filter(title_id__in=rows)
        for link_id, pk, genre in through.values_list("id", "title_id", "genre_id"):
            links[pk].append((link_id, genre))
    out = {}
    for pk, row in rows.items():
        genres = sorted(g for _link, g in links[pk]) if base is Title else None
        snap = _Snapshot(values=row, genres=genres, links=links[pk])
        snap.curated = {
            n: (snap.genres if n == GENRES else _comparable(row[n])) for n in CURATED_FIELDS[base]
        }
        out[pk] = snap
    return out


def _comparable(value: Any) -> Any:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _write_record(
    model: type[models.Model], snap: _Snapshot, *, kind: str, reason: str, user: Any, when: Any
) -> None:
    _write_records(model, [snap], kind=kind, reason=reason, user=user, when=when)


def _write_records(
    model: type[models.Model], snaps: list[_Snapshot], *, kind: str, reason: str, user: Any, when: Any
) -> None:
    """History records of these rows' snapshots, in a few inserts (a bulk edit may touch thousands)."""
    history = history_model(model)
    records = [
        history(
            **snap.values,
            history_date=when,
            history_type=kind,
            history_change_reason=reason[:100],
            history_user=user if _is_user(user) else None,
        )
        for snap in snaps
    ]
    if connection.features.can_return_rows_from_bulk_insert:
        history.objects.bulk_create(records, batch_size=1000)
    else:  # the records' ids are needed for their genre rows
        for record in records:
            record.save()
    if model is Title:
        links = history.genres.model
        links.objects.bulk_create(
            [
                links(history=record, id=i, title_id=snap.values["id"], genre_id=g)
                for record, snap in zip(records, snaps, strict=True)
                for i, g in snap.links
            ],
            batch_size=1000,
        )


CHUNK = 2000  # rows per query: SQLite takes at most 32,766 parameters


def _chunks(pks: Iterable[int]) -> Iterator[list[int]]:
    pks = list(pks)
    for start in range(0, len(pks), CHUNK):
        yield pks[start : start + CHUNK]


def history_baseline(model: type[models.Model], pks: Iterable[int]) -> None:
    """Before a writer changes rows: a record of their present state for those without any (rows a bulk
    load created), so that the change shows its before and after."""
    history = history_model(model)
    when = timezone.now() - timedelta(microseconds=1)
    for chunk in _chunks(pks):
        recorded = set(history.objects.filter(id__in=chunk).values_list("id", flat=True).distinct())
        missing = [pk for pk in chunk if pk not in recorded]
        snaps = list(snapshots(model, missing).values())
        _write_records(model, snaps, kind="+", reason=BASELINE_REASON, user=None, when=when)


def history_record(model: type[models.Model], pks: Iterable[int], *, reason: str, user: Any = None) -> None:
    """After a writer changed rows (its baseline written before): a record of their new state."""
    now = timezone.now()
    for chunk in _chunks(pks):
        snaps = list(snapshots(model, chunk).values())
        _write_records(model, snaps, kind="~", reason=reason, user=user, when=now)


@contextmanager
def curated_bulk_edit(
    model: type[models.Model], pks: Iterable[int], names: Iterable[str], user: Any, *, reason: str = "admin"
) -> Iterator[list[int]]:
    """Around a staff edit of many rows at once (the admin's genre actions, hiding): the rows' history
    before and after, and the fields `names` locked as a curator's edit. Give only the rows the edit
    changes."""
    pks, names = list(pks), list(names)
    owner = owner_field(model)
    with transaction.atomic():
        history_baseline(model, pks)
        yield pks
        history_record(model, pks, reason=reason, user=user)
        FieldLock.objects.bulk_create(
            [
                FieldLock(**{f"{owner}_id": pk}, field=name, locked_by=user if _is_user(user) else None)
                for pk in pks
                for name in names
            ],
            ignore_conflicts=True,  # already locked
        )


@dataclass
class Change:
    """What a recorded write changed: the curated fields whose value differs, in the model's order."""

    fields: list[str] = field(default_factory=list)


@contextmanager
def recorded_change(obj: models.Model, *, reason: str = "", user: Any = None) -> Iterator[Change]:
    """Around one object's write (save, genre links): history's automatic records are held back, and one
    record is written after it when a curated field changed (none for an unchanged save). The `Change`
    yielded lists those fields once the block is done."""
    model = concrete(type(obj))
    before = snapshots(model, [obj.pk]).get(obj.pk) if obj.pk is not None else None
    started = timezone.now()
    change = Change()
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield change
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]
    after = snapshots(model, [obj.pk]).get(obj.pk) if obj.pk is not None else None
    if after is None:
        return
    if before is None:
        change.fields = list(CURATED_FIELDS[model])
        _write_record(model, after, kind="+", reason=reason, user=user, when=timezone.now())
        return
    change.fields = [n for n in CURATED_FIELDS[model] if before.curated[n] != after.curated[n]]
    if not change.fields:
        return
    history = history_model(model)
    if not history.objects.filter(id=obj.pk).exists():
        _write_record(
            model,
            before,
            kind="+",
            reason=BASELINE_REASON,
            user=None,
            when=started - timedelta(microseconds=1),
        )
    _write_record(model, after, kind="~", reason=reason, user=user, when=timezone.now())


def record_values(record: Any) -> dict[str, Any]:
    """A history record's curated values, as `snapshots` gives them (a title's genres as sorted ids)."""
    model = record.instance_type
    values: dict[str, Any] = {}
    for name in CURATED_FIELDS[model]:
        if name == GENRES:
            links = history_model(model).genres.model.objects.filter(history=record)
            values[name] = sorted(links.values_list("genre_id", flat=True))
        else:
            values[name] = _comparable(getattr(record, name))
    return values


def history_revert(obj: models.Model, history_id: int, user: Any = None) -> list[str]:
    """Put back a title's, genre's or data source's curated fields (a title's genres too) as a history
    record holds them; the fields this changes are locked as a curator's edit. Returns them."""
    model = concrete(type(obj))
    record = history_model(model).objects.get(history_id=history_id, id=obj.pk)
    with (
        transaction.atomic(),
        recorded_change(obj, reason=f"reverted to {record.history_date:%Y-%m-%d %H:%M}", user=user) as change,
    ):
        for name in CURATED_FIELDS[model]:
            if name != GENRES:
                setattr(obj, name, getattr(record, name))
        obj.save()
        if isinstance(obj, Title):
            links = history_model(model).genres.model.objects.filter(history=record)
            obj.genres.set(links.values_list("genre_id", flat=True))
    fields_lock(obj, change.fields, user)
    return change.fields
