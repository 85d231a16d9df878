"""Writes to users' libraries: statuses, and history imported from other services."""

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.models import User
from catalog.models import MediaType, Title
from catalog.selectors import TitleKeyIndex, titles_by_imdb_ids, titles_by_tmdb_ids
from core.exceptions import ApplicationError
from library.importers import HistoryRow, ImportFormatError, parse_history
from library.models import Entry, ImportJob, Status

logger = logging.getLogger(__name__)


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()  # "rating not given": keep the one the entry has
MAX_UNMATCHED_STORED = 1000


def entry_set_status(
    *, user: User, title: Title, status: str | None, rating: int | _Keep | None = KEEP
) -> Entry | None:
    """Set (or with `None`, clear) the user's status for a title. Repeating a call changes nothing.

    Safe under concurrency: the row is locked while it changes, and the unique (user, title)
    constraint turns a lost race to create it into an update of the winner's row.
    """
    if status is None:
        Entry.objects.filter(user=user, title=title).delete()
        return None
    if status != Status.SEEN and rating not in (None, KEEP):
        raise ApplicationError(_("A rating can only be given with the status “seen”."), field="rating")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(user=user, title=title).first()
        if entry is None:
            try:
                with transaction.atomic():
                    return Entry.objects.create(
                        user=user, title=title, status=status, rating=None if rating is KEEP else rating
                    )
            except IntegrityError:  # a concurrent request created it first: update that row instead
                entry = Entry.objects.select_for_update().get(user=user, title=title)
        new_rating = entry.rating if rating is KEEP else rating
        if status != Status.SEEN:
            new_rating = None
        if (entry.status, entry.rating) != (status, new_rating):
            entry.status, entry.rating = status, new_rating
            entry.save(update_fields=["status", "rating", "updated_at"])
    return entry


# ---------------------------------------------------------------- history imports


@dataclass
class ImportResult:
    matched: int = 0
    created: int = 0
    updated: int = 0
    unmatched: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "matched": self.matched,
            "created": self.created,
            "updated": self.updated,
            "unmatched": len(self.unmatched),
        }


def import_max_bytes() -> int:
    """The largest history file accepted: `IMPORT_MAX_UPLOAD_MB`, read at call time."""
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def import_job_create(
    *, user: User, source: str, filename: str, data: bytes, enqueue: bool = True
) -> ImportJob:
    """Check the file now (a corrupt or unknown file is refused, nothing written); import it later."""
    from library.tasks import history_import_task  # services import tasks, not the reverse

    if len(data) > import_max_bytes():
        message = _("The file is too large (%(size)d MB at most).") % {"size": settings.IMPORT_MAX_UPLOAD_MB}
        raise ApplicationError(message, field="file")
    try:
        rows = parse_history(source=source, data=data, filename=filename)
    except ImportFormatError as exc:
        raise ApplicationError(str(exc), field="file") from exc
    if not rows:
        raise ApplicationError(_("The file holds no titles to import."), field="file")
    job = ImportJob.objects.create(user=user, source=source, filename=filename[:255], payload=data)
    if enqueue:
        transaction.on_commit(partial(history_import_task.delay, job.pk))
    return job


def import_job_run(*, job_id: int, progress: bool = False) -> ImportJob | None:
    """Do an import; a job already done is left alone, and a re-run after a crash gives the same state."""
    job = ImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.status == ImportJob.State.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.State.RUNNING)
    try:
        rows = parse_history(source=job.source, data=bytes(job.payload), filename=job.filename)
        result = history_apply(user=job.user, rows=rows, progress=progress)
    except ImportFormatError as exc:
        job.status, job.error = ImportJob.State.FAILED, str(exc)
    else:
        job.status, job.error = ImportJob.State.DONE, ""
        job.counts, job.unmatched = result.counts, result.unmatched[:MAX_UNMATCHED_STORED]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "counts", "unmatched", "finished_at", "updated_at"])
    return job


def _match(rows: list[HistoryRow]) -> list[tuple[HistoryRow, int | None]]:
    """Each row's title: by IMDb id, then TMDB id, then normalized title and year."""
    by_imdb = titles_by_imdb_ids(r.imdb_id for r in rows if r.imdb_id)
    by_tmdb = {
        media_type: titles_by_tmdb_ids(
            (r.tmdb_id for r in rows if r.tmdb_id and (r.media_type or MediaType.MOVIE) == media_type),
            media_type=media_type,
        )
        for media_type in MediaType
    }
    index: TitleKeyIndex | None = None
    matched = []
    for row in rows:
        title = by_imdb.get(row.imdb_id or "") or by_tmdb[row.media_type or MediaType.MOVIE].get(
            row.tmdb_id or 0
        )
        title_id = title.pk if title else None
        if title_id is None and row.title:
            index = index or TitleKeyIndex(MediaType.values)
            for media_type in [row.media_type] if row.media_type else [MediaType.MOVIE, MediaType.TV]:
                title_id = index.find(title=row.title, year=row.year, media_type=media_type)
                if title_id:
                    break
        matched.append((row, title_id))
    return matched


_RANK = {Status.LATER: 0, Status.HIDDEN: 1, Status.SEEN: 2}


def history_apply(*, user: User, rows: list[HistoryRow], progress: bool = False) -> ImportResult:
    """Write matched rows as entries. Imports only move a title forward (watch later → seen), never back."""
    result = ImportResult()
    wanted: dict[int, HistoryRow] = {}
    for row, title_id in tqdm(_match(rows), desc="Matching", unit="row", disable=not progress):
        if title_id is None:
            result.unmatched.append(
                {
                    "file": row.file,
                    "line": row.line,
                    "title": row.title,
                    "year": row.year,
                    "imdb_id": row.imdb_id,
                    "tmdb_id": row.tmdb_id,
                }
            )
            continue
        result.matched += 1
        previous = wanted.get(title_id)
        wanted[title_id] = _merge(previous, row) if previous else row

    now = timezone.now()
    with transaction.atomic():
        existing = {
            e.title_id: e for e in Entry.objects.select_for_update().filter(user=user, title_id__in=wanted)
        }
        to_create, to_update = [], []
        for title_id, row in wanted.items():
            entry = existing.get(title_id)
            if entry is None:
                to_create.append(
                    Entry(
                        user=user,
                        title_id=title_id,
                        status=row.status,
                        rating=row.rating if row.status == Status.SEEN else None,
                        watched_at=row.watched_at,
                    )
                )
                continue
            status = row.status if _RANK[row.status] > _RANK[Status(entry.status)] else entry.status
            rating = (row.rating or entry.rating) if status == Status.SEEN else None
            watched_at = max(filter(None, (entry.watched_at, row.watched_at)), default=None)
            if (status, rating, watched_at) != (entry.status, entry.rating, entry.watched_at):
                entry.status, entry.rating, entry.watched_at, entry.updated_at = (
                    status,
                    rating,
                    watched_at,
                    now,
                )
                to_update.append(entry)
        Entry.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
        Entry.objects.bulk_update(
            to_update, ["status", "rating", "watched_at", "updated_at"], batch_size=1000
        )
    result.created, result.updated = len(to_create), len(to_update)
    return result


def _merge(a: HistoryRow, b: HistoryRow) -> HistoryRow:
    """Two rows for one title (a film both rated and on the watchlist): seen wins, the latest facts win."""
    first, second = (a, b) if _RANK[Status(a.status)] >= _RANK[Status(b.status)] else (b, a)
    watched = max(filter(None, (a.watched_at, b.watched_at)), default=None)
    return HistoryRow(
        file=first.file,
        line=first.line,
        media_type=first.media_type,
        status=first.status,
        rating=first.rating or second.rating,
        imdb_id=first.imdb_id,
        tmdb_id=first.tmdb_id,
        title=first.title,
        year=first.year,
        watched_at=watched,
    )
