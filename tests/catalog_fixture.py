from decimal import Decimal

import pytest

from catalog.ingest.genres import genres_import
from catalog.ingest.sources import BOKEH_MOVIES, CURATED_TV, GGPLOT2_MOVIES, data_source_sync
from catalog.models import Genre, MediaType, Title
from catalog.ranking import titles_rescore

# (title_en, title_fr, year, TMDB genre ids, language, runtime, IMDb rating, votes, critics, reviews, people)
FILMS = [
    (
        "The Godfather",
        "Le Parrain",
        1972,
        [80, 18],
        "en",
        175,
        "9.2",
        1_500_000,
        None,
        None,
        ["Francis Ford Coppola", "Marlon Brando", "Al Pacino"],
    ),
    ("Heat", "", 1995, [28, 80, 18], "en", 170, "8.3", 600_000, None, None, ["Michael Mann", "Al Pacino"]),
    (
        "Alien",
        "",
        1979,
        [27, 878],
        "en",
        117,
        "8.5",
        800_000,
        None,
        None,
        ["Ridley Scott", "Sigourney Weaver"],
    ),
    (
        "Amélie",
        "Le Fabuleux Destin d'Amélie Poulain",
        2001,
        [35, 10749],
        "fr",
        122,
        None,
        None,
        "8.1",
        231,
        ["Jean-Pierre Jeunet", "Audrey Tautou"],
    ),
    ("La Haine", "La Haine", 1995, [18, 80], "fr", 98, "7.8", 5714, None, None, ["Mathieu Kassovitz"]),
    ("Obscure Gem", "", 1999, [18], "en", 90, "9.5", 12, None, None, ["Nobody Known"]),
    ("Get Out", "", 2017, [27, 9648, 53], "en", 104, "7.8", 700_000, None, None, ["Jordan Peele"]),
    (
        "Pulp Fiction",
        "",
        1994,
        [53, 80],
        "en",
        154,
        "8.9",
        2_000_000,
        None,
        None,
        ["Quentin Tarantino", "John Travolta"],
    ),
    (
        "A Clockwork Orange",
        "Orange mécanique",
        1971,
        [878, 80],
        "en",
        136,
        "8.3",
        850_000,
        None,
        None,
        ["Stanley Kubrick", "Malcolm McDowell"],
    ),
    ("Untitled Documentary", "", 2010, [99], "", None, None, None, None, None, []),
]
SHOWS = [
    ("The Bureau", "Le Bureau des légendes", 2015, [18], "fr"),
    ("Breaking Bad", "", 2008, [18, 80], "en"),
]


@pytest.fixture
def catalog(db: None) -> dict[str, Title]:
    """A small catalog of real films (facts as published) for discovery, search and detail tests."""
    genres_import(live=False)
    films_source, ratings_source, tv_source = (
        data_source_sync(BOKEH_MOVIES),
        data_source_sync(GGPLOT2_MOVIES),
        data_source_sync(CURATED_TV),
    )
    genre = {g.tmdb_id: g for g in Genre.objects.all()}
    titles: dict[str, Title] = {}
    for i, (en, fr, year, genres, language, runtime, rating, votes, critics, reviews, people) in enumerate(
        FILMS
    ):
        title = Title.objects.create(
            media_type=MediaType.MOVIE,
            title_en=en,
            title_fr=fr,
            year=year,
            original_language=language,
            runtime=runtime,
            imdb_rating=Decimal(rating) if rating else None,
            imdb_votes=votes,
            rating_source=ratings_source if rating else None,
            critics_rating=Decimal(critics) if critics else None,
            critics_reviews=reviews,
            directors=people[:1],
            cast=people[1:],
            source=films_source,
            source_key=f"film-{i}",
            imdb_id=f"tt{9000000 + i}",
            overview_en=f"{en}: a film from {year}.",
            overview_fr=f"{fr or en} : un film de {year}." if fr else "",
        )
        title.genres.set([genre[g] for g in genres])
        titles[en] = title
    for i, (en, fr, year, genres, language) in enumerate(SHOWS):
        show = Title.objects.create(
            media_type=MediaType.TV,
            title_en=en,
            title_fr=fr,
            year=year,
            first_air_year=year,
            original_language=language,
            source=tv_source,
            source_key=f"show-{i}",
        )
        show.genres.set([genre[g] for g in genres])
        titles[en] = show
    for media_type in MediaType:
        titles_rescore(media_type=media_type)
    for title in titles.values():
        title.refresh_from_db()
    return titles


def catalog_remove() -> None:
    """Empty what a module-wide catalog load filled, outside the per-test transactions: the titles and what
    hangs on them, without writing their deletion into the audit history (a later test starts from a
    catalog with no history, as a fresh one has)."""
    from django.test import override_settings

    from catalog.models import DataSource, Person

    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        Title.objects.all().delete()
        DataSource.objects.all().delete()
        Genre.objects.all().delete()
        Person.objects.all().delete()
    for model in (Title, Genre, DataSource):
        model.history.all().delete()
