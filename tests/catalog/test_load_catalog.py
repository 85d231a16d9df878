"""The embedded catalog loader, run on tiny files of the real sources' schemas built here."""

import importlib.util
import json
import sqlite3
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from catalog.models import DataSource, MediaType, Title

pytestmark = pytest.mark.django_db

OMDB_COLUMNS = (
    '"ID" INTEGER, "imdbID" TEXT, "Title" TEXT, "Year" INTEGER, "Rating" TEXT, "Runtime" REAL, "Genre" TEXT, '
    '"Released" TEXT, "Director" TEXT, "Writer" TEXT, "Cast" TEXT, "Metacritic" INTEGER, "imdbRating" REAL, '
    '"imdbVotes" INTEGER, "Language" TEXT, "Country" TEXT, "Awards" TEXT, "lastUpdated" TEXT, '
    '"Oscars" INTEGER'
)
TOMATOES_COLUMNS = (
    '"ID" INTEGER, "Image" TEXT, "Rating" REAL, "Meter" INTEGER, "Reviews" INTEGER, "Fresh" INTEGER, '
    '"Rotten" INTEGER, "Consensus" TEXT, "userMeter" INTEGER, "userRating" REAL, "userReviews" INTEGER, '
    '"DVD" TEXT, "BoxOffice" REAL, "Production" TEXT, "Website" TEXT, "lastUpdated" TEXT'
)
# (ID, imdbID, Title, Year, Runtime, Genre, Released, Director, Writer, Cast, Language, Country, Metacritic)
FILMS = [
    (
        10,
        "tt0211915",
        "Amélie",
        2001,
        122.0,
        "Comedy, Romance",
        "2001-04-25",
        "Jean-Pierre Jeunet",
        "Guillaume Laurant, Jean-Pierre Jeunet",
        "Audrey Tautou, Mathieu Kassovitz",
        "French",
        "France",
        69,
    ),
    (
        11,
        "tt0113247",
        "La Haine",
        1995,
        98.0,
        "Drama, Crime",
        "1995-05-31",
        "Mathieu Kassovitz",
        "Mathieu Kassovitz",
        "Hubert Koundé, Saïd Taghmaoui, Vincent Cassel",
        "French",
        "France",
        None,
    ),
    (
        12,
        "tt0137523",
        "Fight Club",
        1999,
        139.0,
        "Drama, Sci-Fi",
        "1999-10-15",
        "David Fincher",
        "Jim Uhls",
        "Brad Pitt, Edward Norton",
        "English",
        "United States, Germany",
        66,
    ),
    (
        13,
        "tt0078788",
        "Apocalypse Now",
        1979,
        153.0,
        "War, Drama, History, Mystery",
        "1979-08-15",
        "Francis Ford Coppola",
        "",
        "Martin Sheen",
        "English",
        "United States",
        94,
    ),
    (
        14,
        "tt0078788",
        "Apocalypse Now Redux",
        2001,
        202.0,
        "War",
        "2001-08-03",
        "Francis Ford Coppola",
        "",
        "Martin Sheen",
        "English",
        "United States",
        None,
    ),  # the same IMDb title twice: kept once
    (15, "tt9999999", "Untitled Documentary", 2010, None, "", "", "", "", "", "", "", None),
]
# (ID, Rating, Meter, Reviews)
TOMATOES = [
    (10, 8.1, 89, 231),
    (11, 8.3, 100, 72),
    (12, 7.4, 79, 185),
    (13, 9.0, 98, 80),
    (14, 8.0, 90, 30),
    (15, None, None, None),
]


def _write_movies_db(path: Path, films: list[tuple] = FILMS) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(f"CREATE TABLE omdb ({OMDB_COLUMNS})")
    connection.execute(f"CREATE TABLE tomatoes ({TOMATOES_COLUMNS})")
    for f in films:
        connection.execute(
            'INSERT INTO omdb (ID, imdbID, Title, Year, Runtime, Genre, Released, Director, Writer, "Cast", '
            "Language, Country, Metacritic) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            f,
        )
    connection.executemany("INSERT INTO tomatoes (ID, Rating, Meter, Reviews) VALUES (?,?,?,?)", TOMATOES)
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    movies_db = _write_movies_db(tmp_path / "movies.db")
    ratings = tmp_path / "ratings.pkl.xz"
    pd.DataFrame(
        {  # ggplot2movies: "Title, The" form, year, IMDb rating and votes (2005)
            "title": ["Fight Club", "Haine, La", "Apocalypse Now", "Apocalypse Now", "Fight Club"],
            "year": [1999, 1995, 1979, 1979, 1940],
            "rating": [8.5, 7.8, 8.4, 6.1, 5.0],
            "votes": [112092, 5714, 51000, 12, 9],
            # IMDb's genre flags (2005): they decide these six genres where a film has them
            "Action": [0, 0, 1, 0, 0],
            "Animation": [0, 0, 0, 0, 0],
            "Comedy": [0, 0, 0, 0, 1],
            "Drama": [1, 1, 1, 0, 0],
            "Documentary": [0, 0, 0, 0, 0],
            "Romance": [0, 0, 0, 0, 0],
            "Short": [0, 0, 0, 0, 0],
        }
    ).to_pickle(ratings, compression="xz")
    movielens = tmp_path / "movielens.pkl.xz"
    pd.DataFrame(
        {
            "movieId": [4973, 4973, 4973, 97, 2959, 1],
            "title": ["Amelie (Fabuleux destin d'Amélie Poulain, Le)"] * 3
            + ["Hate (Haine, La)", "Fight Club", "Toy Story"],
            "year": [2001.0, 2001.0, 2001.0, 1995.0, 1999.0, 1995.0],
            "genres": ["Comedy|Romance"] * 3 + ["Crime|Drama", "Action|Crime|Drama|Thriller", "Children"],
            "userId": [1, 2, 10, 3, 4, 5],  # users 5 and 10 are kept aside for evaluation
            "rating": [4.0, 5.0, 0.5, 4.5, 5.0, 3.0],
        }
    ).to_pickle(movielens, compression="xz")
    summaries = tmp_path / "summaries.json"
    summaries.write_text(
        json.dumps(
            {
                "Fight Club": "Fight Club is a 1999 American film directed by David Fincher.",
                "Apocalypse Now": "Apocalypse Now is a 1979 American epic war film.",
                "Heat (1995 film)": "Heat is a 1995 American crime film.",  # not in our films: unmatched
            }
        ),
        encoding="utf-8",
    )
    curated_tv = tmp_path / "tv.json"
    curated_tv.write_text(
        json.dumps(
            [
                {
                    "title_en": "Call My Agent!",
                    "title_fr": "Dix pour cent",
                    "original_title": "Dix pour cent",
                    "original_language": "fr",
                    "first_air_year": 2015,
                    "last_air_year": 2020,
                    "genres": ["Comedy", "Drama"],
                    "countries": ["FR"],
                },
                {
                    "title_en": "Breaking Bad",
                    "title_fr": None,
                    "original_title": "Breaking Bad",
                    "original_language": "en",
                    "first_air_year": 2008,
                    "last_air_year": 2013,
                    "genres": ["Drama", "Crime"],
                    "countries": ["US"],
                },
            ]
        ),
        encoding="utf-8",
    )
    return {
        "movies_db": movies_db,
        "ratings": ratings,
        "movielens": movielens,
        "summaries": summaries,
        "curated_tv": curated_tv,
    }


def load(sources: dict[str, Path], *extra: str) -> str:
    out = StringIO()
    args = [f"--{name.replace('_', '-')}={path}" for name, path in sources.items()]
    call_command("load_catalog", *args, "--no-progress", *extra, stdout=out)
    return out.getvalue()


def test_load_catalog_builds_titles_from_every_source(sources: dict[str, Path]) -> None:
    output = load(sources)
    assert "Catalog: 6 movies, 2 TV shows" in output  # the five films, and Toy Story from MovieLens
    assert (
        Title.objects.filter(imdb_id="tt0078788").get().title_en == "Apocalypse Now"
    )  # first of the two rows

    amelie = Title.objects.get(imdb_id="tt0211915")
    assert amelie.media_type == MediaType.MOVIE
    assert amelie.title_fr == "Le Fabuleux destin d'Amélie Poulain"
    assert amelie.original_title == "Le Fabuleux destin d'Amélie Poulain"
    assert amelie.original_language == "fr"
    assert amelie.alternate_titles == ["Amelie"]
    assert amelie.movielens_id == 4973
    assert amelie.cast == ["Audrey Tautou", "Mathieu Kassovitz"]
    assert amelie.countries == ["FR"]
    assert amelie.imdb_rating is None and amelie.imdb_votes is None  # no rating source: nothing invented
    assert (float(amelie.critics_rating), amelie.critics_reviews, amelie.critics_meter) == (8.1, 231, 89)
    assert amelie.score is not None  # ranked by the critics' average where IMDb has no votes
    assert amelie.score_source == "critics"  # two community ratings are too few to go first
    assert amelie.rating == 7.66  # 8.1 calibrated onto IMDb's scale: 2.33 + 0.658 x 8.1
    # The community's mean without the users kept aside for evaluation (user 10's half star).
    assert (float(amelie.movielens_rating), amelie.movielens_ratings) == (4.5, 2)
    assert sorted(g.name_fr for g in amelie.genres.all()) == ["Comédie", "Romance"]
    assert "tautou" in amelie.search_people and "amelie poulain" in amelie.search_title

    haine = Title.objects.get(imdb_id="tt0113247")
    assert (float(haine.imdb_rating), haine.imdb_votes) == (7.8, 5714)
    assert haine.rating_source.key == "ggplot2movies"
    assert haine.original_title == "La Haine" and haine.alternate_titles == ["Hate"]

    fight_club = Title.objects.get(imdb_id="tt0137523")
    assert (float(fight_club.imdb_rating), fight_club.imdb_votes) == (8.5, 112092)  # not the 1940 film
    assert fight_club.overview_en.startswith("Fight Club is a 1999")
    assert fight_club.overview_source.key == "wikipedia"
    assert fight_club.provenance["overview_article"] == "Fight Club"
    assert fight_club.countries == ["US", "DE"]
    # MovieLens knows it: its Action|Crime|Drama|Thriller, not Wikidata's Sci-Fi; then IMDb's flags say
    # Drama but not Action.
    assert sorted(g.tmdb_id for g in fight_club.genres.all()) == [18, 53, 80]
    assert fight_club.provenance["imdb_genres"] == ["Drama"]
    assert fight_club.score_source == "imdb" and fight_club.rating == 8.5
    assert fight_club.score > haine.score  # more votes and a higher rating

    apocalypse = Title.objects.get(imdb_id="tt0078788")
    assert apocalypse.imdb_votes == 51000  # the most-voted of two same-title same-year rows
    # Not in MovieLens: Wikidata's War and Drama without its loose History and Mystery, plus IMDb's Action.
    assert sorted(g.name_en for g in apocalypse.genres.all()) == ["Action", "Drama", "War"]

    documentary = Title.objects.get(imdb_id="tt9999999")
    assert (
        documentary.original_language == "" and documentary.score is None and not documentary.genres.exists()
    )

    agent = Title.objects.get(media_type=MediaType.TV, title_en="Call My Agent!")
    assert (agent.title_fr, agent.original_language, agent.first_air_year, agent.last_air_year) == (
        "Dix pour cent",
        "fr",
        2015,
        2020,
    )
    assert agent.imdb_rating is None and agent.score is None
    assert agent.source.key == "curated-tv"
    assert agent.provenance == {"curated": True, "title_fr": "Dix pour cent"}
    assert sorted(g.name_fr for g in agent.genres.all()) == ["Comédie", "Drame"]

    assert set(DataSource.objects.values_list("key", flat=True)) >= {
        "wikidata-films",
        "ggplot2movies",
        "movielens",
        "wikipedia",
        "curated-tv",
        "tmdb",
    }
    assert DataSource.objects.get(key="wikidata-films").licence == "CC0-1.0"


def test_load_catalog_summary_counts_per_source(sources: dict[str, Path]) -> None:
    lines = {line.split()[0]: line.split()[1:] for line in load(sources).splitlines() if line[:1].islower()}
    # columns: read created updated unchanged matched skipped
    assert lines["wikidata-films"] == ["6", "5", "0", "0", "0", "1"]
    assert lines["ggplot2movies"][0] == "5" and lines["ggplot2movies"][4] == "3"
    # four MovieLens films: three matched, Toy Story (no Wikidata film of that name) created
    assert lines["movielens"][:2] == ["4", "1"] and lines["movielens"][4] == "3"
    assert lines["wikipedia"][0] == "3" and lines["wikipedia"][4] == "2"
    assert lines["curated-tv"] == ["2", "2", "0", "0", "0", "0"]


def test_second_run_changes_nothing(sources: dict[str, Path]) -> None:
    load(sources)
    before = {
        t.pk: (t.updated_at, t.score, sorted(t.genres.values_list("pk", flat=True)))
        for t in Title.objects.all()
    }
    output = load(sources)
    after = {
        t.pk: (t.updated_at, t.score, sorted(t.genres.values_list("pk", flat=True)))
        for t in Title.objects.all()
    }
    assert before == after
    assert "wikidata-films" in output and " 5 " in output.split("wikidata-films")[1].splitlines()[0]
    assert Title.objects.count() == 8


def test_reload_applies_changes_in_the_source(sources: dict[str, Path], tmp_path: Path) -> None:
    load(sources)
    changed = [list(f) for f in FILMS]
    changed[2][2], changed[2][5] = "Fight Club!", "Drama"
    sources["movies_db"] = _write_movies_db(tmp_path / "movies2.db", [tuple(f) for f in changed])
    load(sources)
    fight_club = Title.objects.get(imdb_id="tt0137523")
    assert fight_club.title_en == "Fight Club!"
    assert "fight club!" in fight_club.search_title
    assert Title.objects.filter(media_type=MediaType.MOVIE).count() == 6


def test_titles_refreshed_from_providers_are_left_alone(sources: dict[str, Path]) -> None:
    load(sources)
    Title.objects.filter(imdb_id="tt0137523").update(
        title_en="Fight Club (TMDB)", cache_update_date=timezone.now()
    )
    load(sources)
    assert Title.objects.get(imdb_id="tt0137523").title_en == "Fight Club (TMDB)"


def test_limit_loads_only_the_first_titles(sources: dict[str, Path]) -> None:
    assert "Catalog: 1 movies, 1 TV shows" in load(sources, "--limit=1")
    assert Title.objects.get(media_type=MediaType.MOVIE).imdb_id == "tt0211915"


def test_if_empty_skips_a_loaded_catalog(sources: dict[str, Path]) -> None:
    load(sources, "--limit=1")
    assert "nothing to do" in load(sources, "--if-empty")
    assert Title.objects.filter(media_type=MediaType.MOVIE).count() == 1


def test_missing_file_and_bad_limit_are_clear_errors(sources: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--movies-db: no such file"):
        load({**sources, "movies_db": tmp_path / "nope.db"})
    with pytest.raises(CommandError, match="--limit"):
        load(sources, "--limit=0")
    assert not Title.objects.exists()


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("bokeh_sampledata") is None, reason="bokeh_sampledata not installed"
)
def test_load_catalog_from_the_installed_packages() -> None:
    out = StringIO()
    call_command("load_catalog", "--limit=400", "--no-progress", stdout=out)
    assert Title.objects.filter(media_type=MediaType.MOVIE).count() == 400
    assert Title.objects.filter(media_type=MediaType.TV).count() >= 150
    assert Title.objects.filter(imdb_votes__gt=0).exists()
    assert DataSource.objects.get(key="wikidata-films").version == "2026.1"


# ---------------------------------------------------------------- French titles, films only MovieLens knows


def _names_sources(sources: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Films whose languages come in alphabetical order, as Wikidata's do, and their MovieLens titles."""
    films = [
        (20, "tt0053472", "Breathless", 1960, 90.0, "Crime, Drama", "", "Jean-Luc Godard", "", "",
         "English, French", "France", None),
        (21, "tt0068646", "The Godfather", 1972, 175.0, "Crime, Drama", "", "Francis Ford Coppola", "", "",
         "English, Italian", "Italy, United States", None),
        (22, "tt0057427", "The Trial", 1962, 119.0, "Drama", "", "Orson Welles", "", "",
         "English", "France, Italy, West Germany", None),
        (23, "tt0042876", "Rashomon", 1950, 88.0, "Crime, Drama", "", "Akira Kurosawa", "", "",
         "Japanese", "Japan", None),
        (24, "tt0171359", "Hamlet", 2000, 112.0, "Drama", "", "Michael Almereyda", "", "",
         "English", "United States", None),
    ]  # fmt: skip
    movielens = tmp_path / "movielens-names.pkl.xz"
    rows = [  # movieId, title, year, genres, userId, rating
        (4914, "Breathless (À bout de souffle)", 1960, "Crime|Drama", 1, 4.0),
        (858, "Godfather, The", 1972, "Crime|Drama", 1, 5.0),
        (6986, "Trial, The (Procès, Le)", 1962, "Drama", 1, 4.0),
        (5291, "Rashomon (Rashômon)", 1950, "Crime|Drama|Mystery", 1, 4.5),
        (3598, "Hamlet", 2000, "Drama", 1, 3.0),  # two MovieLens films claim Hamlet (2000): neither is added
        (7247, "Hamlet", 2000, "Drama", 2, 3.0),
        (5618, "Spirited Away (Sen to Chihiro no kamikakushi)", 2001, "Adventure|Animation|Fantasy", 1, 5.0),
        (5618, "Spirited Away (Sen to Chihiro no kamikakushi)", 2001, "Adventure|Animation|Fantasy", 2, 4.0),
        (5618, "Spirited Away (Sen to Chihiro no kamikakushi)", 2001, "Adventure|Animation|Fantasy", 5, 0.5),
        (6783, "Rules of the Game, The (La règle du jeu)", 1939, "Comedy|Drama", 3, 4.5),
    ]
    pd.DataFrame(rows, columns=["movieId", "title", "year", "genres", "userId", "rating"]).to_pickle(
        movielens, compression="xz"
    )
    return {
        **sources,
        "movies_db": _write_movies_db(tmp_path / "movies-names.db", films),
        "movielens": movielens,
    }


def test_french_language_films_are_titled_in_french(sources: dict[str, Path], tmp_path: Path) -> None:
    load(_names_sources(sources, tmp_path))
    breathless = Title.objects.get(imdb_id="tt0053472")  # "English, French": French, MovieLens says
    assert (breathless.original_language, breathless.original_title, breathless.title_fr) == (
        "fr",
        "À bout de souffle",
        "À bout de souffle",
    )
    assert breathless.provenance["title_fr_from"] == "original"
    godfather = Title.objects.get(imdb_id="tt0068646")  # "English, Italian", from Italy and the US
    assert (godfather.original_language, godfather.original_title) == ("en", "The Godfather")
    assert godfather.title_fr == "Le Parrain"  # the curated French release title
    assert "le parrain" in godfather.search_title
    trial = Title.objects.get(imdb_id="tt0057427")  # an English film from France: its French alternate
    assert (trial.original_language, trial.title_fr) == ("en", "Le Procès")
    rashomon = Title.objects.get(imdb_id="tt0042876")  # a Japanese alternate is not a French title
    assert (rashomon.title_fr, rashomon.original_title) == ("", "Rashômon")


def test_films_only_movielens_knows_are_added_once(sources: dict[str, Path], tmp_path: Path) -> None:
    load(_names_sources(sources, tmp_path))
    spirited = Title.objects.get(title_en="Spirited Away")
    assert spirited.source.key == "movielens" and spirited.source_key == "5618"
    assert (spirited.year, spirited.imdb_id, spirited.movielens_id) == (2001, None, 5618)  # no id invented
    assert spirited.original_title == "Sen to Chihiro no kamikakushi"
    assert spirited.title_fr == "Le Voyage de Chihiro"
    assert sorted(g.name_en for g in spirited.genres.all()) == ["Adventure", "Animation", "Fantasy"]
    # The community's mean without user 5 (kept aside for evaluation), shown and ranked as such.
    assert (float(spirited.movielens_rating), spirited.movielens_ratings) == (4.5, 2)
    assert spirited.score_source == "movielens" and spirited.imdb_rating is None
    rules = Title.objects.get(title_en="The Rules of the Game")
    assert (rules.year, rules.original_language, rules.title_fr) == (1939, "fr", "La règle du jeu")
    assert Title.objects.filter(title_en="Hamlet").count() == 1  # the Wikidata film only
    assert Title.objects.filter(source__key="movielens").count() == 2
    assert Title.objects.filter(title_en="The Godfather").count() == 1  # matched, not added again


def test_a_french_title_the_load_did_not_write_is_kept(sources: dict[str, Path]) -> None:
    load(sources)
    Title.objects.filter(imdb_id="tt0211915").update(title_fr="Le Fabuleux Destin d'Amélie Poulain")
    Title.objects.filter(imdb_id="tt0137523").update(title_fr="Fight Club (édition française)")
    load(sources)
    assert Title.objects.get(imdb_id="tt0211915").title_fr == "Le Fabuleux Destin d'Amélie Poulain"
    assert Title.objects.get(imdb_id="tt0137523").title_fr == "Fight Club (édition française)"
    haine = Title.objects.get(imdb_id="tt0113247")
    assert haine.title_fr == "La Haine" and haine.provenance["title_fr"] == "La Haine"
