"""Typo-tolerant search. These cases run on SQLite (rapidfuzz) and on PostgreSQL (pg_trgm) in CI:
both must give the same best match."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from library.models import Entry, Status

pytestmark = pytest.mark.django_db


def search(client: APIClient, query: str, route: str = "movies", **extra: object):
    return client.post(f"/{route}/search-by-keywords", {"query": query, **extra}, format="json")


def first(client: APIClient, query: str, route: str = "movies") -> str | None:
    response = search(client, query, route)
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    return results[0]["title"] if results else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ge tout", "Get Out"),
        ("pulp fiktion", "Pulp Fiction"),
        ("PULP FICTION", "Pulp Fiction"),
        ("amelie", "Amélie"),
        ("fabuleux destin", "Amélie"),  # the French title
        ("Le fabuleux destin d'amélie poulain", "Amélie"),
        ("orange mecanique", "A Clockwork Orange"),
        ("godfather", "The Godfather"),
        ("le parain", "The Godfather"),  # a typo in the French title
        ("haine", "La Haine"),
        ("kubrick", "A Clockwork Orange"),  # the director
        ("audrey tautou", "Amélie"),  # the cast
        ("tarantino", "Pulp Fiction"),
    ],
)
def test_best_match_first(api_client: APIClient, catalog: dict, query: str, expected: str) -> None:
    assert first(api_client, query) == expected


def test_titles_rank_before_people_and_people_before_overviews(api_client: APIClient, catalog: dict) -> None:
    # "Heat" is a title; Al Pacino acts in Heat and The Godfather.
    names = [c["title"] for c in search(api_client, "al pacino").json()["results"]]
    assert set(names[:2]) == {"Heat", "The Godfather"}
    overview_only = [c["title"] for c in search(api_client, "film from 1994").json()["results"]]
    assert overview_only == ["Pulp Fiction"]


def test_search_keeps_the_callers_titles_and_shows_their_status(
    auth_client: APIClient, user: User, catalog: dict
) -> None:
    Entry.objects.create(user=user, title=catalog["Pulp Fiction"], status=Status.SEEN, rating=9)
    card = search(auth_client, "pulp fiction").json()["results"][0]
    assert (card["title"], card["user_status"]) == ("Pulp Fiction", "seen")


def test_search_is_per_media_type(api_client: APIClient, catalog: dict) -> None:
    assert first(api_client, "breaking bad", route="tvshows") == "Breaking Bad"
    assert first(api_client, "bureau des legendes", route="tvshows") == "The Bureau"
    assert "Breaking Bad" not in [c["title"] for c in search(api_client, "breaking bad").json()["results"]]


def test_nonsense_finds_nothing(api_client: APIClient, catalog: dict) -> None:
    body = search(api_client, "zzqxv wqpl").json()
    assert body["results"] == []
    assert body["has_more"] is False


def test_search_pagination(api_client: APIClient, catalog: dict) -> None:
    everything = search(api_client, "film", page_size=100).json()["results"]
    assert len(everything) >= 3
    page2 = search(api_client, "film", page_size=2, page=2).json()
    assert [c["id"] for c in page2["results"]] == [c["id"] for c in everything[2:4]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "query"),
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "!!!"}, "query"),
        ({"query": "x" * 201}, "query"),
        ({"query": "heat", "page_size": 500}, "page_size"),
        ({"query": "heat", "sort": "x"}, "sort"),
    ],
)
def test_bad_search_input(api_client: APIClient, catalog: dict, body: dict, field: str) -> None:
    response = api_client.post("/movies/search-by-keywords", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_search_query_count_is_constant(
    auth_client: APIClient, catalog: dict, django_assert_max_num_queries
) -> None:
    # user; on PostgreSQL up to 5 candidate queries (thresholds, titles by word then whole-name similarity,
    # people by substring then fuzzily); overviews, relevance rows, cards, genres, statuses
    for query in ("the", "zzqxv", "kubrick"):
        with django_assert_max_num_queries(11):
            assert search(auth_client, query, page_size=100).status_code == 200
