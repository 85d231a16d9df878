"""The embedded catalog as `make run` loads it: search and similarity quality on well-known films."""

import importlib.util
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from catalog.models import DataSource, Genre, Title

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
    assert sum("Crime" in n for n in names) >= 6, [(c["title"], n) for c, n in zip(results, names, strict=True)]


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
