"""The embedded catalog as `make run` loads it: search and similarity quality on well-known films."""

import importlib.util
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from catalog.models import DataSource, Genre, Title
from catalog.ranking import CRITICS_CALIBRATION, MOVIELENS_CALIBRATION

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("bokeh_sampledata") is None, reason="catalog packages absent"
    ),
]


@pytest.fixture(scope="module")
def real_catalog(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Loaded once for this module, outside the per-test transactions, and removed afterwards."""
    with django_db_blocker.unblock():
        call_command("load_catalog", "--no-progress", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        Title.objects.all().delete()
        DataSource.objects.all().delete()
        Genre.objects.all().delete()


def movie(title: str, year: int) -> Title:
    return Title.objects.get(media_type="movie", title_en=title, year=year)


def search_first(client: APIClient, query: str) -> str:
    results = client.post("/movies/search-by-keywords", {"query": query}, format="json").json()["results"]
    return results[0]["title"]


def similar(client: APIClient, title: Title) -> list[dict]:
    return client.get(f"/movies/{title.pk}/similar?page_size=10").json()["results"]


@pytest.mark.django_db
def test_real_catalog_counts(real_catalog: None) -> None:
    assert Title.objects.filter(media_type="movie").count() >= 17_000
    assert Title.objects.filter(media_type="tv").count() >= 150


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pulp fiktion", "Pulp Fiction"),
        ("the godfahter", "The Godfather"),
        ("le fabuleux destin", "Amélie"),
        ("amelie", "Amélie"),
        ("shawshank", "The Shawshank Redemption"),
        ("la haine", "La Haine"),
    ],
)
def test_typo_search_on_the_real_catalog(
    api_client: APIClient, real_catalog: None, query: str, expected: str
) -> None:
    assert search_first(api_client, query) == expected


@pytest.mark.django_db
def test_neighbours_of_a_classic_gangster_film_are_mostly_crime_films(
    api_client: APIClient, real_catalog: None
) -> None:
    results = similar(api_client, movie("The Godfather", 1972))
    names = [c["title"] for c in results]
    assert "The Godfather Part II" in names[:3]  # its sequel ranks high
    names = [[g["name"] for g in c["genres"]] for c in results]
    assert sum("Crime" in n for n in names) >= 6, [
        (c["title"], n) for c, n in zip(results, names, strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "year", "expected"),
    [
        ("Toy Story", 1995, "Toy Story 2"),
        ("Alien", 1979, "Aliens"),
        ("The Matrix", 1999, "The Matrix Reloaded"),
    ],
)
def test_sequels_rank_high(
    api_client: APIClient, real_catalog: None, title: str, year: int, expected: str
) -> None:
    names = [c["title"] for c in similar(api_client, movie(title, year))]
    assert expected in names[:3], names


@pytest.mark.django_db
def test_real_feed_in_french(api_client: APIClient, real_catalog: None) -> None:
    body = api_client.post(
        "/movies/search-by-filters",
        {"genres": ["Comédie"], "languages": ["fr"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    ).json()
    assert len(body["results"]) == 20
    assert all("Comédie" in [g["name"] for g in c["genres"]] for c in body["results"])
    scores = [c["score"] for c in body["results"]]
    assert scores == sorted(scores, reverse=True)


# ---------------------------------------------------------------- genres and one rating scale


def genre_names(card: dict) -> list[str]:
    return [g["name"] for g in card["genres"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "year", "wrong"),
    [
        ("Reservoir Dogs", 1992, {"Comedy"}),
        ("Terminator 2: Judgment Day", 1991, {"Comedy"}),
        ("Heat", 1995, {"Adventure", "History", "Mystery"}),
    ],
)
def test_genres_the_audience_would_agree_with(
    api_client: APIClient, real_catalog: None, title: str, year: int, wrong: set[str]
) -> None:
    names = genre_names(api_client.get(f"/movies/{movie(title, year).pk}").json())
    assert names and not wrong & set(names), names


@pytest.mark.django_db
def test_genres_agree_with_imdbs_own_flags(real_catalog: None) -> None:
    """Precision and recall of each genre IMDb's 2005 flags let us compare, on the films both we and IMDb
    know with at least 1,000 votes (bench/genres.py measures the rule without the flags too)."""
    flagged = {"Action": 28, "Animation": 16, "Comedy": 35, "Documentary": 99, "Drama": 18, "Romance": 10749}
    known = Title.objects.filter(media_type="movie", imdb_votes__gte=1000, provenance__has_key="imdb_genres")
    films = [
        (set(t.genres.values_list("tmdb_id", flat=True)), set(t.provenance["imdb_genres"])) for t in known
    ]
    assert len(films) >= 3_000
    for name, tmdb_id in flagged.items():
        said = sum(tmdb_id in ours for ours, _imdb in films)
        truth = sum(name in imdb for _ours, imdb in films)
        both = sum(tmdb_id in ours and name in imdb for ours, imdb in films)
        assert both / said >= 0.90 and both / truth >= 0.85, (name, both / said, both / truth)


@pytest.mark.django_db
def test_the_default_feed_ranks_every_title_on_imdbs_scale(api_client: APIClient, real_catalog: None) -> None:
    feed = api_client.post("/movies/search-by-filters", {}, format="json").json()["results"]
    top = [card["title"] for card in feed]
    assert len(top) == 20
    assert "The Godfather" in top[:3]
    assert not {"Boyhood", "Toy Story 3", "Gravity"} & set(top), top  # critics' 9.2, 9.1, 9.0 raw
    boyhood = api_client.get(f"/movies/{movie('Boyhood', 2014).pk}").json()
    assert [r["source"] for r in boyhood["ratings"] if r["used_for_score"]] == ["critics"]


@pytest.mark.django_db
def test_no_fallback_scored_title_ranks_above_its_calibrated_value(real_catalog: None) -> None:
    imdb = [float(r) for r in Title.objects.filter(score_source="imdb").values_list("imdb_rating", flat=True)]
    mean = sum(imdb) / len(imdb)
    fallbacks = Title.objects.filter(media_type="movie", score_source__in=["critics", "movielens"])
    assert fallbacks.count() >= 8_000
    for title in fallbacks:
        raw = title.critics_rating if title.score_source == "critics" else title.movielens_rating
        calibration = CRITICS_CALIBRATION if title.score_source == "critics" else MOVIELENS_CALIBRATION
        assert title.rating == calibration.rating(float(raw))
        assert min(title.rating, mean) - 1e-3 <= title.score <= max(title.rating, mean) + 1e-3, title
