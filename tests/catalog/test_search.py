"""Typo-tolerant search. These cases run on SQLite (rapidfuzz) and on PostgreSQL (pg_trgm) in CI:
both must give the same best match."""

from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from library.models import Entry, Status

pytestmark = pytest.mark.django_db


def search(client: APIClient, query: str, route: str = "movies", **params: object):
    """POST a keyword search; `params` (page, page_size) go in the query string."""
    url = f"/{route}/search-by-keywords" + (f"?{urlencode(params)}" if params else "")
    return client.post(url, {"query": query}, format="json")


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
    assert body == {
        "results": [],
        "next": None,
        "count": None,
        "people": [],
        "good_match": False,
        "other_media_type": None,
    }


def test_search_pagination(api_client: APIClient, catalog: dict) -> None:
    everything = search(api_client, "film", page_size=100).json()["results"]
    assert len(everything) >= 3
    page2 = search(api_client, "film", page_size=2, page=2).json()
    assert [c["id"] for c in page2["results"]] == [c["id"] for c in everything[2:4]]
    # `next` is the same search's following page, POSTed again with the same body, until there is none.
    body, seen = search(api_client, "film", page_size=2).json(), []
    while True:
        seen += [c["id"] for c in body["results"]]
        assert body["count"] is None
        if body["next"] is None:
            break
        assert "page_size=2" in body["next"]
        response = api_client.post(body["next"], {"query": "film"}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
    assert seen == [c["id"] for c in everything]


@pytest.mark.parametrize(
    ("query", "field"), [("page=0", "page"), ("page=x", "page"), ("page_size=101", "page_size")]
)
def test_bad_search_paging(api_client: APIClient, catalog: dict, query: str, field: str) -> None:
    response = api_client.post(f"/movies/search-by-keywords?{query}", {"query": "heat"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "query"),
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "!!!"}, "query"),
        ({"query": "x" * 201}, "query"),
        ({"query": "heat", "page": 2}, "page"),  # paging is in the query string, not the body
        ({"query": "heat", "sort": "x"}, "sort"),
    ],
)
def test_bad_search_input(api_client: APIClient, catalog: dict, body: dict, field: str) -> None:
    response = api_client.post("/movies/search-by-keywords", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_search_query_count_is_constant(
    auth_client: APIClient, catalog: dict, django_assert_max_num_queries
) -> None:
    # user; on PostgreSQL up to 5 candidate queries (thresholds, titles by word then whole-name similarity,
    # people by substring then fuzzily); overviews, relevance rows, cards, genres, statuses
    for query in ("the", "zzqxv", "kubrick"):
        with django_assert_max_num_queries(11):
            assert search(auth_client, query, page_size=100).status_code == 200
