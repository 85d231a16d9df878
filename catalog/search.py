"""Typo-tolerant search: titles first (English, French, original, alternate), then people, then overviews.

Candidates come from the database's own matcher (pg_trgm trigram indexes on PostgreSQL; rapidfuzz over a
cached in-process index on SQLite); the same scoring then ranks them, so both give the same best match.
"""

import re
import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q
from rapidfuzz import fuzz, process

from catalog.models import Title
from catalog.text import normalize_text

CANDIDATES = 200
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
    condition = Q()
    for word in words:
        condition &= Q(overview_en__icontains=word) | Q(overview_fr__icontains=word)
    matches = Title.objects.filter(condition, media_type=media_type).order_by("-score")
    return list(matches.values_list("pk", flat=True)[:CANDIDATES])


def _postgres_candidates(q: str, media_type: str) -> set[int]:
    """Trigram matches on titles; people by name (GIN indexes of migration 0003)."""
    with connection.cursor() as cursor:
        # pg_trgm's default word-similarity threshold (0.6) misses two-typo queries such as "ge tout".
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.3', false)")
        cursor.execute(
            "SELECT id FROM catalog_title WHERE media_type = %s AND %s <%% search_title "
            "ORDER BY word_similarity(%s, search_title) DESC, score DESC NULLS LAST LIMIT %s",
            [media_type, q, q, CANDIDATES],
        )
        found = {row[0] for row in cursor.fetchall()}
        # Cast lists are long: fuzzy word similarity over them is costly, so people match by substring
        # first ("kubrick"), and fuzzily (a stricter threshold) only when that finds nobody ("kubrik").
        cursor.execute(
            "SELECT id FROM catalog_title WHERE media_type = %s AND search_people LIKE %s "
            "ORDER BY score DESC NULLS LAST LIMIT %s",
            [media_type, f"%{q}%", CANDIDATES],
        )
        people = {row[0] for row in cursor.fetchall()}
        if not people:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.6', false)")
            cursor.execute(
                "SELECT id FROM catalog_title WHERE media_type = %s AND %s <%% search_people "
                "ORDER BY score DESC NULLS LAST LIMIT %s",
                [media_type, q, CANDIDATES],
            )
            people = {row[0] for row in cursor.fetchall()}
    return found | people


class _MemoryIndex:
    """Every title's names and people for one media type, rebuilt when the catalog changes."""

    def __init__(self, media_type: str, version: tuple) -> None:
        self.version = version
        self.names: list[str] = []
        self.name_owner: list[int] = []
        self.people: list[str] = []
        self.people_owner: list[int] = []
        values = Title.objects.filter(media_type=media_type).values_list(
            "pk", "search_title", "search_people"
        )
        for pk, names, people in values.iterator(chunk_size=5000):
            for name in filter(None, names.split(NAME_SEPARATOR)):
                self.names.append(name)
                self.name_owner.append(pk)
            for person in filter(None, people.split(NAME_SEPARATOR)):
                self.people.append(person)
                self.people_owner.append(pk)


_indexes: dict[str, _MemoryIndex] = {}
_lock = threading.Lock()


def _memory_index(media_type: str) -> _MemoryIndex:
    titles = Title.objects.filter(media_type=media_type)
    version = tuple(titles.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at")).values())
    with _lock:
        index = _indexes.get(media_type)
        if index is None or index.version != version:
            index = _indexes[media_type] = _MemoryIndex(media_type, version)
    return index


def _memory_candidates(q: str, media_type: str) -> set[int]:
    index = _memory_index(media_type)
    found: set[int] = set()
    for choices, owners, scorers in (
        (index.names, index.name_owner, (fuzz.ratio, fuzz.partial_ratio)),
        (index.people, index.people_owner, (fuzz.partial_ratio,)),
    ):
        for scorer in scorers:
            for _match, _score, position in process.extract(q, choices, scorer=scorer, limit=CANDIDATES):
                found.add(owners[position])
    return found
