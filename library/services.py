"""Writes to users' libraries: statuses, and history imported from other services."""

import hashlib
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import pycountry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from accounts.models import User
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.similarity import franchise_stem
from catalog.models import Keyword, MediaType, Person, Title, person_key
from catalog.selectors import TitleKeyIndex, genres_resolve, titles_by_imdb_ids, titles_by_tmdb_ids
from core.exceptions import ApplicationError
from core.limits import upload_max_bytes, upload_max_mb
from core.timestamps import utc_iso, utc_iso_or_none
from library.importers import HistoryRow, ImportFormatError, clean_text, parse_history, source_of
from library.models import Entry, HideRule, ImportJob, Status

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
                        user=user,
                        title=title,
                        status=status,
                        rating=None if isinstance(rating, _Keep) else rating,
                    )
            except IntegrityError:  # a concurrent request created it first: update that row instead
                entry = Entry.objects.select_for_update().get(user=user, title=title)
        new_rating = entry.rating if isinstance(rating, _Keep) else rating
        if status != Status.SEEN:
            new_rating = None
        if (entry.status, entry.rating) != (status, new_rating):
            entry.status, entry.rating = status, new_rating
            entry.save(update_fields=["status", "rating", "updated_at"])
    return entry


# ---------------------------------------------------------------- history imports


IMPORT_WINDOW = timedelta(days=1)  # of the daily limit, and for giving back the job of the same file


class ImportLimitReached(ApplicationError):
    """IMPORT_DAILY_LIMIT files were imported in the last 24 hours; the API answers 429."""

    def __init__(self, message: str, *, wait_seconds: int) -> None:
        super().__init__(message, field="file")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class ImportSubmission:
    job: ImportJob
    reused: bool  # the same file was sent within a day: its job, not a new one


MAX_REPORT_LINES = 1000  # of changes, and of conflicts, listed in a job's report


@dataclass
class ImportResult:
    matched: int = 0
    created: int = 0
    updated: int = 0
    unmatched: list[dict] = field(default_factory=list)  # the first MAX_UNMATCHED_STORED
    unmatched_total: int = 0
    changes: list[dict] = field(default_factory=list)  # the first MAX_REPORT_LINES entries updated
    conflicts: list[dict] = field(default_factory=list)  # the first MAX_REPORT_LINES choices kept
    conflicts_total: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "matched": self.matched,
            "created": self.created,
            "updated": self.updated,
            "unmatched": self.unmatched_total,
            "conflicts": self.conflicts_total,
        }

    @property
    def report(self) -> dict[str, list[dict]]:
        """What the job keeps beside its counts (ImportJob.counts holds both: see ImportJob.report)."""
        return {"change_lines": self.changes, "conflict_lines": self.conflicts}


def import_job_create(
    *, user: User, source: str, filename: str, data: bytes, enqueue: bool = True, daily_limit: bool = True
) -> ImportSubmission:
    """Check the file now (a corrupt or unknown file is refused, nothing written); import it later.

    The same file (same source, same SHA-256) sent again within a day gets that job back, unless it
    failed: a double submit or a "did it work?" upload then shows the report at once and costs nothing
    of the daily limit, while a new run so soon could only re-add titles the user has removed since.
    A day later it is imported again (the catalog may have grown). `daily_limit=False` is for the shell.
    """
    from library.tasks import history_import_task  # services import tasks, not the reverse

    if len(data) > upload_max_bytes():
        message = _("The file is too large (%(size)d MB at most).") % {"size": upload_max_mb()}
        raise ApplicationError(message, field="file")
    try:
        source = source_of(source=source, data=data, filename=filename)  # "auto": the file says which
    except ImportFormatError as exc:
        raise ApplicationError(str(exc), field="file") from exc
    digest = hashlib.sha256(data).hexdigest()
    since = timezone.now() - IMPORT_WINDOW
    if (same := _import_job_same_file(user=user, source=source, digest=digest, since=since)) is not None:
        return ImportSubmission(job=same, reused=True)
    if daily_limit:
        _import_check_daily_limit(user=user, since=since)  # before the parse: a refusal costs nothing
    try:
        rows = parse_history(source=source, data=data, filename=filename)
    except ImportFormatError as exc:
        raise ApplicationError(str(exc), field="file") from exc
    if not rows:
        raise ApplicationError(_("The file holds no titles to import."), field="file")
    del rows  # checked; the job parses the file again
    with transaction.atomic():
        # One upload at a time per user from here, so parallel uploads cannot all pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        if (same := _import_job_same_file(user=user, source=source, digest=digest, since=since)) is not None:
            return ImportSubmission(job=same, reused=True)
        if daily_limit:
            _import_check_daily_limit(user=user, since=since)
        job = ImportJob.objects.create(
            user=user, source=source, filename=clean_text(filename)[:255], payload=data, sha256=digest
        )
        if enqueue:
            history_import_task.delay_on_commit(job.pk)
    return ImportSubmission(job=job, reused=False)


def _import_job_same_file(*, user: User, source: str, digest: str, since: datetime) -> ImportJob | None:
    return (
        ImportJob.objects.filter(user=user, source=source, sha256=digest, created_at__gte=since)
        .exclude(status=ImportJob.State.FAILED)
        .defer("payload")
        .order_by("-created_at")
        .first()
    )


def _import_check_daily_limit(*, user: User, since: datetime) -> None:
    limit = settings.IMPORT_DAILY_LIMIT
    recent = list(
        ImportJob.objects.filter(user=user, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    wait = max(1, math.ceil((recent[-1] + IMPORT_WINDOW - timezone.now()).total_seconds()))
    hours = math.ceil(wait / 3600)
    message = ngettext(
        "Import limit reached (%(limit)d files per 24 hours). Try again in %(hours)d hour.",
        "Import limit reached (%(limit)d files per 24 hours). Try again in %(hours)d hours.",
        hours,
    ) % {"limit": limit, "hours": hours}
    raise ImportLimitReached(message, wait_seconds=wait)


def import_job_run(*, job_id: int, progress: bool = False) -> ImportJob | None:
    """Do an import. It always ends, done or failed with a message, and its file is deleted then.

    The entries and the job's result are written in one transaction: a failure writes neither. A job
    that ended is left alone; a re-run after a crash (the file is still there) gives the same state.
    """
    job = ImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.status in (ImportJob.State.DONE, ImportJob.State.FAILED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.State.RUNNING)
    try:
        if job.payload is None:
            raise ImportFormatError(_("The uploaded file is no longer stored: upload it again."))
        data, job.payload = bytes(job.payload), None  # one copy in memory (PostgreSQL gives a memoryview)
        rows = parse_history(source=job.source, data=data, filename=job.filename)
        del data
        with transaction.atomic():
            result = history_apply(user=job.user, rows=rows, progress=progress)
            _import_job_end(
                job,
                status=ImportJob.State.DONE,
                counts={**result.counts, **result.report},
                unmatched=result.unmatched,
            )
    except ImportFormatError as exc:
        _import_job_end(job, status=ImportJob.State.FAILED, error=clean_text(str(exc)))
    except Exception:
        logger.exception("History import %s failed", job.pk)
        message = _("The import failed on our side and nothing was imported. Please try again later.")
        _import_job_end(job, status=ImportJob.State.FAILED, error=message)
    return job


def _import_job_end(
    job: ImportJob,
    *,
    status: str,
    counts: dict[str, Any] | None = None,
    unmatched: list[dict] | None = None,
    error: str = "",
) -> None:
    """Record how the job ended and delete the uploaded file (its SHA-256 stays)."""
    job.status, job.error, job.counts, job.unmatched = status, error, counts or {}, unmatched or []
    job.payload, job.finished_at = None, timezone.now()
    job.save(update_fields=["status", "error", "counts", "unmatched", "payload", "finished_at", "updated_at"])


def _match(rows: list[HistoryRow]) -> list[tuple[HistoryRow, int | None]]:
    """Each row's title: by IMDb id, then TMDB id, then normalized title and year."""
    by_imdb = titles_by_imdb_ids(r.imdb_id for r in rows if r.imdb_id)
    by_tmdb: dict[str, dict[int, Title]] = {  # by the rows' media type, a plain string
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
        if title_id is None and row.title and not row.title_too_long:
            index = index or TitleKeyIndex(MediaType.values)
            for media_type in [row.media_type] if row.media_type else [MediaType.MOVIE, MediaType.TV]:
                title_id = index.find(title=row.title, year=row.year, media_type=media_type)
                if title_id:
                    break
        matched.append((row, title_id))
    return matched


_RANK: dict[str, int] = {Status.LATER: 0, Status.HIDDEN: 1, Status.SEEN: 2}


def history_apply(*, user: User, rows: list[HistoryRow], progress: bool = False) -> ImportResult:
    """Write matched rows as entries. Imports only move a title forward (watch later → seen), never back,
    and never over what the user chose here after the file's date: see `_entry_update`."""
    result = ImportResult()
    wanted: dict[int, HistoryRow] = {}
    for row, title_id in tqdm(_match(rows), desc="Matching", unit="row", disable=not progress):
        if title_id is None:
            result.unmatched_total += 1
            if len(result.unmatched) < MAX_UNMATCHED_STORED:
                result.unmatched.append(
                    {
                        "file": row.file,
                        "line": row.line,
                        "title": row.title,
                        "year": row.year,
                        "imdb_id": row.imdb_id,
                        "tmdb_id": row.tmdb_id,
                        # Titles over MAX_TITLE_CHARS are stored cut and never matched by name.
                        "reason": "title_too_long" if row.title_too_long else "not_found",
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
            before = (entry.status, entry.rating, entry.watched_at)
            if _entry_update(entry, row, result):
                result.updated += 1
                if len(result.changes) < MAX_REPORT_LINES:
                    result.changes.append(
                        {
                            **_report_title(title_id, row),
                            "status_before": before[0],
                            "status_after": entry.status,
                            "rating_before": before[1],
                            "rating_after": entry.rating,
                            "watched_before": utc_iso_or_none(before[2]),
                            "watched_after": utc_iso_or_none(entry.watched_at),
                        }
                    )
                entry.updated_at = now
                to_update.append(entry)
        Entry.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
        Entry.objects.bulk_update(
            to_update, ["status", "rating", "watched_at", "updated_at"], batch_size=1000
        )
    result.created = len(to_create)
    return result


def _entry_update(entry: Entry, row: HistoryRow, result: ImportResult) -> bool:
    """Move `entry` on with what the row says; True when it changed. A status or rating the user set here
    after the row's date for it (or one the row gives no date for) is kept, and listed as a conflict."""
    status = entry.status
    if _RANK[row.status] > _RANK[Status(entry.status)]:
        if _set_here_later(entry, row.status_at):
            _conflict(result, entry, row, field="status", kept=entry.status, file_value=row.status)
        else:
            status = row.status
    rating = entry.rating if status == Status.SEEN else None
    if status == Status.SEEN and row.rating is not None and row.rating != rating:
        if rating is None:  # nothing chosen here to keep
            rating = row.rating
        elif _set_here_later(entry, row.rated_at):
            _conflict(result, entry, row, field="rating", kept=rating, file_value=row.rating)
        else:
            rating = row.rating
    # A watch date missing here is filled; one set here is kept unless the file's news is newer.
    watched_at = entry.watched_at
    if (
        status == Status.SEEN
        and row.watched_at is not None
        and (watched_at is None or not _set_here_later(entry, row.status_at or row.watched_at))
    ):
        watched_at = max(filter(None, (watched_at, row.watched_at)))
    if (status, rating, watched_at) == (entry.status, entry.rating, entry.watched_at):
        return False
    entry.status, entry.rating, entry.watched_at = status, rating, watched_at
    return True


def _set_here_later(entry: Entry, file_date: datetime | None) -> bool:
    """Whether the entry last changed after the file's date (a day-only date is that day's start, so a
    change made here on the same day wins); with no date the file cannot show it is newer."""
    return file_date is None or entry.updated_at > file_date


def _conflict(
    result: ImportResult, entry: Entry, row: HistoryRow, *, field: str, kept: object, file_value: object
) -> None:
    result.conflicts_total += 1
    if len(result.conflicts) < MAX_REPORT_LINES:
        file_date = row.status_at if field == "status" else row.rated_at
        result.conflicts.append(
            {
                **_report_title(entry.title_id, row),
                "field": field,
                "kept": kept,
                "file_value": file_value,
                "changed_here_at": utc_iso(entry.updated_at),
                "file_date": utc_iso(file_date) if file_date else None,
            }
        )


def _report_title(title_id: int, row: HistoryRow) -> dict[str, object]:
    """A report line's title: ours (its id) and as the file names it, which the user recognises."""
    return {"title_id": title_id, "title": row.title, "year": row.year}


def _merge(a: HistoryRow, b: HistoryRow) -> HistoryRow:
    """Two rows for one title (a film both rated and on the watchlist): seen wins, the latest facts win."""
    first, second = (a, b) if _RANK[Status(a.status)] >= _RANK[Status(b.status)] else (b, a)
    watched = max(filter(None, (a.watched_at, b.watched_at)), default=None)
    rated = first if first.rating else second
    status_at = first.status_at
    if first.status == second.status:
        status_at = max(filter(None, (a.status_at, b.status_at)), default=None)
    return HistoryRow(
        file=first.file,
        line=first.line,
        media_type=first.media_type,
        status=first.status,
        rating=rated.rating,
        imdb_id=first.imdb_id,
        tmdb_id=first.tmdb_id,
        title=first.title,
        year=first.year,
        watched_at=watched,
        title_too_long=first.title_too_long,
        rated_at=rated.rated_at if rated.rating else None,
        status_at=status_at,
    )


# ---------------------------------------------------------------- hide rules

MAX_HIDE_RULES = 100  # per user: more is a sign of a script, and each kind is one condition anyway
YEAR_LOW, YEAR_HIGH = 1870, 2100
MAX_FRANCHISE_TITLES = 200


def keyword_rules_available() -> bool:
    """Whether keyword rules can be made: the titles' keywords come with their refresh from TMDB."""
    return tmdb_is_configured()


def hide_rule_kinds() -> list[tuple[str, str | Promise]]:
    """The kinds of rule this site makes, as (value, label) choices: keywords only with a TMDB key."""
    return [
        (value, label)
        for value, label in HideRule.Kind.choices
        if value != HideRule.Kind.KEYWORD or keyword_rules_available()
    ]


def hide_rule_create(*, user: User, kind: str, value: str | int) -> tuple[HideRule, bool]:
    """Hide every title of a genre (name or TMDB id), a person (id or whole name, as director or in the
    cast), a franchise (of the title with that id), an original language (ISO 639 code), released before
    or after a year, or a TMDB keyword (id or name; only with a TMDB key, which brings the titles' keywords).
    The same rule twice is the first one back (`False`: not created)."""
    if kind not in HideRule.Kind.values:
        raise ApplicationError(
            _("Unknown kind: %(kind)s (one of %(kinds)s).")
            % {"kind": kind, "kinds": ", ".join(HideRule.Kind.values)},
            field="kind",
        )
    if kind == HideRule.Kind.KEYWORD and not keyword_rules_available():
        raise ApplicationError(
            _("Keyword rules need TMDB's keywords, and this site has no TMDB key: hide something else."),
            field="kind",
        )
    text = str(value).strip()
    if not text or len(text) > 200:
        raise ApplicationError(_("Give what to hide (at most 200 characters)."), field="value")
    stored, label, title_ids = _hide_rule_value(kind, text)
    existing = HideRule.objects.filter(user=user, kind=kind, value=stored).first()
    if existing is not None:
        return existing, False
    if HideRule.objects.filter(user=user).count() >= MAX_HIDE_RULES:
        raise ApplicationError(
            _("At most %(count)d rules: remove one first.") % {"count": MAX_HIDE_RULES}, field="kind"
        )
    try:
        with transaction.atomic():
            rule = HideRule.objects.create(
                user=user, kind=kind, value=stored, label=label, title_ids=title_ids
            )
    except IntegrityError:  # the same rule made at the same moment by another request
        return HideRule.objects.get(user=user, kind=kind, value=stored), False
    return rule, True


def hide_rule_delete(*, user: User, rule_id: int) -> bool:
    """Remove one of the user's rules (someone else's is not there); whether one was removed."""
    deleted, _by_model = HideRule.objects.filter(user=user, pk=rule_id).delete()
    return deleted > 0


def _hide_rule_value(kind: str, text: str) -> tuple[str, str, list[int]]:
    """(value stored, label, franchise titles) for a rule's input, or an ApplicationError naming `value`."""
    if kind == HideRule.Kind.GENRE:
        for media_type in (MediaType.MOVIE, MediaType.TV):
            found, _unknown = genres_resolve([text], media_type=media_type)
            if found:
                return str(found[0].tmdb_id), found[0].name_en, []
        raise ApplicationError(_("Unknown genre: %(value)s.") % {"value": text}, field="value")
    if kind == HideRule.Kind.PERSON:
        person = (
            Person.objects.filter(pk=int(text)).first()
            if text.isdigit()
            else Person.objects.filter(search_name=person_key(text)).first()
        )
        if person is None:
            raise ApplicationError(
                _("Nobody in the catalog is named %(value)s.") % {"value": text}, field="value"
            )
        return str(person.pk), person.name, []
    if kind == HideRule.Kind.LANGUAGE:
        code = text.lower()
        if not _is_language(code):
            raise ApplicationError(
                _("Unknown ISO 639 language code: %(value)s.") % {"value": text}, field="value"
            )
        return code, code, []
    if kind == HideRule.Kind.KEYWORD:
        keyword = (
            Keyword.objects.filter(pk=int(text)).first()
            if text.isdigit() and int(text) < 2**31
            else Keyword.objects.filter(name__iexact=text).order_by("pk").first()
        )
        if keyword is None:
            raise ApplicationError(
                _("No title in the catalog has the keyword %(value)s.") % {"value": text}, field="value"
            )
        return str(keyword.pk), keyword.name, []
    if kind in (HideRule.Kind.BEFORE, HideRule.Kind.AFTER):
        if not text.isdigit() or not YEAR_LOW <= int(text) <= YEAR_HIGH:
            raise ApplicationError(
                _("A year from %(low)d to %(high)d.") % {"low": YEAR_LOW, "high": YEAR_HIGH}, field="value"
            )
        return str(int(text)), str(int(text)), []
    title = Title.objects.filter(pk=int(text), hidden=False).first() if text.isdigit() else None
    if title is None:
        raise ApplicationError(_("No title with this id: %(value)s.") % {"value": text}, field="value")
    stem, ids = _franchise_of(title)
    return stem, title.title_en, ids


def _is_language(code: str) -> bool:
    if code in ("cn", "xx"):  # TMDB's Cantonese and "no language"
        return True
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and code.isalpha() and pycountry.languages.get(alpha_3=code) is not None


def _franchise_of(title: Title) -> tuple[str, list[int]]:
    """The franchise's stem and its titles in the catalog now: those whose stem is the title's and that share
    a director or a writer or two actors with it (either without people: the stem suffices). The catalog has
    no collection ids; this is the rule the similar lists use (`catalog.ingest.similarity.franchise_stem`)."""
    stem = franchise_stem(title.title_en) or title.title_en.lower()
    first_word = stem.split()[0] if stem.split() else stem
    makers = {*title.directors, *title.writers}
    cast = set(title.cast)
    ids = [title.pk]
    candidates = Title.objects.filter(title_en__icontains=first_word, hidden=False).exclude(pk=title.pk)
    for other in candidates.only("pk", "title_en", "directors", "writers", "cast")[:5000]:
        if franchise_stem(other.title_en) != stem:
            continue
        people = {*other.directors, *other.writers, *other.cast}
        shares = bool(makers & {*other.directors, *other.writers}) or len(cast & set(other.cast)) >= 2
        if makers | cast and people and not shares:
            continue
        ids.append(other.pk)
        if len(ids) >= MAX_FRANCHISE_TITLES:
            break
    return stem, sorted(ids)
