"""Small template helpers for the web pages."""

from typing import Any

from django import template
from django.utils.translation import get_language

from catalog.selectors import EmbeddedCatalogEnd, embedded_catalog_end
from core.names import country_name, language_name
from library.models import Status
from library.selectors import ratings_for
from web.cards import ListCard, RatedCard, page_refills
from web.marking import MarkNote, note_take

register = template.Library()


@register.filter
def country_label(code: str) -> str:
    """ "FR" → "France" / "France" in the page's language."""
    return country_name(code, get_language() or "en")


@register.filter
def status_label(value: str) -> str:
    """ "later" → "Watch later" (localized)."""
    return str(Status(value).label) if value in Status.values else ""


@register.simple_tag
def rating_values() -> range:
    return range(1, 11)


@register.simple_tag
def catalog_end() -> EmbeddedCatalogEnd | None:
    """Where the embedded catalog stops (None when the catalog is live): said beside an empty result."""
    return embedded_catalog_end()


@register.filter
def refills(url: str) -> bool:
    """Whether the page at `url` refills its grid when a card leaves (its cards then send the ones shown)."""
    return page_refills(url)


def _pending_note(context: template.Context) -> MarkNote | None:
    """The confirmation a mark without JavaScript left for this page (taken from the session once)."""
    request = context.get("request")
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    if not hasattr(request, "pending_mark_note"):
        request.pending_mark_note = note_take(request.session)
    note: MarkNote | None = request.pending_mark_note
    return note


def _taken(context: template.Context, note: MarkNote) -> MarkNote:
    context["request"].pending_mark_note = None  # shown once, beside one card
    return note


@register.simple_tag(takes_context=True)
def card_note(context: template.Context, title_id: int) -> MarkNote | None:
    """The confirmation to show inside the card of `title_id`: the one just made there, or the one a mark
    without JavaScript left for this title."""
    note: Any = context.get("note")
    if isinstance(note, MarkNote) and context.get("note_inside") and note.title_id == title_id:
        return note
    pending = _pending_note(context)
    return _taken(context, pending) if pending and pending.title_id == title_id else None


@register.simple_tag(takes_context=True)
def grid_note(context: template.Context) -> MarkNote | None:
    """Before the first card of a grid that refills: the confirmation of a title that left it (a mark
    without JavaScript), where the page's anchor brings the reader."""
    forloop = context.get("forloop")
    request = context.get("request")
    if not forloop or not forloop.get("first") or request is None:
        return None
    if not page_refills(request.get_full_path()):
        return None
    pending = _pending_note(context)
    if pending is None or any(card.id == pending.title_id for card in context.get("cards") or []):
        return None
    return _taken(context, pending)


@register.simple_tag(takes_context=True)
def card_rating(context: template.Context, card: Any) -> int | None:
    """The member's rating of a card's title, whichever page shows it: the card's own when it has one,
    else read once per page for the seen titles among the page's cards (API cards carry only the status,
    and their `catalog_rating` is the catalog's)."""
    if isinstance(card, dict):  # a title page's panel
        rating: int | None = card.get("rating")
        return rating
    if isinstance(card, RatedCard | ListCard):
        return card.user_rating
    request = context.get("request")
    if getattr(card, "user_status", None) != Status.SEEN or request is None:
        return None
    known: dict[int, int | None] | None = getattr(request, "card_ratings", None)
    if known is None or card.id not in known:
        page_cards = [c for c in context.get("cards") or [] if getattr(c, "user_status", None) == Status.SEEN]
        ids = {card.id, *(c.id for c in page_cards)}
        known = {**(known or {}), **dict.fromkeys(ids), **ratings_for(user=request.user, title_ids=ids)}
        request.card_ratings = known
    return known.get(card.id)


@register.simple_tag(takes_context=True)
def hidden_by(context: template.Context, title_id: int) -> str:
    """The hide rule a Search result is hidden by elsewhere, named ("" when none): the page's `hidden_by`."""
    found: Any = context.get("hidden_by") or {}
    return str(found.get(title_id, ""))


@register.filter
def language_label(code: str | None) -> str:
    """An original language's name in the page's language ("ja" → "Japanese"); "" for none."""
    return language_name(code, get_language() or "en") if code else ""
