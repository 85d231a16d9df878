"""Keyword search: a title by any of its names, a person by name, and words of the summaries.

Two steps. `candidates` finds, cheaply and in bounded number, the titles whose names look like the query
(pg_trgm's indexes on PostgreSQL, rapidfuzz over an in-process index on SQLite), the people it may name (the
person index, `catalog.people`) and the titles whose summary holds its words; every database gives the same
candidates for a real query, near enough. `rank`, plain Python, orders them the same way everywhere:

- a query that is a person's name ("kubrick", "de niro", "tarantion") lists that person's titles first, best
  first, with at most one title before them: a title matching the words at least as well ("Hitchcock");
- titles by how well one of their names matches (English, French, original, alternate: typos cost little,
  a leading article almost nothing, a query that is a run of words inside a longer name a little), near-ties
  going to fame (the votes a title has), so the famous film wins ("godfater": The Godfather, not 3
  Godfathers; "dark knight": The Dark Knight, then The Dark Knight Rises);
- titles whose summary holds every word of the query, last;
- nothing at all when nothing matches well: the answer says so rather than show unrelated titles.

A search can also look at the other media type, and say when its best match there is clearly better
("breaking bad" on movies: the TV show).
"""

import functools
import itertools
import math
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Length
from rapidfuzz import fuzz, process

from catalog.models import Credit, CreditRole, MediaType, Person, Title
from catalog.text import normalize_text

CANDIDATES = 200  # titles scored at most per query and media type, whatever the words
OTHER_CANDIDATES = 20  # for the other media type's best match
PEOPLE_CANDIDATES = 30
NAME_SEPARATOR = " | "
WORD_SIMILARITY = 0.6  # pg_trgm's word similarity a name needs to be a candidate (PostgreSQL)

PART_WEIGHT = 0.9  # the query is a run of words inside a longer name ("dark knight" in "… Rises")
ARTICLE_WEIGHT = 0.99  # equal once a leading article is dropped ("heat", "The Heat"): just below the same
PERSON_CANDIDATE_MIN = 0.8  # people named at least this well are candidates (Tuning.person_min chooses)
PERSON_FAME_SCALE = 40  # a person's fame (their titles', directed ones counted DIRECTOR_WEIGHT times) at 1
DIRECTOR_WEIGHT = 4  # a film directed counts as four acted in: what a surname is searched for (Ridley Scott)
OVERVIEW_RELEVANCE = 0.7  # every word of the query in the summary: found, after names
OTHER_MEDIA_MARGIN = 0.05  # the other media type's best match must beat ours by this to be pointed at

# Fame, 0 to 1: a title's votes on a log scale reaching 1 at these counts, for each source (weighted: a
# count of critics' reviews says less about an audience, and grows with the year a film came out).
FAME_SCALES = (("imdb_votes", 150_000, 1.0), ("movielens_ratings", 300, 1.0), ("critics_reviews", 400, 0.6))

_ARTICLE_COST = 1 - ARTICLE_WEIGHT + 1e-9
PREFIX = 3  # letters of a word that the in-process index finds names by
_ARTICLE_WORDS = frozenset(
    {"the", "a", "an", "le", "la", "les", "l", "un", "une", "el", "il", "der", "die", "das", "of", "de"}
)
_ARTICLES = (
    "the ",
    "a ",
    "an ",
    "le ",
    "la ",
    "les ",
    "l ",
    "un ",
    "une ",
    "el ",
    "il ",
    "der ",
    "die ",
    "das ",
)
_WORDS = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Tuning:
    """The ranking's tuned constants: `bench/search.py --tune` chose them on its validation set (seed 1:
    the most misspelt titles and people's names right and made-up names left unanswered; on a tie, the
    least weight to fame)."""

    min_relevance: float = 0.8  # a title matching less well is not shown: below it, "no good match"
    # How much fame moves a title above a better-named one: none (an exact tie still goes to fame, then to
    # the score: "godfater" is The Godfather, named better than 3 Godfathers anyway).
    fame_weight: float = 0.0
    # How much a person's fame, and a title's, weigh when a query names both ("birmdan": Birdman, not the
    # actress Serafima Birman; "tarantion": Quentin Tarantino, not the documentary Tarnation).
    person_fame_weight: float = 0.3
    person_min: float = 0.85  # a name this close to the query may be that person's ("kubrik" 0.92)


TUNING = Tuning()


@dataclass(frozen=True)
class SearchHit:
    """A title found: how well it matched, 0 to 1 (its best name, or the name of the person it is listed
    for, or OVERVIEW_RELEVANCE)."""

    pk: int
    relevance: float
    score: float | None


@dataclass(frozen=True)
class PersonHit:
    """A person the query names, whose titles lead the answer."""

    pk: int
    name: str
    role: str  # CreditRole: what they are known for (the titles of that role come first)
    relevance: float
    title_ids: tuple[int, ...]  # their titles of the media type searched, in the order listed


@dataclass(frozen=True)
class OtherMediaType:
    """The other media type's best match, when it is clearly better than ours."""

    media_type: str
    pk: int
    relevance: float


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    people: list[PersonHit] = field(default_factory=list)
    other: OtherMediaType | None = None
    candidates: int = 0  # titles scored: bounded, whatever the words

    @property
    def good_match(self) -> bool:
        return bool(self.hits)


def search_query(raw: str) -> str:
    """The query as the search columns store text: lowercase, accent-free, single spaces."""
    return normalize_text(re.sub(r"[^\w'&:.-]+", " ", raw))


@functools.lru_cache(maxsize=200_000)
def _plain(text: str) -> str:
    """Words only: "face/off" and "face off", "fast & furious" and "fast and furious" are the same."""
    return " ".join(_WORDS.findall(normalize_text(text).replace("&", " and ")))


def _bare(text: str) -> str:
    """Without a leading article: "the godfather" is "godfather"."""
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            return text[len(article) :]
    return text


@dataclass(frozen=True)
class Query:
    raw: str  # as the search columns store text (search_query)
    text: str  # words only
    bare: str  # and without a leading article
    words: tuple[str, ...]  # of `bare`

    @classmethod
    def of(cls, query: str) -> "Query":
        raw = search_query(query)
        text = _plain(raw)
        bare = _bare(text)
        return cls(raw=raw, text=text, bare=bare, words=tuple(bare.split()))


def name_relevance(query: Query, name: str) -> float:
    """1.0 for the same name, ARTICLE_WEIGHT when only a leading article differs; typos cost little ("pulp
    fiktion" 0.92); the query as a run of words inside a longer name costs PART_WEIGHT ("dark knight" in "The
    Dark Knight Rises")."""
    text = _plain(name)
    bare = _bare(text)
    best = max(fuzz.ratio(query.text, text), ARTICLE_WEIGHT * fuzz.ratio(query.bare, bare)) / 100
    words = bare.split()
    size = len(query.words)
    if size and len(words) > size:
        part = max(
            fuzz.ratio(query.bare, " ".join(words[i : i + n]))
            for n in {max(1, size - 1), size, size + 1}
            for i in range(len(words) - n + 1)
        )
        best = max(best, PART_WEIGHT * part / 100)
    return best


def fame(imdb_votes: int | None, movielens_ratings: int | None, critics_reviews: int | None) -> float:
    """How widely known a title is, 0 to 1 (FAME_SCALES)."""
    counts = (imdb_votes, movielens_ratings, critics_reviews)
    known = [
        weight * min(1.0, math.log1p(n) / math.log1p(scale))
        for n, (_field, scale, weight) in zip(counts, FAME_SCALES, strict=True)
        if n
    ]
    return max(known, default=0.0)


def person_relevance(query: Query, search_name: str) -> float:
    """How well the query names a person: their whole name, or its end ("kubrick", "de niro"), typos
    forgiven; a query of fewer than four letters is nobody's surname."""
    name = _plain(search_name)
    best = fuzz.ratio(query.text, name) / 100
    if len(query.text) >= 4:
        words = name.split()
        for i in range(1, len(words)):
            best = max(best, fuzz.ratio(query.text, " ".join(words[i:])) / 100)
    return best


# ---------------------------------------------------------------- candidates, then rank


@dataclass
class TitleCandidate:
    pk: int
    names: str  # search_title: every name, " | " between them
    score: float | None
    fame: float
    relevance: float = 0.0  # its best name's


@dataclass(frozen=True)
class PersonCandidate:
    pk: int
    name: str
    relevance: float
    credits: tuple[tuple[str, int, str, float | None], ...]  # (role, title pk, media type, title score)
    fame: float  # their titles' together
    surname_only: bool  # named by the end of their name alone ("kubrick"), not the whole of it


@dataclass(frozen=True)
class Candidates:
    query: Query
    media_type: str
    titles: list[TitleCandidate]  # of the media type, scored, best name first
    people: list[PersonCandidate]  # named at least PERSON_CANDIDATE_MIN, best named first
    overview: list[tuple[int, float | None]]  # (pk, score): only when nothing else matched, best score first
    other_titles: list[TitleCandidate] | None = None  # of the other media type, when asked for


def titles_search(*, query: str, media_type: str) -> list[SearchHit]:
    """Every title of the media type that matches well, in the order the answer lists them."""
    return search(query=query, media_type=media_type).hits


def search(
    *, query: str, media_type: str, other_media_type: bool = False, tuning: Tuning = TUNING
) -> SearchResult:
    """The answer to a keyword search: titles in order, the people named, and (when asked for) the other
    media type's best match if it is clearly better."""
    found = candidates(query=query, media_type=media_type, other_media_type=other_media_type, tuning=tuning)
    hits, people = rank(found, tuning=tuning)
    return SearchResult(
        hits=hits,
        people=people,
        other=_other_media_type(found, hits, tuning),
        candidates=len(found.titles) + len(found.overview),
    )


def candidates(
    *, query: str, media_type: str, other_media_type: bool = False, tuning: Tuning = TUNING
) -> Candidates:
    """What may answer the query, bounded: the titles named like it (scored; CANDIDATES of the media type,
    OTHER_CANDIDATES of the other when asked for), the people it may name and, when neither matches well,
    the titles whose summary holds its words."""
    parsed = Query.of(query)
    if not parsed.text:
        return Candidates(query=parsed, media_type=media_type, titles=[], people=[], overview=[])
    other = MediaType.TV if media_type == MediaType.MOVIE else MediaType.MOVIE
    limits: dict[str, int] = {media_type: CANDIDATES}
    if other_media_type:
        limits[other] = OTHER_CANDIDATES
    indexes = _memory_indexes(limits)
    found = _scored(_title_rows(parsed, limits, indexes), parsed)
    if len(found[media_type]) < CANDIDATES and not any(
        row.relevance >= tuning.min_relevance for row in found[media_type]
    ):
        # Nothing named well among the few names that begin like the query: compare it with every name (a
        # slip in each of its first letters, "les niaérables"; or nothing to find, and the answer says so).
        # Not when they were many: words that common ("silent river") were found where they are.
        again = _scored(_title_rows(parsed, {media_type: CANDIDATES}, indexes, thorough=True), parsed)
        found[media_type] = _unique([*found[media_type], *again[media_type]])
    titles = sorted(found.get(media_type, []), key=lambda r: -r.relevance)
    people = _people(parsed)
    named = bool(people) or any(row.relevance >= tuning.min_relevance for row in titles)
    return Candidates(
        query=parsed,
        media_type=media_type,
        titles=titles,
        people=people,
        overview=[] if named else _overview_matches(parsed, media_type),
        other_titles=found.get(other, []) if other_media_type else None,
    )


def _scored(found: dict[str, list[TitleCandidate]], query: Query) -> dict[str, list[TitleCandidate]]:
    for row in itertools.chain.from_iterable(found.values()):
        row.relevance = max(
            (name_relevance(query, name) for name in row.names.split(NAME_SEPARATOR) if name), default=0.0
        )
    return found


def rank(found: Candidates, *, tuning: Tuning = TUNING) -> tuple[list[SearchHit], list[PersonHit]]:
    """The answer's order: the people's titles first when the query names them (after at most one title
    that matches the words at least as well), then titles by relevance with near-ties to fame, then
    summaries; and the people listed."""
    rows = sorted(
        (row for row in found.titles if row.relevance >= tuning.min_relevance),
        key=lambda r: (-(r.relevance + tuning.fame_weight * r.fame), -r.fame, -(r.score or 0.0), r.pk),
    )
    named = [(person, *_person_titles(person, found.media_type)) for person in _named(found.people, tuning)]
    named = [(person, role, titles) for person, role, titles in named if titles]
    # The person's titles go first when their name, with their fame, beats every title's name with its
    # own; a title named like them counts as well named even with an article ("The King" for "king").
    weight = tuning.person_fame_weight
    title_level = max((row.relevance + _ARTICLE_COST + weight * row.fame for row in rows), default=0.0)
    fires = bool(named) and named[0][0].relevance + weight * _prominence(named[0][0].fame) > title_level
    if fires and named[0][0].surname_only:
        # A surname that is also a common word of titles ("love", "king") names them rather than someone
        # with fewer titles than that.
        holding = sum(row.relevance >= PART_WEIGHT - 1e-9 for row in found.titles)
        fires = holding <= len(named[0][2])
    hits: list[SearchHit] = []
    shown: set[int] = set()

    def add(pk: int, relevance: float, score: float | None) -> None:
        if pk not in shown:
            shown.add(pk)
            hits.append(SearchHit(pk=pk, relevance=round(relevance, 3), score=score))

    listed: list[PersonHit] = []
    if fires:
        leader = named[0][0]
        if rows and rows[0].relevance + _ARTICLE_COST >= leader.relevance:
            add(rows[0].pk, rows[0].relevance, rows[0].score)  # "Hitchcock" (2012) before Hitchcock's films
        if len(named) == 1:
            ordered = named[0][2]
        else:  # a pair (Joel and Ethan Coen): their titles together, best first
            together = {pk: score for _person, _role, titles in named for pk, score in titles}
            ordered = sorted(together.items(), key=lambda item: (-(item[1] or 0.0), item[0]))
        for pk, score in ordered:
            add(pk, leader.relevance, score)
        listed = [
            PersonHit(
                pk=person.pk,
                name=person.name,
                role=role,
                relevance=round(person.relevance, 3),
                title_ids=tuple(pk for pk, _score in titles),
            )
            for person, role, titles in named
        ]
    for row in rows:
        add(row.pk, row.relevance, row.score)
    for pk, score in found.overview:
        add(pk, OVERVIEW_RELEVANCE, score)
    return hits, listed


def _people(query: Query) -> list[PersonCandidate]:
    """The people the query may name (at least PERSON_CANDIDATE_MIN), with their credits and fame; `rank`
    chooses among them."""
    found = {
        pk: (relevance, name, search_name)
        for pk, name, search_name in _person_candidates(query)
        if (relevance := person_relevance(query, search_name)) >= PERSON_CANDIDATE_MIN
    }
    if not found:
        return []
    credits: dict[int, list[tuple[str, int, str, float | None]]] = {pk: [] for pk in found}
    fames = dict.fromkeys(found, 0.0)
    rows = Credit.objects.filter(person_id__in=found).values_list(
        "person_id",
        "role",
        "title_id",
        "title__media_type",
        "title__score",
        "title__imdb_votes",
        "title__movielens_ratings",
        "title__critics_reviews",
    )
    for person, role, title, kind, score, votes, ratings, reviews in rows:
        credits[person].append((role, title, kind, score))
        fames[person] += fame(votes, ratings, reviews) * (
            DIRECTOR_WEIGHT if role == CreditRole.DIRECTOR else 1
        )
    return sorted(
        (
            PersonCandidate(
                pk=pk,
                name=name,
                relevance=relevance,
                credits=tuple(credits[pk]),
                fame=fames[pk],
                surname_only=fuzz.ratio(query.text, _plain(search_name)) / 100 < relevance,
            )
            for pk, (relevance, name, search_name) in found.items()
            if credits[pk]
        ),
        key=lambda p: (-p.relevance, -p.fame, p.pk),
    )


def _named(people: list[PersonCandidate], tuning: Tuning) -> list[PersonCandidate]:
    """The person the query names: the best named (at least `person_min`), their fame counting
    (`person_fame_weight`: "gillam" is Terry Gilliam rather than an actress of one film so named, "jean
    reno" stays Jean Reno rather than Jean Renoir); with whoever works with them as an equal and is named
    as well (Joel and Ethan Coen for "coen")."""
    eligible = [p for p in people if p.relevance >= tuning.person_min]
    if not eligible:
        return []
    leader = max(
        eligible,
        key=lambda p: (p.relevance + tuning.person_fame_weight * _prominence(p.fame), p.fame, -p.pk),
    )
    return [leader] + [p for p in eligible if p is not leader and _pair(leader, p)]


def _pair(leader: PersonCandidate, other: PersonCandidate) -> bool:
    """Whether `other` works with `leader` as an equal (Joel and Ethan Coen): named as well, known for the
    same role, on mostly the same titles, and about as famous (not a relative in their films)."""
    theirs = {pk for _role, pk, _kind, _score in leader.credits}
    own = {pk for _role, pk, _kind, _score in other.credits}
    return (
        other.relevance >= leader.relevance
        and _main_role(other.credits) == _main_role(leader.credits)
        and 2 * len(own & theirs) >= len(own)
        and 2 * other.fame >= leader.fame
    )


def _prominence(person_fame: float) -> float:
    """A person's fame, 0 to 1 on a log scale: Stanley Kubrick 1, Hayao Miyazaki 0.6 (the embedded catalog
    credits five of his films), an actress of one film 0.1."""
    return min(1.0, math.log1p(person_fame) / math.log1p(PERSON_FAME_SCALE))


def _main_role(credits: Sequence[tuple[str, int, str, float | None]]) -> str:
    """What a person is known for: directing, when they directed at least a quarter (DIRECTOR_WEIGHT) as
    many titles as they acted in or wrote (Tarantino, Eastwood; not De Niro), else what they did most."""
    count = dict.fromkeys(CreditRole.values, 0)
    for role, *_rest in credits:
        count[role] += 1
    count[CreditRole.DIRECTOR] *= DIRECTOR_WEIGHT
    return max(CreditRole.values, key=lambda role: (count[role], role == CreditRole.DIRECTOR))


def _person_titles(person: PersonCandidate, media_type: str) -> tuple[str, list[tuple[int, float | None]]]:
    """Their titles of the media type, best first: those of their main role, then the others."""
    role = _main_role(person.credits)
    mine: dict[int, tuple[bool, float | None]] = {}
    for credit_role, pk, kind, score in person.credits:
        if kind == media_type:
            mine[pk] = (credit_role == role or mine.get(pk, (False, None))[0], score)
    ordered = sorted(mine.items(), key=lambda item: (not item[1][0], -(item[1][1] or 0.0), item[0]))
    return role, [(pk, score) for pk, (_main, score) in ordered]


def _other_media_type(found: Candidates, ours: list[SearchHit], tuning: Tuning) -> OtherMediaType | None:
    """The other media type's best match, when it beats ours by OTHER_MEDIA_MARGIN: a title there named
    like the query, or the first title there of the person it names."""
    if found.other_titles is None:
        return None
    other = MediaType.TV if found.media_type == MediaType.MOVIE else MediaType.MOVIE
    best = (0.0, 0)
    for row in found.other_titles:
        if row.relevance >= tuning.min_relevance and row.relevance > best[0]:
            best = (row.relevance, row.pk)
    for person in _named(found.people, tuning)[:1]:
        _role, titles = _person_titles(person, other)
        if titles and person.relevance > best[0]:
            best = (person.relevance, titles[0][0])
    mine = ours[0].relevance if ours else 0.0
    if best[1] and best[0] > mine + OTHER_MEDIA_MARGIN:
        return OtherMediaType(media_type=other, pk=best[1], relevance=round(best[0], 3))
    return None


# ---------------------------------------------------------------- candidates


def _title_rows(
    query: Query, limits: dict[str, int], indexes: dict[str, "_MemoryIndex"], *, thorough: bool = False
) -> dict[str, list[TitleCandidate]]:
    """Per media type, titles whose names look like the query, unscored: from the in-process index (every
    title on SQLite; the SEARCH_MEMORY_TITLES most voted on PostgreSQL, where typos people make in the
    titles they look for are found as on SQLite) and, on PostgreSQL, from the trigram index too (the
    others), each at most the media type's limit; `thorough`, comparing the query as a whole with every
    name in process rather than with those beginning like it (the trigram index has been asked already)."""
    found = {
        kind: indexes[kind].title_rows(query.text, limit, thorough=thorough) for kind, limit in limits.items()
    }
    beyond = {kind: limit for kind, limit in limits.items() if not indexes[kind].complete}
    if beyond and not thorough and connection.vendor == "postgresql":
        for kind, rows in _postgres_matches(query.bare, beyond, WORD_SIMILARITY).items():
            found[kind] = _unique([*found[kind], *rows])
    return found


def _person_candidates(query: Query) -> list[tuple[int, str, str]]:
    """(pk, name, search name) of the people whose names look most like the query, bounded: a query of one
    to four words (longer ones name a title, not a person)."""
    if not 1 <= len(query.text.split()) <= 4:
        return []
    return _people_index().candidates(query.text)


def _overview_matches(query: Query, media_type: str) -> list[tuple[int, float | None]]:
    """Titles whose summary (English or French) holds every word of the query as a word, best first."""
    words = [w for w in query.text.split() if len(w) >= 3][:6]
    if not words:
        return []
    if connection.vendor != "postgresql":
        return _memory_indexes([media_type])[media_type].overviews_with(words)
    # ILIKE, which the overviews' trigram indexes answer, then whole words here ("peak" is not "speak").
    clause = " AND ".join(["(overview_en ILIKE %s OR overview_fr ILIKE %s)"] * len(words))
    params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, score, overview_en, overview_fr FROM catalog_title "  # noqa: S608 - placeholders
            f"WHERE media_type = %s AND {clause} ORDER BY score DESC NULLS LAST, id LIMIT %s",
            [media_type, *params, CANDIDATES],
        )
        rows = cursor.fetchall()
    return [
        (pk, score)
        for pk, score, overview_en, overview_fr in rows
        if _overview_words(overview_en, overview_fr).issuperset(words)
    ]


def _overview_words(overview_en: str, overview_fr: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(normalize_text(f"{overview_en}\n{overview_fr}")))


def _unique(rows: list[TitleCandidate]) -> list[TitleCandidate]:
    return list({row.pk: row for row in rows}.values())


def _postgres_matches(text: str, limits: dict[str, int], threshold: float) -> dict[str, list[TitleCandidate]]:
    """Trigram matches on the names (the GIN index of migration 0003), at most each media type's limit.

    Bounded whatever the words: each media type's matches come most-voted first with a LIMIT, so where
    they are few (a real title, misspelt) the index finds them all, and where they are many (a query of
    common words, "silent river" among a million titles) PostgreSQL may walk the votes index instead and
    stop at the limit: the best-known of them are ranked, never every one. The words go without a leading
    article: "the" is in every other title."""
    columns = "id, media_type, search_title, score, imdb_votes, movielens_ratings, critics_reviews"
    one = (
        f"(SELECT {columns} FROM catalog_title WHERE media_type = %s AND %s <%% search_title "  # noqa: S608
        "ORDER BY votes DESC NULLS LAST, id LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(threshold)])
        cursor.execute(
            " UNION ALL ".join([one] * len(limits)),
            [p for kind, limit in limits.items() for p in (kind, text, limit)],
        )
        rows = cursor.fetchall()
    found: dict[str, list[TitleCandidate]] = {kind: [] for kind in limits}
    for pk, kind, names, score, votes, ratings, reviews in rows:
        found[kind].append(
            TitleCandidate(pk=pk, names=names, score=score, fame=fame(votes, ratings, reviews))
        )
    return found


# ---------------------------------------------------------------- in-process indexes


class _Beginnings:
    """Strings filed under three signatures of their first three letters, so that those a query could be
    with at most one slip in its first letters are found among a few hundredth of them: a letter replaced
    ("bubrick"), left out ("ubrick", "krubick"), added ("kkubrick") or two swapped ("ukbrick") still reach
    "kubrick". Two slips there, and only the other ways of finding it are left."""

    def __init__(self) -> None:
        self.filed: dict[tuple[int, str], list[int]] = {}

    def add(self, text: str, position: int) -> None:
        for kind, signature in ((0, text[0:2]), (1, text[1:3]), (2, text[0:1] + text[2:3])):
            self.filed.setdefault((kind, signature), []).append(position)

    def near(self, text: str) -> list[int]:
        q = text
        wanted = {
            (0, q[0:2]),  # the same two first letters
            (0, q[1:3]),  # a letter added in front
            (0, q[1:2] + q[0:1]),  # the first two swapped
            (0, q[0:1] + q[2:3]),  # a second letter added
            (1, q[1:3]),  # the first letter replaced
            (1, q[0:2]),  # the first letter left out
            (2, q[0:1] + q[2:3]),  # the second letter replaced
            (2, q[0:2]),  # the second letter left out
        }
        return sorted({i for signature in wanted for i in self.filed.get(signature, ())})


class _MemoryIndex:
    """The titles' names, score, fame and summary for one media type, rebuilt when the catalog changes:
    every title on SQLite, the SEARCH_MEMORY_TITLES most voted on PostgreSQL (about 15 MB for 100,000)."""

    def __init__(self, media_type: str, version: tuple, limit: int | None) -> None:
        self.version = version
        self.checked_at = time.monotonic()
        self.names: list[str] = []  # each name of each title, in words only
        self.name_owner: list[int] = []
        self.rows: dict[int, tuple[str, float | None, float]] = {}  # pk: (names, score, fame)
        self.starts: dict[str, list[int]] = {}  # a word's first letters: the names holding such a word
        self.beginnings = _Beginnings()  # the names, by how they begin (after an article)
        self.overviews: list[tuple[float, int, frozenset[str]]] = []  # (score, pk, words), best first
        titles = Title.objects.filter(media_type=media_type)
        if limit is not None:
            titles = titles.order_by(F("votes").desc(nulls_last=True), "pk")[:limit]
        values = titles.values_list(
            "pk",
            "search_title",
            "score",
            "imdb_votes",
            "movielens_ratings",
            "critics_reviews",
            "overview_en",
            "overview_fr",
        )
        for pk, names, score, votes, ratings, reviews, overview_en, overview_fr in values.iterator(
            chunk_size=5000
        ):
            self.rows[pk] = (names, score, fame(votes, ratings, reviews))
            for name in filter(None, names.split(NAME_SEPARATOR)):
                plain = _plain(name)
                for word in set(plain.split()):
                    self.starts.setdefault(word[:PREFIX], []).append(len(self.names))
                for beginning in {plain, _bare(plain)}:
                    self.beginnings.add(beginning, len(self.names))
                self.names.append(plain)
                self.name_owner.append(pk)
            if overview_en or overview_fr:
                self.overviews.append((score or 0.0, pk, _overview_words(overview_en, overview_fr)))
        self.overviews.sort(key=lambda row: (-row[0], row[1]))
        self.complete = limit is None or len(self.rows) < limit  # every title of the media type

    def title_rows(self, text: str, limit: int, *, thorough: bool = False) -> list[TitleCandidate]:
        """The names closest to the query as a whole among those beginning like it, and the names that
        hold it best among those with a word beginning like one of its words: a few thousand of the names
        compared, not all (the words' beginnings bear typos: see _Beginnings)."""
        found: dict[int, None] = {}
        tokens = text.split()
        # The query, without its article, and without a short first word (an article misspelt: "hte")
        starts = {text, _bare(text), " ".join(tokens[1:]) if len(tokens) > 1 and len(tokens[0]) <= 3 else ""}
        if thorough:
            near = list(range(len(self.names)))
        else:
            near = sorted({i for start in starts if start for i in self.beginnings.near(start)})
        whole = [self.names[i] for i in near]
        for _match, _score, j in process.extract(text, whole, scorer=fuzz.ratio, limit=limit):
            found[self.name_owner[near[j]]] = None
        words = {w[:PREFIX] for w in _bare(text).split() if w not in _ARTICLE_WORDS}
        positions = sorted({i for start in words for i in self.starts.get(start, ())})
        if positions:
            holding = [self.names[i] for i in positions]
            for _match, _score, j in process.extract(text, holding, scorer=fuzz.partial_ratio, limit=limit):
                found[self.name_owner[positions[j]]] = None
        return [
            TitleCandidate(pk=pk, names=self.rows[pk][0], score=self.rows[pk][1], fame=self.rows[pk][2])
            for pk in found
        ]

    def overviews_with(self, words: list[str]) -> list[tuple[int, float | None]]:
        found: list[tuple[int, float | None]] = [
            (pk, score) for score, pk, text in self.overviews if text.issuperset(words)
        ]
        return found[:CANDIDATES]


class _PeopleIndex:
    """Every person's name and each end of it ("stanley kubrick", "kubrick"; "de niro", "niro"), once, with
    the people it names, most credited first. In-process on every database: some 100,000 short keys for
    the embedded catalog, a query compared by rapidfuzz with those beginning like it (about a millisecond)."""

    def __init__(self, version: tuple) -> None:
        self.version = version
        self.checked_at = time.monotonic()
        self.people: dict[int, tuple[str, str]] = {}
        owners: dict[str, list[int]] = {}
        self.beginnings = _Beginnings()
        rows = Person.objects.order_by("-titles", "pk").values_list("pk", "name", "search_name")
        for pk, name, search_name in rows.iterator(chunk_size=20000):
            self.people[pk] = (name, search_name)
            words = _plain(search_name).split()
            for i in range(len(words)):
                owners.setdefault(" ".join(words[i:]), []).append(pk)
        self.owners = owners
        self.keys = list(owners)
        for position, key in enumerate(self.keys):
            self.beginnings.add(key, position)

    def candidates(self, text: str) -> list[tuple[int, str, str]]:
        """The people of the keys closest to the query (a name spelt right too: "gillam" is an actress's
        name, and a letter away from Terry Gilliam's), most credited first within a key."""
        cutoff = 100 * PERSON_CANDIDATE_MIN - 1
        keys = [self.keys[i] for i in self.beginnings.near(text)]
        matches = process.extract(text, keys, scorer=fuzz.ratio, limit=PEOPLE_CANDIDATES, score_cutoff=cutoff)
        pks = dict.fromkeys(pk for key, _score, _i in matches for pk in self.owners[key][:PEOPLE_CANDIDATES])
        return [(pk, *self.people[pk]) for pk in itertools.islice(pks, 2 * PEOPLE_CANDIDATES)]


_indexes: dict[str, _MemoryIndex] = {}
_people_indexes: dict[str, _PeopleIndex] = {}
_lock = threading.Lock()


def _memory_indexes(kinds: Iterable[str]) -> dict[str, _MemoryIndex]:
    """This process's in-process index of each media type, rebuilt when the catalog changed (checked at
    most every SEARCH_INDEX_RECHECK_SECONDS, in one query for them all)."""
    kinds = list(kinds)
    now = time.monotonic()
    if all(
        k in _indexes and now - _indexes[k].checked_at < settings.SEARCH_INDEX_RECHECK_SECONDS for k in kinds
    ):
        return {k: _indexes[k] for k in kinds}
    # The newest title and the latest change, both read from an index: cheap at a million titles. (A
    # title deleted meanwhile stays in the index until the next change: its cards are simply not found.)
    version = tuple(Title.objects.aggregate(last=Max("pk"), changed=Max("updated_at")).values())
    limit = settings.SEARCH_MEMORY_TITLES if connection.vendor == "postgresql" else None
    with _lock:
        for kind in kinds:
            index = _indexes.get(kind)
            if index is None or index.version != version:
                index = _indexes[kind] = _MemoryIndex(kind, version, limit)
            index.checked_at = time.monotonic()
        return {k: _indexes[k] for k in kinds}


def _people_index() -> _PeopleIndex:
    index = _people_indexes.get("all")
    if index is not None and time.monotonic() - index.checked_at < settings.SEARCH_INDEX_RECHECK_SECONDS:
        return index
    # Names are only ever added or removed, never changed: their count, last id and total length tell.
    version = tuple(
        Person.objects.aggregate(n=Count("pk"), last=Max("pk"), length=Sum(Length("search_name"))).values()
    )
    with _lock:
        index = _people_indexes.get("all")
        if index is None or index.version != version:
            index = _people_indexes["all"] = _PeopleIndex(version)
        index.checked_at = time.monotonic()
    return index
