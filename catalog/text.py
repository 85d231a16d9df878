"""Text normalization shared by matching (loaders) and searching."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# "Matrix, The" / "Haine, La" → "The Matrix" / "La Haine" (MovieLens, ggplot2movies style).
_TRAILING_ARTICLE = re.compile(
    r"^(?P<rest>.+),\s*(?P<article>the|a|an|la|le|les|l'|il|el|der|die|das|los|las|lo|i|gli|un|une|det|den)$",
    re.IGNORECASE,
)


def strip_accents(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def normalize_text(value: str) -> str:
    """Lowercase, accent-free text with single spaces; punctuation kept (for display-free search columns)."""
    return " ".join(strip_accents(value).lower().split())


def front_article(title: str) -> str:
    """Move a trailing article to the front: "Matrix, The" → "The Matrix", "Haine, La" → "La Haine"."""
    title = title.strip()
    match = _TRAILING_ARTICLE.match(title)
    if not match:
        return title
    article = match.group("article")
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match.group('rest')}"


def split_trailing_parens(title: str) -> tuple[str, list[str]]:
    """Split "Amelie (Fabuleux destin d'Amélie Poulain, Le)" into the main title and parenthesized ones.

    One right-to-left scan, so a title of a million "()" costs linear time (a regex searched again after
    each group was quadratic). Groups hold no parentheses; a title that is only a group is kept whole.
    """
    extra: list[str] = []
    end = len(title)
    while True:
        close = end
        while close > 0 and title[close - 1].isspace():
            close -= 1
        if close == 0 or title[close - 1] != ")":
            break
        close -= 1
        # The nearest parenthesis before ")" must open the group: "[^()]*" inside it.
        opening = max(title.rfind("(", 0, close), title.rfind(")", 0, close))
        if opening < 0 or title[opening] != "(":
            break
        start = opening
        while start > 0 and title[start - 1].isspace():
            start -= 1
        if start == 0:
            break
        extra.append(title[opening + 1 : close].strip())
        end = start
    extra.reverse()
    return title[:end].strip(), extra


def title_key(title: str) -> str:
    """The key that matches one film across our sources (a title with its year): main title, article in
    front, no accents, & → and, lowercase, non-alphanumerics as single spaces."""
    main, _extra = split_trailing_parens(title)
    value = strip_accents(front_article(main)).lower().replace("&", " and ")
    return " ".join(_NON_ALNUM.sub(" ", value).split())
