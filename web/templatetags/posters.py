"""A title's poster in the slot a page has for it: TMDB's image at the slot's size, or a placeholder drawn
in HTML and CSS (the title's initials on a colour of its first genre), never a broken image."""

from typing import Any

from django import template

from catalog.localized import POSTER_SIZES, poster_resized

register = template.Library()

# Slot → (size shown, size for screens of twice the density).
SLOTS = {"card": ("w185", "w342"), "title": ("w342", "w500")}

# TMDB genre ids (films and TV) → one of the stylesheet's PLACEHOLDER_HUES colours (poster-hue-<n>): dark
# tones all, so the white initials read on every one.
PLACEHOLDER_HUES = 10
_GENRE_HUE = {
    28: 0,  # Action
    10759: 0,  # Action & Adventure
    12: 1,  # Adventure
    16: 2,  # Animation
    10762: 2,  # Kids
    10751: 2,  # Family
    35: 3,  # Comedy
    80: 4,  # Crime
    53: 4,  # Thriller
    9648: 4,  # Mystery
    99: 5,  # Documentary
    10763: 5,  # News
    10764: 5,  # Reality
    10767: 5,  # Talk
    18: 6,  # Drama
    10766: 6,  # Soap
    14: 7,  # Fantasy
    878: 7,  # Science Fiction
    10765: 7,  # Sci-Fi & Fantasy
    27: 8,  # Horror
    36: 9,  # History
    10752: 9,  # War
    10768: 9,  # War & Politics
    37: 9,  # Western
    10402: 3,  # Music
    10749: 8,  # Romance
    10770: 6,  # TV Movie
}
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "le", "la", "les", "l", "de", "des", "du", "un", "une"}
)


def initials(title: str) -> str:
    """Up to two letters from the title's first words, small words skipped when others remain."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in title.split()]
    words = [w for w in words if w]
    meaningful = [w for w in words if w.casefold() not in _SMALL_WORDS] or words
    return "".join(w[0] for w in meaningful[:2]).upper()


def _hue(card: Any) -> int:
    genres = getattr(card, "genres", None) or ()
    for genre in genres:
        hue = _GENRE_HUE.get(getattr(genre, "id", None))  # type: ignore[arg-type]
        if hue is not None:
            return hue
    return sum(map(ord, str(getattr(card, "title", "")))) % PLACEHOLDER_HUES  # no genre: the title decides


@register.inclusion_tag("web/_poster.html")
def poster(card: Any, slot: str = "card") -> dict[str, Any]:
    """The poster `card` (a TitleCard or TitleDetail) shows in `slot` ("card" or "title")."""
    size, dense = SLOTS[slot]
    src = poster_resized(getattr(card, "poster_url", None), size)
    width, height = POSTER_SIZES[size]
    return {
        "slot": slot,
        "title": getattr(card, "title", ""),
        "src": src,
        "srcset": f"{src} 1x, {poster_resized(card.poster_url, dense)} 2x" if src else "",
        "width": width,
        "height": height,
        "initials": initials(str(getattr(card, "title", ""))),
        "hue": _hue(card),
    }
