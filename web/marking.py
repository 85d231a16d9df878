"""What the pages say after a mark: the confirmation beside the card, its Undo and its rating control.

An Undo carries the entry as it was before the mark, signed (django.core.signing) with the member and the
title, so it works from any page, with or without JavaScript, and cannot be replayed on someone else's
entry. Without JavaScript the confirmation waits in the session for the page the mark redirects back to.
"""

import time
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from catalog.models import Title
from core.exceptions import ApplicationError
from library.marks import FIRST_FILM_YEAR, EntryState
from library.models import Entry, Status
from web.forms import MarkForm, PageForm

UNDO_SECONDS = 10  # how long a confirmation offers Undo on a page with JavaScript
UNDO_MAX_AGE = 30 * 60  # how long an Undo is accepted: a page without JavaScript keeps its form
NOTE_MAX_AGE = 60  # seconds a confirmation waits in the session for the page a mark redirects to
_SALT = "web.marking.undo"
_SESSION_KEY = "mark_note"


def undo_token(*, user: User, title: Title, state: EntryState | None) -> str:
    """The signed entry as it was before a mark (None: there was none)."""
    data = {"u": user.pk, "t": title.pk, "s": state.as_data() if state else None}
    return signing.dumps(data, salt=_SALT, compress=True)


def undo_state(token: str, *, user: User, title: Title) -> EntryState | None:
    """The entry to restore from an Undo; ApplicationError when it is too old or not this member's."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=UNDO_MAX_AGE)
    except signing.SignatureExpired as exc:
        message = _("Too late to undo: change the status from My lists instead.")
        raise ApplicationError(message, field="undo") from exc
    except signing.BadSignature as exc:
        raise ApplicationError(_("This undo is not valid."), field="undo") from exc
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("t") != title.pk:
        raise ApplicationError(_("This undo is not valid."), field="undo")
    try:
        return None if data["s"] is None else EntryState.from_data(data["s"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApplicationError(_("This undo is not valid."), field="undo") from exc


@dataclass(frozen=True)
class MarkNote:
    """The confirmation of a mark, shown beside the card it was made on."""

    title_id: int
    text: str  # "“Heat”: Seen."
    title: str
    status: str | None  # the status now
    rating: int | None
    undo: str  # the signed state before the mark; "" once undone
    next: str  # the page it is on
    undone: bool = False

    @property
    def rate(self) -> bool:
        """Whether it offers the 1 to 10 rating (a title just marked seen)."""
        return self.status == Status.SEEN and not self.undone

    @property
    def undo_seconds(self) -> int:
        return UNDO_SECONDS


def mark_note(*, title: Title, name: str, entry: Entry | None, undo: str, back: str) -> MarkNote:
    if entry is None:
        text = _("“%(title)s” is off your lists.") % {"title": name}
    else:
        text = _("“%(title)s”: %(status)s.") % {"title": name, "status": Status(entry.status).label}
    return _note(title=title, name=name, entry=entry, text=text, undo=undo, back=back)


def undone_note(*, title: Title, name: str, entry: Entry | None, back: str) -> MarkNote:
    if entry is None:
        text = _("Undone: “%(title)s” is off your lists again.") % {"title": name}
    else:
        status = Status(entry.status).label
        text = _("Undone: “%(title)s” is back to %(status)s.") % {"title": name, "status": status}
    return _note(title=title, name=name, entry=entry, text=text, undo="", back=back, undone=True)


def _note(
    *, title: Title, name: str, entry: Entry | None, text: str, undo: str, back: str, undone: bool = False
) -> MarkNote:
    """The note of a mark or of its undo: the entry as it is now."""
    return MarkNote(
        title_id=title.pk,
        text=text,
        title=name,
        status=entry.status if entry else None,
        rating=entry.rating if entry else None,
        undo=undo,
        next=back,
        undone=undone,
    )


def note_keep(session: SessionBase, note: MarkNote) -> None:
    """Keep the confirmation for the page a mark without JavaScript redirects to."""
    session[_SESSION_KEY] = {**asdict(note), "at": time.time()}


def note_take(session: SessionBase) -> MarkNote | None:
    """The confirmation waiting for this page, once (None when none is, or it is too old)."""
    data = session.pop(_SESSION_KEY, None)
    if not isinstance(data, dict) or time.time() - float(data.pop("at", 0)) > NOTE_MAX_AGE:
        return None
    try:
        return MarkNote(**data)
    except TypeError:
        return None


# ---------------------------------------------------------------- forms


class NoteMarkForm(MarkForm):
    """A card's buttons, or a confirmation's rating: the latter sends the Undo it keeps, and says that the
    answer replaces the confirmation alone (`slot`: "note") or the card holding it ("card")."""

    undo = forms.CharField(required=False, max_length=4000)
    slot = forms.ChoiceField(choices=[("", ""), ("note", "note"), ("card", "card")], required=False)


class UndoForm(PageForm):
    undo = forms.CharField(max_length=4000)
    next = forms.CharField(required=False, max_length=2000)


class WatchedForm(PageForm):
    watched_on = forms.DateField(
        label=gettext_lazy("Watched on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    next = forms.CharField(required=False, max_length=2000)

    def clean_watched_on(self) -> Any:
        day = self.cleaned_data["watched_on"]
        if day.year < FIRST_FILM_YEAR:
            message = _("The watch date cannot be before %(year)d.") % {"year": FIRST_FILM_YEAR}
            raise forms.ValidationError(message)
        return day


LIST_SORTS = {  # the orders of library.selectors.LIST_ORDERS, named
    "date": gettext_lazy("Date"),
    "rating": gettext_lazy("Your rating"),
    "score": gettext_lazy("Score"),
    "title": gettext_lazy("Title"),
}
DEFAULT_LIST_SORT = "date"


def list_sort(query: Any) -> str | None:
    """A list's `sort` (date when absent); None when it names no order."""
    value = query.get("sort") or DEFAULT_LIST_SORT
    return value if value in LIST_SORTS else None
