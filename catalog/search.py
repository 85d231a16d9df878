"""Typo-tolerant search: titles first (English, French, original, alternate), then people, then overviews.

Candidates come from the database's own matcher (pg_trgm trigram indexes on PostgreSQL; rapidfuzz over a
cached in-process index on SQLite); the same scoring then ranks them, so both give the same best match.
"""

import bisect
import itertools
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from catalog.models import Title
from catalog.text import normalize_text

CANDIDATES = 200
FEW_CANDIDATES = 10  # fewer strong title matches than this: look again with a looser threshold
MIN_RELEVANCE = 0.55
PEOPLE_WEIGHT = 0.8  # a person's name matching ranks below a title matching as well
OVERVIEW_RELEVANCE = 0.56  # every word of the query in the overview: found, but after names
NAME_SEPARATOR = " | "


@dataclass(frozen=True)
class SearchHit:
    pk: int
    relevance: float
    score: float | None


def search_query(raw: str) -> str:
    """The query as the search columns store text: lowercase, accent-free, single spaces."""
    return normalize_text(re.sub(r"[^\w'&:.-]+", " ", raw))


def _name_relevance(query: str, name: str) -> float:
    """1.0 for the same name; typos cost little ("pulp fiktion"); a query inside a longer name costs 10 %."""
    score = fuzz.ratio(query, name) / 100
    if len(query) >= 4 and len(name) > len(query):
        score = max(score, 0.9 * fuzz.partial_ratio(query, name) / 100)
    return score


def relevance(query: str, search_title: str, search_people: str, overview_hit: bool) -> float:
    names = max((_name_relevance(query, n) for n in search_title.split(NAME_SEPARATOR) if n), default=0.0)
    people = max((_name_relevance(query, p) for p in search_people.split(NAME_SEPARATOR) if p), default=0.0)
    return max(names, PEOPLE_WEIGHT * people, OVERVIEW_RELEVANCE if overview_hit else 0.0)


def titles_search(*, query: str, media_type: str) -> list[SearchHit]:
    """Every title of the media type that matches well enough, best first (relevance, then score)."""
    q = search_query(query)
    if not q:
        return []
    if connection.vendor == "postgresql":
        candidates = _postgres_candidates(q, media_type)
    else:
        candidates = _memory_candidates(q, media_type)
    overview_ids = set(_overview_matches(q, media_type))
    rows = Title.objects.filter(pk__in=candidates | overview_ids).values_list(
        "pk", "search_title", "search_people", "score"
    )
    hits = [
        SearchHit(pk=pk, relevance=round(relevance(q, names, people, pk in overview_ids), 3), score=score)
        for pk, names, people, score in rows
    ]
    hits = [h for h in hits if h.relevance >= MIN_RELEVANCE]
    hits.sort(key=lambda h: (-h.relevance, -(h.score or 0), h.pk))
    return hits


def _overview_matches(q: str, media_type: str) -> list[int]:
    words = [w for w in re.findall(r"\w+", q) if len(w) >= 3][:6]
    if not words:
        return []
    if connection.vendor == "postgresql":
        # ILIKE, not Django's UPPER(...) LIKE: only ILIKE can use the overviews' trigram indexes.
        clause = " AND ".join(["(overview_en ILIKE %s OR overview_fr ILIKE %s)"] * len(words))
        params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM catalog_title WHERE media_type = %s AND {clause} "  # noqa: S608 - placeholders
                "ORDER BY score DESC NULLS LAST LIMIT %s",
                [media_type, *params, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]
    return _memory_index(media_type).overviews_with(words)


def _postgres_candidates(q: str, media_type: str) -> set[int]:
    """Trigram matches on titles; people by name (GIN indexes of migration 0003)."""
    with connection.cursor() as cursor:
        # Word similarity at pg_trgm's default 0.6 finds the query inside longer names ("godfather"); when
        # that finds little, whole-name similarity at 0.3 finds misspelt titles ("ge tout", "pulp fiktion").
        # Both are answered by the GIN index; the settings last for this connection.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', '0.6', false), "
            "set_config('pg_trgm.similarity_threshold', '0.3', false)"
        )
        cursor.execute(
            "SELECT id FROM catalog_title WHERE media_type = %s AND %s <%% search_title "
            "ORDER BY word_similarity(%s, search_title) DESC, score DESC NULLS LAST LIMIT %s",
            [media_type, q, q, CANDIDATES],
        )
        found = {row[0] for row in cursor.fetchall()}
        if len(found) < FEW_CANDIDATES:
            cursor.execute(
                "SELECT id FROM catalog_title WHERE media_type = %s AND search_title %% %s "
                "ORDER BY similarity(search_title, %s) DESC, score DESC NULLS LAST LIMIT %s",
                [media_type, q, q, CANDIDATES],
            )
            found |= {row[0] for row in cursor.fetchall()}
        # Cast lists are long: fuzzy word similarity over them is costly, so people match by substring
        # first ("kubrick"), and fuzzily (a stricter threshold) only when that finds nobody ("kubrik").
        cursor.execute(
            "SELECT id FROM catalog_title WHERE media_type = %s AND search_people LIKE %s "
            "ORDER BY score DESC NULLS LAST LIMIT %s",
            [media_type, f"%{q}%", CANDIDATES],
        )
        people = {row[0] for row in cursor.fetchall()}
        if not people:
            cursor.execute(
                "SELECT id FROM catalog_title WHERE media_type = %s AND %s <%% search_people "
                "ORDER BY score DESC NULLS LAST LIMIT %s",
                [media_type, q, CANDIDATES],
            )
            people = {row[0] for row in cursor.fetchall()}
    return found | people


class _MemoryIndex:
    """Every title's names, people and overview for one media type, rebuilt when the catalog changes."""

    def __init__(self, media_type: str, version: tuple) -> None:
        self.version = version
        self.checked_at = time.monotonic()
        self.names: list[str] = []
        self.name_owner: list[int] = []
        self.people: list[str] = []
        self.people_owner: list[int] = []
        self.overviews: list[tuple[float, int, str]] = []  # (score, pk, lowercase text), best first
        values = Title.objects.filter(media_type=media_type).values_list(
            "pk", "search_title", "search_people", "overview_en", "overview_fr", "score"
        )
        for pk, names, people, overview_en, overview_fr, score in values.iterator(chunk_size=5000):
            for name in filter(None, names.split(NAME_SEPARATOR)):
                self.names.append(name)
                self.name_owner.append(pk)
            for person in filter(None, people.split(NAME_SEPARATOR)):
                self.people.append(person)
                self.people_owner.append(pk)
            if overview_en or overview_fr:
                self.overviews.append((score or 0.0, pk, normalize_text(f"{overview_en}\n{overview_fr}")))
        self.overviews.sort(key=lambda row: (-row[0], row[1]))
        # One string with every person: str.find scans it in C, far faster than a Python loop over names.
        self.people_blob = "\n".join(self.people)
        self.people_starts = list(itertools.accumulate((len(p) + 1 for p in self.people), initial=0))

    def people_containing(self, q: str) -> set[int]:
        owners: set[int] = set()
        position = self.people_blob.find(q)
        while position != -1 and len(owners) < CANDIDATES:
            owners.add(self.people_owner[bisect.bisect_right(self.people_starts, position) - 1])
            position = self.people_blob.find(q, position + 1)
        return owners

    def overviews_with(self, words: list[str]) -> list[int]:
        found = [pk for _score, pk, text in self.overviews if all(w in text for w in words)]
        return found[:CANDIDATES]


_indexes: dict[str, _MemoryIndex] = {}
_lock = threading.Lock()


def _memory_index(media_type: str) -> _MemoryIndex:
    index = _indexes.get(media_type)
    if index is not None and time.monotonic() - index.checked_at < settings.SEARCH_INDEX_RECHECK_SECONDS:
        return index
    titles = Title.objects.filter(media_type=media_type)
    version = tuple(titles.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at")).values())
    with _lock:
        index = _indexes.get(media_type)
        if index is None or index.version != version:
            index = _indexes[media_type] = _MemoryIndex(media_type, version)
        index.checked_at = time.monotonic()
    return index


def _memory_candidates(q: str, media_type: str) -> set[int]:
    """The same tiers as on PostgreSQL: fuzzy on titles; people by substring, fuzzily only if none match."""
    index = _memory_index(media_type)
    found: set[int] = set()
    for scorer in (fuzz.ratio, fuzz.partial_ratio):
        for _match, _score, position in process.extract(q, index.names, scorer=scorer, limit=CANDIDATES):
            found.add(index.name_owner[position])
    people = index.people_containing(q)
    if not people:
        matches = process.extract(q, index.people, scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=60)
        people = {index.people_owner[position] for _match, _score, position in matches}
    return found | people
