"""The embedded catalog load: real films from open-data packages and the curated TV list, matched and
written in batches. Idempotent: a second run writes nothing."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from catalog import curation
from catalog.genres import film_genre_ids
from catalog.ingest import sources
from catalog.ingest.embedded import (
    CommunityMean,
    CuratedShow,
    EmbeddedPaths,
    FilmRecord,
    MovieLensTitle,
    RatingRecord,
    Summary,
    best_rating,
    movielens_means,
    read_curated_tv,
    read_films,
    read_movielens,
    read_movielens_ratings,
    read_ratings,
    read_summaries,
)
from catalog.ingest.french import (
    french_evidence,
    has_french_side,
    looks_english,
    looks_french,
    original_language,
    read_curated_french_titles,
)
from catalog.ingest.genres import genres_import
from catalog.ingest.similarity import neighbours_rebuild
from catalog.ingest.sources import data_source_sync
from catalog.models import DataSource, Genre, MediaType, Title, TitleNeighbour, title_names
from catalog.ranking import titles_rescore
from catalog.signals import community_ratings_read
from catalog.text import title_key
from catalog.validators import title_values_repair

BATCH_SIZE = 500


@dataclass
class SourceCounts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0
    skipped: int = 0
    links_changed: int = 0
    repaired: Counter[str] = field(default_factory=Counter)  # field → values the validators refused


@dataclass
class CatalogLoadReport:
    counts: dict[str, SourceCounts] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.links_changed for c in self.counts.values())

    def of(self, key: str) -> SourceCounts:
        return self.counts.setdefault(key, SourceCounts())


# Fields the embedded load owns; a title refreshed from TMDB/OMDb (cache_update_date set) is left alone.
_FILM_FIELDS = (
    "media_type",
    "imdb_id",
    "title_en",
    "title_fr",
    "original_title",
    "original_language",
    "alternate_titles",
    "overview_en",
    "year",
    "release_date",
    "runtime",
    "movielens_id",
    "imdb_rating",
    "imdb_votes",
    "rating_source_id",
    "critics_rating",
    "critics_reviews",
    "critics_meter",
    "metacritic",
    "movielens_rating",
    "movielens_ratings",
    "directors",
    "writers",
    "cast",
    "countries",
    "source_id",
    "source_key",
    "overview_source_id",
    "provenance",
)
_TV_FIELDS = (
    "media_type",
    "title_en",
    "title_fr",
    "original_title",
    "original_language",
    "year",
    "first_air_year",
    "last_air_year",
    "countries",
    "source_id",
    "source_key",
    "provenance",
)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


# MovieLens films that are a Wikidata film whose year differs by more than one (a festival year against a
# release year, or Wikidata's error): checked by hand against the film's director and IMDb page.
SAME_FILM_OTHER_YEAR: dict[tuple[str, int], str] = {
    ("paranormal activity", 2009): "tt1179904",  # Oren Peli; Wikidata 2007 (festival)
    ("andrei rublev", 1969): "tt0060107",  # Tarkovsky; Wikidata 1966 (completed), MovieLens 1969 (Cannes)
    ("forbidden zone", 1980): "tt0080752",  # Richard Elfman; Wikidata 1982
    ("tai chi master", 1993): "tt0108281",  # Yuen Woo-ping; Wikidata 1996 (US release)
    ("a league of ordinary gentlemen", 2004): "tt0430289",  # Christopher Browne; Wikidata 2006
}


class FilmMatcher:
    """Finds, for each film of the base, its IMDb rating, MovieLens titles and Wikipedia overview."""

    def __init__(
        self,
        films: Sequence[FilmRecord],
        ratings: dict[str, list[RatingRecord]],
        movielens: Sequence[MovieLensTitle],
        summaries: Sequence[Summary],
    ) -> None:
        self.ratings = ratings
        by_key: dict[str, list[FilmRecord]] = {}
        for film in films:
            by_key.setdefault(film.key, []).append(film)
        self.movielens = self._match_unique(by_key, ((m, m.keys, m.year) for m in movielens))
        known = {f.imdb_id for f in films}
        matched = {lens.movie_id for lens in self.movielens.values()}
        for lens in movielens:
            imdb_id = SAME_FILM_OTHER_YEAR.get((lens.keys[0], lens.year or 0)) if lens.keys else None
            if imdb_id in known and imdb_id not in self.movielens and lens.movie_id not in matched:
                self.movielens[imdb_id] = lens
        self.summaries = self._match_unique(by_key, ((s, (s.key,), s.year) for s in summaries))

    @staticmethod
    def _match_unique(
        by_key: dict[str, list[FilmRecord]], items: Iterable[tuple[Any, tuple[str, ...], int | None]]
    ):
        """imdb_id → item, when the item's title and year (±1) designate exactly one film."""
        matched: dict[str, Any] = {}
        taken: Counter[str] = Counter()
        for item, keys, year in items:
            if year is None:
                continue
            candidates = {f.imdb_id: f for key in keys for f in by_key.get(key, ())}
            for tolerance in (0, 1):
                close = [
                    f for f in candidates.values() if f.year is not None and abs(f.year - year) <= tolerance
                ]
                if close:
                    break
            if len(close) == 1:
                matched.setdefault(close[0].imdb_id, item)
                taken[close[0].imdb_id] += 1
        # Two different items claiming one film: trust neither.
        return {imdb_id: item for imdb_id, item in matched.items() if taken[imdb_id] == 1}

    def rating(self, film: FilmRecord) -> RatingRecord | None:
        """By the film's title, else by its MovieLens titles ("Fabuleux destin d'Amélie Poulain, Le")."""
        lens = self.movielens.get(film.imdb_id)
        for key in (film.key, *(lens.keys if lens else ())):
            if found := best_rating(self.ratings.get(key, []), film.year):
                return found
        return None


def _decimal2(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


@dataclass(frozen=True)
class FilmNames:
    """A film's original language and its titles: original, French (with where it came from), others."""

    language: str
    original: str
    title_fr: str
    title_fr_from: str  # "curated", "original", "movielens" or "" (none)
    alternates: list[str]


_ROMANCE = frozenset({"it", "es", "pt", "ca", "ro"})


def _french_title(
    curated: str | None, language: str, original: str, alternates: Sequence[str], *, french_side: bool
) -> tuple[str, str]:
    """The French title and where it came from: the curated release title, else a French-language film's
    original title, else a MovieLens alternate that reads as French when the film has a French side (and
    is not in another Romance language, whose titles look alike: "L'Eclisse", "L'Avventura")."""
    if curated:
        return curated, "curated"
    if language == "fr" and original and not looks_english(original):
        return original, "original"
    if french_side and language not in _ROMANCE:
        for name in alternates:
            if name != original and looks_french(name):
                return name, "movielens"
    return "", ""


def _french_original(names: Sequence[str]) -> str:
    """The name that reads most as French, if one does ("Joyeux Noël", not "Merry Christmas")."""
    best = max(names, key=french_evidence, default="")
    return best if best and french_evidence(best) > 0 else ""


def film_names(
    film: FilmRecord, lens: MovieLensTitle | None, curated_fr: dict[tuple[str, int], str]
) -> FilmNames:
    """Names of a Wikidata film: its languages come in alphabetical order; MovieLens gives the original
    title beside the English one, mostly after it ("The 400 Blows (Les quatre cents coups)"), sometimes
    before ("Joyeux Noël (Merry Christmas)"): the original is the name in parentheses unless it reads as
    English, and for a French film the name that reads most as French. See catalog/ingest/french.py."""
    lens_names = [n for n in (lens.original_title, lens.title) if n] if lens else []
    ml_original = lens.original_title if lens and lens.original_title else ""
    if ml_original and not looks_english(ml_original):
        foreign = ml_original
    elif lens and lens.title != film.title and not looks_english(lens.title):
        foreign = lens.title
    else:
        foreign = ""
    language = original_language(film.languages, film.countries, foreign_title=foreign)
    untranslated = lens.title if lens and not looks_english(lens.title) else ""  # "Delicatessen"
    if language == "en":
        original = film.title
    elif language == "fr":
        original = _french_original([*lens_names, film.title]) or foreign or untranslated
    else:
        original = foreign or untranslated
    original = " ".join(original.split())
    others = [t for t in ((lens.title, *lens.other_titles) if lens else ()) if t]
    title_fr, title_fr_from = _french_title(
        curated_fr.get((film.key, film.year)) if film.year else None,
        language,
        original,
        [t for t in others if t != film.title],
        french_side=has_french_side(film.languages, film.countries),
    )
    alternates = [t for t in others if t not in (film.title, original, title_fr)]
    return FilmNames(language, original, title_fr, title_fr_from, list(dict.fromkeys(alternates)))


def movielens_names(lens: MovieLensTitle, curated_fr: dict[tuple[str, int], str]) -> FilmNames:
    """Names of a film only MovieLens knows: no language is given, so only a French one is known, by a
    name reading as French ("The Rules of the Game (La règle du jeu)")."""
    ml_original = lens.original_title or ""
    french = _french_original([n for n in (ml_original, lens.title) if n])
    language = "fr" if french else ""
    if french:
        original = french
    elif ml_original and not looks_english(ml_original):
        original = ml_original
    else:
        original = lens.title
    original = " ".join(original.split())
    curated = curated_fr.get((title_key(lens.title), lens.year)) if lens.year else None
    title_fr, title_fr_from = _french_title(curated, language, original, lens.other_titles, french_side=True)
    alternates = [t for t in lens.other_titles if t not in (lens.title, original, title_fr)]
    return FilmNames(language, original, title_fr, title_fr_from, list(dict.fromkeys(alternates)))


def _film_values(
    film: FilmRecord,
    matcher: FilmMatcher,
    src: dict[str, DataSource],
    community: dict[int, CommunityMean],
    curated_fr: dict[tuple[str, int], str],
) -> dict[str, Any]:
    rating = matcher.rating(film)
    lens: MovieLensTitle | None = matcher.movielens.get(film.imdb_id)
    mean = community.get(lens.movie_id) if lens else None
    summary: Summary | None = matcher.summaries.get(film.imdb_id)
    names = film_names(film, lens, curated_fr)
    provenance: dict[str, Any] = {}
    if lens:
        provenance["movielens_title"] = lens.title
    if summary:
        provenance["overview_article"] = summary.article
    if rating and rating.genres is not None:  # IMDb's genre flags as of 2005: they decide six genres
        provenance["imdb_genres"] = list(rating.genres)
    _record_french_title(provenance, names)
    return {
        "media_type": MediaType.MOVIE,
        "imdb_id": film.imdb_id,
        "title_en": film.title,
        "title_fr": names.title_fr,
        "original_title": names.original,
        "original_language": names.language,
        "alternate_titles": names.alternates,
        "overview_en": summary.text if summary else "",
        "year": film.year,
        "release_date": film.release_date,
        "runtime": film.runtime,
        "movielens_id": lens.movie_id if lens else None,
        "imdb_rating": _decimal(rating.rating) if rating else None,
        "imdb_votes": rating.votes if rating else None,
        "rating_source_id": src["ggplot2movies"].pk if rating else None,
        "critics_rating": _decimal(film.critics_rating),
        "critics_reviews": film.critics_reviews,
        "critics_meter": film.critics_meter,
        "metacritic": film.metacritic,
        "movielens_rating": _decimal2(mean.stars) if mean else None,
        "movielens_ratings": mean.count if mean else None,
        "directors": list(film.directors),
        "writers": list(film.writers),
        "cast": list(film.cast),
        "countries": list(film.countries),
        "source_id": src["films"].pk,
        "source_key": film.imdb_id,
        "overview_source_id": src["wikipedia"].pk if summary else None,
        "provenance": provenance,
    }


def _record_french_title(provenance: dict[str, Any], names: FilmNames) -> None:
    """The French title the load wrote, and its origin: a later load replaces a title_fr only while it is
    still this one (see `_Upserter`), so one a curator typed or an import filled in stays."""
    provenance["title_fr"] = names.title_fr
    if names.title_fr_from:
        provenance["title_fr_from"] = names.title_fr_from


def _movielens_values(
    lens: MovieLensTitle,
    rating: RatingRecord | None,
    mean: CommunityMean | None,
    src: dict[str, DataSource],
    curated_fr: dict[tuple[str, int], str],
) -> dict[str, Any]:
    """A film the Wikidata snapshot lacks, as MovieLens knows it: titles, year, community mean (and IMDb's
    2005 rating when ggplot2movies has the film). No IMDb id: MovieLens's links are not in the dataset."""
    names = movielens_names(lens, curated_fr)
    provenance: dict[str, Any] = {"movielens_title": lens.title}
    if rating and rating.genres is not None:
        provenance["imdb_genres"] = list(rating.genres)
    _record_french_title(provenance, names)
    return {
        "media_type": MediaType.MOVIE,
        "imdb_id": None,
        "title_en": lens.title,
        "title_fr": names.title_fr,
        "original_title": names.original,
        "original_language": names.language,
        "alternate_titles": names.alternates,
        "overview_en": "",
        "year": lens.year,
        "release_date": None,
        "runtime": None,
        "movielens_id": lens.movie_id,
        "imdb_rating": _decimal(rating.rating) if rating else None,
        "imdb_votes": rating.votes if rating else None,
        "rating_source_id": src["ggplot2movies"].pk if rating else None,
        "critics_rating": None,
        "critics_reviews": None,
        "critics_meter": None,
        "metacritic": None,
        "movielens_rating": _decimal2(mean.stars) if mean else None,
        "movielens_ratings": mean.count if mean else None,
        "directors": [],
        "writers": [],
        "cast": [],
        "countries": [],
        "source_id": src["movielens"].pk,
        "source_key": str(lens.movie_id),
        "overview_source_id": None,
        "provenance": provenance,
    }


def _tv_values(show: CuratedShow, src: dict[str, DataSource]) -> dict[str, Any]:
    return {
        "media_type": MediaType.TV,
        "title_en": show.title_en,
        "title_fr": show.title_fr,
        "original_title": show.original_title,
        "original_language": show.original_language,
        "year": show.first_air_year,
        "first_air_year": show.first_air_year,
        "last_air_year": show.last_air_year,
        "countries": list(show.countries),
        "source_id": src["tv"].pk,
        "source_key": show.source_key,
        "provenance": {"curated": True, "title_fr": show.title_fr},
    }


def _keep_french_title(title: Title, values: dict[str, Any]) -> dict[str, Any]:
    """A French title the load did not write stays: a curator's (admin) or an IMDb import's (which fills
    blanks). The load replaces only its own, recorded in provenance; a title loaded before that record held
    either nothing or its original title there."""
    current = title.title_fr
    provenance = title.provenance if isinstance(title.provenance, dict) else {}
    written = provenance.get("title_fr", title.original_title)
    if current and current != written and current != values["title_fr"]:
        return {**values, "title_fr": current}
    return values


class _Upserter:
    """Batched create-or-update of titles and their genre links; a second run writes nothing."""

    def __init__(self, fields: Sequence[str], counts: SourceCounts) -> None:
        self.fields = fields
        self.counts = counts
        self.links = Title.genres.through

    def run(self, batch: list[tuple[dict[str, Any], list[int]]], lookup: dict[str, Any]) -> None:
        """`batch`: (field values, genre ids) per title; `lookup`: how to find existing rows of this batch."""
        existing = {self._key(t): t for t in Title.objects.filter(**lookup)}
        # Fields a curator edited stay theirs (catalog.curation): all locks, a small table, per batch so
        # that an edit made while the load runs is respected too.
        locks = curation.locks_of(Title)
        to_create: list[Title] = []
        to_update: list[Title] = []
        wanted_links: dict[int, list[int]] = {}
        new_titles: list[tuple[Title, list[int]]] = []
        for values, genre_ids in batch:
            # What the admin would refuse is never stored: cheap checks of the fields validators cover.
            self.counts.repaired.update(title_values_repair(values))
            title = existing.get(self._key_of(values))
            if title is None:
                title = Title(**values)
                title.refresh_search_fields()
                to_create.append(title)
                new_titles.append((title, genre_ids))
                continue
            if title.cache_update_date is not None:  # refreshed from providers since: theirs is newer
                self.counts.skipped += 1
                continue
            locked = locks.get(title.pk, set())
            if "title_fr" not in locked:  # a locked one notes the load's own
                values = _keep_french_title(title, values)
            current = {name: getattr(title, name) for name in self.fields}
            allowed = curation.apply_provider_values(
                title, {**values, curation.GENRES: genre_ids}, curation.LOAD_CATALOG, locked=locked
            )
            changed = [name for name in self.fields if name in allowed and current[name] != allowed[name]]
            if changed:
                title.refresh_search_fields()
                to_update.append(title)
            if curation.GENRES in allowed:
                wanted_links[title.pk] = genre_ids
            if not changed:
                self.counts.unchanged += 1
        with transaction.atomic():
            links = self._current_links(wanted_links)
            relinked = {pk for pk, ids in wanted_links.items() if set(ids) != links.get(pk, set())}
            # History only for rows that exist and change: a fresh catalog's bulk create writes none.
            touched = sorted({t.pk for t in to_update} | relinked)
            curation.history_baseline(Title, touched)
            Title.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            if to_update:
                Title.objects.bulk_update(
                    to_update, [*self.fields, "search_title", "search_people"], batch_size=BATCH_SIZE
                )
            for title, genre_ids in new_titles:
                wanted_links[title.pk] = genre_ids  # new titles have no links yet
            self._sync_links(wanted_links, links)
            curation.history_record(Title, touched, reason=curation.LOAD_CATALOG)
        self.counts.created += len(to_create)
        self.counts.updated += len(to_update)

    def _current_links(self, title_ids: Iterable[int]) -> dict[int, set[int]]:
        current: dict[int, set[int]] = {}
        for title_id, genre_id in self.links.objects.filter(title_id__in=list(title_ids)).values_list(
            "title_id", "genre_id"
        ):
            current.setdefault(title_id, set()).add(genre_id)
        return current

    def _sync_links(self, wanted: dict[int, list[int]], current: dict[int, set[int]]) -> None:
        add, remove = [], []
        for title_id, genre_ids in wanted.items():
            have = current.get(title_id, set())
            add += [self.links(title_id=title_id, genre_id=g) for g in set(genre_ids) - have]
            remove += [(title_id, g) for g in have - set(genre_ids)]
        self.links.objects.bulk_create(add, batch_size=BATCH_SIZE)
        if remove:
            pairs = Q()
            for title_id, genre_id in remove:
                pairs |= Q(title_id=title_id, genre_id=genre_id)
            self.links.objects.filter(pairs).delete()
        self.counts.links_changed += len(add) + len(remove)

    @staticmethod
    def _key(title: Title) -> tuple[int, str]:
        return (title.source_id, title.source_key)

    @staticmethod
    def _key_of(values: dict[str, Any]) -> tuple[int, str]:
        return (values["source_id"], values["source_key"])


def catalog_load_embedded(
    *, paths: EmbeddedPaths | None = None, limit: int | None = None, progress: bool = True
) -> CatalogLoadReport:
    """Load the embedded catalog: real films from open data, and the curated TV list. Idempotent.

    Films are keyed by IMDb id; a source file that is not installed is skipped and said in the notes.
    """
    paths = paths or EmbeddedPaths.installed()
    report = CatalogLoadReport()
    if not Genre.objects.exists():
        genres_import(live=False)
    genre_pk = dict(Genre.objects.values_list("tmdb_id", "pk"))

    # Community ratings: the recommender learns from them (below), and each film keeps their mean.
    ratings = read_movielens_ratings(paths.movielens) if paths.movielens else None
    if paths.movies_db is None:
        report.notes.append("bokeh_sampledata is not installed: no films loaded.")
    else:
        _load_films(
            paths,
            paths.movies_db,
            limit=limit,
            progress=progress,
            report=report,
            genre_pk=genre_pk,
            community=movielens_means(ratings or []),
        )
    if paths.curated_tv is None:
        report.notes.append("No curated TV list: no TV shows loaded.")
    else:
        _load_curated_tv(paths.curated_tv, limit=limit, report=report)
    for media_type in MediaType:
        titles_rescore(media_type=media_type)
    # A database built before the similar lists existed gets them from its next (otherwise unchanged) load.
    if report.changed or not TitleNeighbour.objects.filter(kind=TitleNeighbour.Kind.SIMILAR).exists():
        built = neighbours_rebuild(ratings=ratings, progress=progress)
        report.of("similar-titles").created = sum(built.values())
    if ratings is not None:  # the recommender learns from these: it listens (recommendations/receivers.py)
        # What each receiver returned (the stubs say str | None; ours return a count).
        stored: Sequence[tuple[object, object]] = community_ratings_read.send(
            sender=catalog_load_embedded, ratings=ratings
        )
        report.of("community-ratings").created = sum(
            count for _receiver, count in stored if isinstance(count, int)
        )
    return report


def _load_films(
    paths: EmbeddedPaths,
    movies_db: Path,
    *,
    limit: int | None,
    progress: bool,
    report: CatalogLoadReport,
    genre_pk: dict[int, int],
    community: dict[int, CommunityMean],
) -> None:
    films_counts = report.of(sources.BOKEH_MOVIES.key)
    all_films: list[FilmRecord] = []  # every film, so matching and deduplication see them all
    seen: set[str] = set()
    for film in read_films(movies_db):
        films_counts.read += 1
        if film.imdb_id in seen:  # two rows of one IMDb title (a re-release): keep the first
            films_counts.skipped += 1
            continue
        seen.add(film.imdb_id)
        all_films.append(film)
    films = all_films[:limit] if limit else all_films
    curated_fr = read_curated_french_titles(paths.french_titles) if paths.french_titles else {}
    ratings = read_ratings(paths.ratings) if paths.ratings else {}
    movielens = read_movielens(paths.movielens) if paths.movielens else []
    summaries = read_summaries(paths.summaries) if paths.summaries else []
    for missing, name in (
        (paths.ratings, "ggplot2movies ratings"),
        (paths.movielens, "MovieLens titles"),
        (paths.summaries, "Wikipedia summaries"),
    ):
        if missing is None:
            report.notes.append(f"{name} not installed: skipped.")
    report.of(sources.GGPLOT2_MOVIES.key).read = sum(len(v) for v in ratings.values())
    report.of(sources.MOVIELENS.key).read = len(movielens)
    report.of(sources.WIKIPEDIA.key).read = len(summaries)

    matcher = FilmMatcher(all_films, ratings, movielens, summaries)
    src = {
        "films": data_source_sync(sources.BOKEH_MOVIES, loaded=True),
        "ggplot2movies": data_source_sync(sources.GGPLOT2_MOVIES, loaded=bool(ratings)),
        "movielens": data_source_sync(sources.MOVIELENS, loaded=bool(movielens)),
        "wikipedia": data_source_sync(sources.WIKIPEDIA, loaded=bool(summaries)),
    }
    upserter = _Upserter(_FILM_FIELDS, films_counts)
    bar = tqdm(total=len(films), desc="Films", unit="film", disable=not progress)
    for start in range(0, len(films), BATCH_SIZE):
        chunk = films[start : start + BATCH_SIZE]
        batch = []
        for film in chunk:
            values = _film_values(film, matcher, src, community, curated_fr)
            lens = matcher.movielens.get(film.imdb_id)
            rating = matcher.rating(film)
            ids = film_genre_ids(
                wikidata=film.genres,
                movielens=lens.genres if lens else (),
                imdb_flags=rating.genres if rating else None,
            )
            batch.append((values, [genre_pk[i] for i in ids if i in genre_pk]))
        upserter.run(batch, {"source": src["films"], "source_key__in": [f.imdb_id for f in chunk]})
        bar.update(len(chunk))
    bar.close()
    report.of(sources.GGPLOT2_MOVIES.key).matched = sum(1 for f in films if matcher.rating(f))
    report.of(sources.MOVIELENS.key).matched = sum(1 for f in films if f.imdb_id in matcher.movielens)
    report.of(sources.WIKIPEDIA.key).matched = sum(1 for f in films if f.imdb_id in matcher.summaries)

    lens_only = movielens_only(all_films, matcher, movielens)
    if limit:  # at most `limit` films in all
        lens_only = lens_only[: max(0, limit - len(films))]
    _load_movielens_films(
        lens_only,
        ratings=ratings,
        community=community,
        src=src,
        curated_fr=curated_fr,
        genre_pk=genre_pk,
        counts=report.of(sources.MOVIELENS.key),
    )


def _other_titles_index() -> dict[str, list[int]]:
    """Title key → years of the movies already in the database from elsewhere (TMDB, IMDb's datasets),
    under every name they have."""
    index: dict[str, list[int]] = {}
    embedded = [sources.BOKEH_MOVIES.key, sources.MOVIELENS.key]
    rows = (
        Title.objects.filter(media_type=MediaType.MOVIE, year__isnull=False)
        .exclude(source__key__in=embedded)
        .values_list("title_en", "title_fr", "original_title", "alternate_titles", "year")
    )
    for title_en, title_fr, original, alternates, year in rows.iterator(chunk_size=5000):
        for name in title_names(title_en, title_fr, original, alternates or []):
            index.setdefault(title_key(name), []).append(int(year or 0))
    return index


def movielens_only(
    films: Sequence[FilmRecord], matcher: FilmMatcher, movielens: Sequence[MovieLensTitle]
) -> list[MovieLensTitle]:
    """The MovieLens films no film of ours is: none of their titles names a film of the Wikidata snapshot,
    an already loaded movie from elsewhere, or an earlier one of these, within a year of theirs."""
    years: dict[str, list[int]] = _other_titles_index()
    for film in films:
        if film.year is not None:
            years.setdefault(film.key, []).append(film.year)
    matched = {lens.movie_id for lens in matcher.movielens.values()}
    missing = []
    for lens in movielens:
        year = lens.year
        if lens.movie_id in matched or year is None:
            continue
        if any(abs(other - year) <= 1 for key in lens.keys for other in years.get(key, ())):
            continue
        missing.append(lens)
        for key in lens.keys:
            years.setdefault(key, []).append(year)
    return missing


def _load_movielens_films(
    missing: Sequence[MovieLensTitle],
    *,
    ratings: dict[str, list[RatingRecord]],
    community: dict[int, CommunityMean],
    src: dict[str, DataSource],
    curated_fr: dict[tuple[str, int], str],
    genre_pk: dict[int, int],
    counts: SourceCounts,
) -> None:
    """Write the films only MovieLens knows, keyed by their MovieLens id, with MovieLens as their source."""
    upserter = _Upserter(_FILM_FIELDS, counts)
    for start in range(0, len(missing), BATCH_SIZE):
        chunk = missing[start : start + BATCH_SIZE]
        batch = []
        for lens in chunk:
            rating = next(
                (r for key in lens.keys if (r := best_rating(ratings.get(key, []), lens.year))), None
            )
            values = _movielens_values(lens, rating, community.get(lens.movie_id), src, curated_fr)
            ids = film_genre_ids(
                wikidata=(), movielens=lens.genres, imdb_flags=rating.genres if rating else None
            )
            batch.append((values, [genre_pk[i] for i in ids if i in genre_pk]))
        upserter.run(
            batch, {"source": src["movielens"], "source_key__in": [str(lens.movie_id) for lens in chunk]}
        )


def _load_curated_tv(path: Path, *, limit: int | None, report: CatalogLoadReport) -> None:
    counts = report.of(sources.CURATED_TV.key)
    shows = read_curated_tv(path)[:limit] if limit else read_curated_tv(path)
    counts.read = len(shows)
    src = {"tv": data_source_sync(sources.CURATED_TV, loaded=True)}
    by_name = {g.name_en: g.pk for g in Genre.objects.filter(for_tv=True)}
    batch = [(_tv_values(show, src), [by_name[n] for n in show.genres if n in by_name]) for show in shows]
    _Upserter(_TV_FIELDS, counts).run(batch, {"source": src["tv"]})


def catalog_counts() -> dict[str, int]:
    """Titles per media type, for the load summary."""
    return {media_type.value: Title.objects.filter(media_type=media_type).count() for media_type in MediaType}
