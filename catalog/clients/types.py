"""What our code sees of external catalog providers: protocols and frozen dataclasses, never provider JSON."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GenreItem:
    tmdb_id: int
    name: str


class TmdbClient(Protocol):
    def genres(self, *, media_type: str, language: str) -> list[GenreItem]:
        """TMDB's official genre list for movies or TV, named in `language` (e.g. "en", "fr-FR")."""
        ...
