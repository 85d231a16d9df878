"""A member's marks as the pages make them: a status with its watch date, a watch date changed, a mark undone.

Built on `library.services.entry_set_status`; the REST API's marks leave watch dates as they are.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Title
from core.exceptions import ApplicationError
from library.models import Entry, Status
from library.services import KEEP, _Keep, entry_set_status

FIRST_FILM_YEAR = 1888  # no watch date before films existed


def watch_time(day: date) -> datetime:
    """A watch date as stored: midnight UTC of that day, as imported histories store theirs."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def entry_mark(
    *, user: User, title: Title, status: str | None, rating: int | _Keep | None = KEEP, today: date
) -> Entry | None:
    """Set (or with `None`, clear) the user's status for a title, as entry_set_status does; a title that
    becomes seen is dated `today`, one that stops being seen loses its date, one still seen keeps its date."""
    with transaction.atomic():
        before = Entry.objects.select_for_update().filter(user=user, title=title).first()
        was_seen = before is not None and before.status == Status.SEEN
        entry = entry_set_status(user=user, title=title, status=status, rating=rating)
        if entry is None:
            return None
        watched = watch_time(today) if entry.status == Status.SEEN else None
        if entry.status == Status.SEEN and was_seen:
            watched = entry.watched_at
        if entry.watched_at != watched:
            entry.watched_at = watched
            entry.save(update_fields=["watched_at", "updated_at"])
    return entry


def entry_set_watched(*, user: User, title: Title, watched_on: date, today: date) -> Entry:
    """Change the watch date of a title the user has seen; a date after today or before films is refused."""
    if watched_on > today:
        raise ApplicationError(_("The watch date cannot be in the future."), field="watched_on")
    if watched_on.year < FIRST_FILM_YEAR:
        message = _("The watch date cannot be before %(year)d.") % {"year": FIRST_FILM_YEAR}
        raise ApplicationError(message, field="watched_on")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(user=user, title=title).first()
        if entry is None or entry.status != Status.SEEN:
            raise ApplicationError(_("Only a title you have seen has a watch date."), field="watched_on")
        if entry.watched_at != watch_time(watched_on):
            entry.watched_at = watch_time(watched_on)
            entry.save(update_fields=["watched_at", "updated_at"])
    return entry


# ---------------------------------------------------------------- undo


@dataclass(frozen=True)
class EntryState:
    """A user's entry for a title as it was, to be put back exactly (its times of creation and change too)."""

    status: str
    rating: int | None
    watched_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def as_data(self) -> dict[str, Any]:
        """Plain JSON values (times in ISO 8601), for a form to carry."""
        return {
            "status": self.status,
            "rating": self.rating,
            "watched_at": self.watched_at.isoformat() if self.watched_at else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "EntryState":
        """The state `as_data` gave; ValueError, KeyError or TypeError for anything else."""
        status, rating, watched = data["status"], data["rating"], data["watched_at"]
        if status not in Status.values:
            raise ValueError("not a status")
        if rating is not None and (type(rating) is not int or not 1 <= rating <= 10 or status != Status.SEEN):
            raise ValueError("not a rating of a seen title")
        return cls(
            status=status,
            rating=rating,
            watched_at=datetime.fromisoformat(watched) if watched else None,
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
        )


def entry_state(*, user: User, title: Title) -> EntryState | None:
    """The user's entry for the title as it is now (None: no entry): taken before a mark, to undo it."""
    entry = Entry.objects.filter(user=user, title=title).first()
    if entry is None:
        return None
    return EntryState(
        status=entry.status,
        rating=entry.rating,
        watched_at=entry.watched_at,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


def entry_restore(*, user: User, title: Title, state: EntryState | None) -> Entry | None:
    """Put the user's entry for the title back as `state` says, `None` meaning no entry at all: the undo of a
    mark. Its times are restored too, so the title goes back to its place in the user's lists."""
    with transaction.atomic():
        if state is None:
            Entry.objects.filter(user=user, title=title).delete()
            return None
        entry = Entry.objects.select_for_update().filter(user=user, title=title).first()
        if entry is None:
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(user=user, title=title, status=state.status)
            except IntegrityError:  # created meanwhile by a concurrent request: restore that row
                entry = Entry.objects.select_for_update().get(user=user, title=title)
        fields = {
            "status": state.status,
            "rating": state.rating,
            "watched_at": state.watched_at,
            "created_at": state.created_at,
            "updated_at": state.updated_at,
        }
        Entry.objects.filter(pk=entry.pk).update(**fields)  # update(), so the times stay as given
        for name, value in fields.items():
            setattr(entry, name, value)
    return entry
