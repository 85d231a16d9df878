"""The feed's shared ranking (discovery/feed.py): the same pages as the database query, the caller's own
titles always read fresh, titles written through the ORM seen at once, others after the cache's lifetime."""

import time

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Genre, MediaType, Title
from catalog.ranking import titles_rescore
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db

FEED = "/movies/search-by-filters"
CASES = [  # (query string, body): every page of each, following `next`
    ("", {}),
    ("?page_size=7", {}),
    ("?page_size=5", {"genres": ["Drama"]}),
    ("", {"min_rating": 7.5, "sort_by": "votes"}),
    ("?page_size=4", {"year_from": 1990, "year_to": 2005, "sort_by": "year"}),
    ("?page_size=10", {"sort_by": "title"}),
    ("?page_size=3", {"sort_by": "rating"}),
    ("", {"exclude_genres": ["Drama"], "languages": ["en"]}),
]


def feed(client: APIClient, body: dict, query: str = "", **headers: str) -> dict:
    response = client.post(f"{FEED}{query}", body, format="json", **headers)
    assert response.status_code == 200, response.json()
    return response.json()


def every_page(client: APIClient, query: str, body: dict, **headers: str) -> list[dict]:
    pages = [feed(client, body, query, **headers)]
    while pages[-1]["next"] is not None:
        response = client.post(pages[-1]["next"], body, format="json", **headers)
        assert response.status_code == 200, response.json()
        pages.append(response.json())
    return pages


@pytest.fixture
def crowded(user: User) -> list[Title]:
    """40 films with distinct scores and years, some of them marked by the user."""
    drama, comedy = Genre.objects.get(name_en="Drama"), Genre.objects.get(name_en="Comedy")
    titles = []
    for i in range(40):
        title = TitleFactory(
            title_en=f"Film {chr(65 + i % 26)}{i:02d}",
            year=1980 + i,
            imdb_rating=6 + (i % 9) * 0.4,
            imdb_votes=1000 + 137 * i,
        )
        title.genres.set([drama] if i % 3 else [comedy])
        titles.append(title)
    titles_rescore(media_type=MediaType.MOVIE)
    for i, title in enumerate(titles[::4]):
        Entry.objects.create(user=user, title=title, status=[Status.SEEN, Status.LATER, Status.HIDDEN][i % 3])
    return titles


@pytest.mark.parametrize("language", ["en", "fr"])
def test_cached_pages_are_the_database_pages(
    settings, api_client: APIClient, auth_client: APIClient, catalog: dict, crowded: list, language: str
) -> None:
    settings.FEED_CACHE_SECONDS = 0
    expected = [
        (
            every_page(auth_client, query, body, HTTP_ACCEPT_LANGUAGE=language),
            every_page(api_client, query, body),
        )
        for query, body in CASES
    ]
    settings.FEED_CACHE_SECONDS = 30
    for _round in range(2):  # filling the cache, then served from it: the same pages, the same cursors
        for (query, body), (as_user, anonymous) in zip(CASES, expected, strict=True):
            assert every_page(auth_client, query, body, HTTP_ACCEPT_LANGUAGE=language) == as_user, body
            assert every_page(api_client, query, body) == anonymous, body
    assert any(pages[0]["excluded_count"] for pages, _anonymous in expected)
    assert any(len(pages) > 2 for pages, _anonymous in expected)


def test_a_title_marked_now_leaves_the_cached_feed_at_once(
    auth_client: APIClient, user: User, catalog: dict
) -> None:
    first = feed(auth_client, {})
    top = first["results"][0]
    response = auth_client.post("/me/movies/update_status", {"title_id": top["id"], "status": "hidden"})
    assert response.status_code == 200
    again = feed(auth_client, {})
    assert top["id"] not in [card["id"] for card in again["results"]]
    assert again["excluded_count"] == first["excluded_count"] + 1
    auth_client.post("/me/movies/update_status", {"title_id": top["id"], "status": "none"})
    assert feed(auth_client, {}) == first


def test_titles_written_through_the_orm_are_seen_at_once(auth_client: APIClient, catalog: dict) -> None:
    feed(auth_client, {})
    godfather = catalog["The Godfather"]
    godfather.title_en = "The Godfather (restored)"
    godfather.save()
    assert feed(auth_client, {})["results"][0]["title"] == "The Godfather (restored)"
    newcomer = TitleFactory(title_en="Brand New", imdb_rating=9.9, imdb_votes=5_000_000)
    titles_rescore(media_type=MediaType.MOVIE)
    newcomer.genres.set([Genre.objects.get(name_en="Drama")])
    assert feed(auth_client, {"genres": ["Drama"]})["results"][0]["title"] == "Brand New"


def test_bulk_writes_show_after_the_lifetime(settings, auth_client: APIClient, catalog: dict) -> None:
    settings.FEED_CACHE_SECONDS = 1
    feed(auth_client, {})
    Title.objects.filter(title_en="The Godfather").update(title_en="The Godfather (restored)")  # no signal
    assert feed(auth_client, {})["results"][0]["title"] == "The Godfather"  # held for up to a second
    time.sleep(1.1)
    assert feed(auth_client, {})["results"][0]["title"] == "The Godfather (restored)"


def test_too_many_matches_are_asked_of_the_database(
    settings, auth_client: APIClient, catalog: dict, crowded: list, django_assert_num_queries
) -> None:
    settings.FEED_CACHE_SECONDS = 0
    expected = feed(auth_client, {}, "?page_size=5")
    settings.FEED_CACHE_SECONDS, settings.FEED_CACHE_MAX_MATCHES = 30, 10
    assert feed(auth_client, {}, "?page_size=5") == expected
    # Remembered as too many to hold: user, the page, its genres, the skipped count, from the database.
    with django_assert_num_queries(4):
        assert feed(auth_client, {}, "?page_size=5") == expected
