"""Catalog reads shared by every app: finding titles by id or by title and year."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from catalog.models import Genre, MediaType, Title
from catalog.text import title_key


def titles_for_cards() -> QuerySet[Title]:
    """Titles with what a card shows, in a constant number of queries."""
    return Title.objects.prefetch_related(Prefetch("genres", queryset=Genre.objects.order_by("name_en")))


def title_find(
    *,
    title_id: int | None = None,
    tmdb_id: int | None = None,
    imdb_id: str | None = None,
    media_type: str | None = None,
) -> Title | None:
    """A title by our id, its IMDb id, or its TMDB id (TMDB numbers movies and TV shows separately)."""
    if title_id is not None:
        return Title.objects.filter(pk=title_id).first()
    if imdb_id is not None:
        return Title.objects.filter(imdb_id=imdb_id).first()
    if tmdb_id is not None:
        return Title.objects.filter(tmdb_id=tmdb_id, media_type=media_type or MediaType.MOVIE).first()
    return None


def titles_by_imdb_ids(imdb_ids: Iterable[str]) -> dict[str, Title]:
    ids = {i for i in imdb_ids if i}
    return {t.imdb_id: t for t in Title.objects.filter(imdb_id__in=ids)} if ids else {}


def titles_by_tmdb_ids(tmdb_ids: Iterable[int], *, media_type: str) -> dict[int, Title]:
    ids = {i for i in tmdb_ids if i}
    return {t.tmdb_id: t for t in Title.objects.filter(tmdb_id__in=ids, media_type=media_type)} if ids else {}


class TitleKeyIndex:
    """Titles by normalized title (English, French, original, alternate) and year, for rows without ids."""

    def __init__(self, media_types: Iterable[str]) -> None:
        self._index: dict[tuple[str, str], list[tuple[int | None, int]]] = defaultdict(list)
        rows = Title.objects.filter(media_type__in=set(media_types)).values_list(
            "pk", "media_type", "year", "title_en", "title_fr", "original_title", "alternate_titles"
        )
        for pk, media_type, year, *names in rows:
            alternates = names.pop()
            for key in {title_key(n) for n in (*names, *alternates) if n}:
                self._index[(media_type, key)].append((year, pk))

    def find(self, *, title: str, year: int | None, media_type: str) -> int | None:
        """The id of the one title with this name and year (±1, sources disagree on release years)."""
        candidates = self._index.get((media_type, title_key(title)), [])
        if year is None:
            return candidates[0][1] if len(candidates) == 1 else None
        for tolerance in (0, 1):
            close = {pk for y, pk in candidates if y is not None and abs(y - year) <= tolerance}
            if len(close) == 1:
                return close.pop()
            if close:
                return None  # ambiguous: better unmatched than wrong
        return None
