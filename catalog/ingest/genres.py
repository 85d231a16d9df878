"""The Genre table: TMDB's movie and TV genres in English and French, live from TMDB or from our lists."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from catalog import curation
from catalog.genres import TMDB_GENRES, GenreSpec
from catalog.ingest import sources
from catalog.ingest.clients import get_tmdb_client, tmdb_is_configured
from catalog.ingest.sources import data_source_sync
from catalog.models import Genre, MediaType


@dataclass(frozen=True)
class GenreImportReport:
    created: int
    updated: int
    unchanged: int
    source: str  # "embedded" | "tmdb"


def genre_specs_embedded() -> list[GenreSpec]:
    """TMDB's official lists as kept in the repository (`catalog.genres.TMDB_GENRES`)."""
    return list(TMDB_GENRES)


def genre_specs_live() -> list[GenreSpec]:
    """The same lists fetched from TMDB now, in English and French.

    TMDB's fr-FR TV list leaves some names in English; there we keep our own French name.
    """
    client = get_tmdb_client()
    ours = {spec.tmdb_id: spec for spec in genre_specs_embedded()}
    merged: dict[int, dict[str, Any]] = {}
    for media_type in MediaType:
        english = {g.tmdb_id: g.name for g in client.genres(media_type=media_type, language="en")}
        french = {g.tmdb_id: g.name for g in client.genres(media_type=media_type, language="fr-FR")}
        for tmdb_id, name_en in english.items():
            name_fr = french.get(tmdb_id) or name_en
            if name_fr == name_en and tmdb_id in ours:
                name_fr = ours[tmdb_id].name_fr
            item = merged.setdefault(
                tmdb_id, {"name_en": name_en, "name_fr": name_fr, "movie": False, "tv": False}
            )
            item["movie" if media_type == MediaType.MOVIE else "tv"] = True
    return [
        GenreSpec(tmdb_id, g["name_en"], g["name_fr"], for_movies=g["movie"], for_tv=g["tv"])
        for tmdb_id, g in merged.items()
    ]


def genres_import(*, live: bool | None = None, missing_only: bool = False) -> GenreImportReport:
    """Upsert TMDB's genres; live from TMDB when a key is configured, else the lists in the repository.

    `missing_only` creates absent genres and leaves existing ones alone: a fallback to the repository's
    lists while TMDB is unreachable must not undo names and flags a live import wrote earlier.
    """
    use_live = tmdb_is_configured() if live is None else live
    specs = genre_specs_live() if use_live else genre_specs_embedded()
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {g.tmdb_id: g for g in Genre.objects.select_for_update()}
        locks = curation.locks_of(Genre, [g.pk for g in existing.values()])
        for spec in specs:
            values = {
                "name_en": spec.name_en,
                "name_fr": spec.name_fr,
                "for_movies": spec.for_movies,
                "for_tv": spec.for_tv,
            }
            genre = existing.get(spec.tmdb_id)
            if genre is None:
                Genre.objects.create(tmdb_id=spec.tmdb_id, **values)
                created += 1
                continue
            if missing_only:
                unchanged += 1
                continue
            # A name a curator edited stays theirs; the lock notes TMDB's (catalog.curation).
            allowed = curation.provider_values_split(
                Genre, genre.pk, values, curation.IMPORT_GENRES, locked=locks.get(genre.pk, set())
            )
            if any(getattr(genre, k) != v for k, v in allowed.items()):
                with curation.recorded_change(genre, reason=curation.IMPORT_GENRES):
                    curation.apply_provider_values(genre, allowed, curation.IMPORT_GENRES, locked=set())
                    genre.save()
                updated += 1
            else:
                unchanged += 1
    data_source_sync(sources.TMDB)
    return GenreImportReport(created, updated, unchanged, source="tmdb" if use_live else "embedded")
