"""Paging (API 2.0.0): one page shape on every list, `next` followed to the end, paging parameters in the
query string, and cursors anchored on the ranking, so titles marked from a page never make the next skip
others, whether the feed is served from the per-process ranking or by the database."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from assistant.models import ChatSession
from catalog.models import Title, TitleNeighbour
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db

FEED = "/movies/search-by-filters"


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def ids(page: dict[str, Any]) -> list[int]:
    return [card["id"] for card in page["results"]]


def cursor_of(page: dict[str, Any]) -> str:
    return parse_qs(urlsplit(page["next"]).query)["cursor"][0]


def problem_naming(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field], response.json()


def mark_seen(client: APIClient, page: dict[str, Any]) -> None:
    for title_id in ids(page):
        ok(client.post("/me/movies/update_status", {"title_id": title_id, "status": "seen"}, format="json"))


@pytest.fixture
def ranked(db: None) -> list[Title]:
    """38 films whose every sort has ties and, but for titles, missing values: the keyset's hard cases."""
    films = []
    for i in range(38):
        rating = None if i % 7 == 3 else round(6 + (i % 5) * 0.5, 1)
        films.append(
            TitleFactory(
                title_en=f"{'echo' if i % 4 == 0 else 'Echo'} {i % 9}",  # names equal but for case
                title_fr="" if i % 3 else f"Écho {i % 5}",
                year=None if i % 11 == 5 else 1990 + i // 3,
                imdb_rating=rating,
                imdb_votes=None if rating is None else 1000 * (i % 6),
                rating=rating,
                votes=None if rating is None else 1000 * (i % 6),
                score=None if rating is None else round(5 + (i % 4) * 0.75, 2),
            )
        )
    return films


# ---------------------------------------------------------------- one shape


def test_every_list_answers_results_next_and_count(
    auth_client: APIClient, user: User, ranked: list[Title]
) -> None:
    title = ranked[0]
    for neighbour in ranked[1:4]:
        TitleNeighbour.objects.create(title=title, neighbour=neighbour, kind="similar", score=0.5)
    Entry.objects.create(user=user, title=ranked[5], status=Status.SEEN)
    ChatSession.objects.create(user=user)
    lists = {
        "feed": auth_client.post(f"{FEED}?page_size=2", {}, format="json"),
        "keywords": auth_client.post("/movies/search-by-keywords", {"query": "echo"}, format="json"),
        "similar": auth_client.get(f"/movies/{title.pk}/similar?page_size=2"),
        "recommendations": auth_client.get("/me/recommendations?page_size=2"),
        "seen": auth_client.get("/me/movies/seen"),
        "chat sessions": auth_client.get("/chat/sessions"),
    }
    extras = {
        "feed": {"excluded_count"},
        "recommendations": {"cold_start", "adventurousness"},
        "keywords": {"people", "good_match", "other_media_type"},
    }
    for name, response in lists.items():
        body = ok(response)
        assert set(body) == {"results", "next", "count", *extras.get(name, ())}, name
        assert body["next"] is None or body["next"].startswith("http://testserver/"), name
    counted = {name: ok(response)["count"] for name, response in lists.items()}
    assert counted == {
        "feed": None,
        "keywords": None,
        "similar": None,
        "recommendations": None,
        "seen": 1,
        "chat sessions": 1,
    }


def test_an_offset_list_followed_to_the_end_shows_every_item_once(
    auth_client: APIClient, user: User, ranked: list[Title]
) -> None:
    for title in ranked[:7]:
        Entry.objects.create(user=user, title=title, status=Status.SEEN)
    everything = ids(ok(auth_client.get("/me/movies/seen?page_size=100")))
    page = ok(auth_client.get("/me/movies/seen?page_size=3&lang=fr"))
    followed = []
    while True:
        assert page["count"] == 7
        followed += ids(page)
        if page["next"] is None:
            break
        assert "lang=fr" in page["next"] and "page_size=3" in page["next"]  # the other parameters kept
        page = ok(auth_client.get(page["next"]))
    assert followed == everything and len(set(followed)) == 7


def test_keyword_search_takes_its_page_in_the_query(api_client: APIClient, ranked: list[Title]) -> None:
    search = "/movies/search-by-keywords"
    everything = ids(ok(api_client.post(f"{search}?page_size=100", {"query": "echo"}, format="json")))
    assert len(everything) > 4
    second = ok(api_client.post(f"{search}?page=2&page_size=2", {"query": "echo"}, format="json"))
    assert ids(second) == everything[2:4]
    assert parse_qs(urlsplit(second["next"]).query)["page"] == ["3"]


# ---------------------------------------------------------------- the feed: cursors


SORTS = [("score", "en"), ("year", "en"), ("votes", "en"), ("rating", "en"), ("title", "en"), ("title", "fr")]


@pytest.mark.parametrize("served_by", ["memory", "database"])
@pytest.mark.parametrize(("sort_by", "language"), SORTS)
def test_marking_a_feed_page_never_makes_the_next_one_skip_titles(
    settings,
    auth_client: APIClient,
    ranked: list[Title],
    served_by: str,
    sort_by: str,
    language: str,
) -> None:
    settings.FEED_CACHE_SECONDS = 30 if served_by == "memory" else 0
    body = {"sort_by": sort_by}
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    everything = ids(ok(auth_client.post(f"{FEED}?page_size=100", body, format="json", **headers)))
    assert len(everything) == len(ranked)
    page = ok(auth_client.post(f"{FEED}?page_size=5", body, format="json", **headers))
    followed: list[int] = []
    while True:
        followed += ids(page)
        assert page["excluded_count"] == len(followed) - len(ids(page))  # every title before is seen now
        if page["next"] is None:
            break
        mark_seen(auth_client, page)  # the whole page seen before asking for the next
        with CaptureQueriesContext(connection) as queries:
            page = ok(auth_client.post(page["next"], body, format="json", **headers))
        titles = f'FROM "{Title._meta.db_table}"'  # the caller's titles are read with an EXISTS: not a page
        anti_join = any("EXISTS" in q["sql"] and titles in q["sql"] for q in queries.captured_queries)
        assert anti_join == (served_by == "database")  # the memory path reads no ranking from the database
    assert (
        followed == everything
    )  # page after page right after the last title shown: none skipped or repeated


def test_the_feed_cursor_survives_the_ranking_leaving_memory(
    settings, auth_client: APIClient, ranked: list[Title]
) -> None:
    """A cursor made from the held ranking is answered by the database the same way, and back."""
    everything = ids(ok(auth_client.post(f"{FEED}?page_size=100", {"sort_by": "year"}, format="json")))
    first = ok(auth_client.post(f"{FEED}?page_size=6", {"sort_by": "year"}, format="json"))
    mark_seen(auth_client, first)
    settings.FEED_CACHE_SECONDS = 0
    second = ok(auth_client.post(first["next"], {"sort_by": "year"}, format="json"))
    settings.FEED_CACHE_SECONDS = 30
    third = ok(auth_client.post(second["next"], {"sort_by": "year"}, format="json"))
    assert ids(first) + ids(second) + ids(third) == everything[:18]


def test_anonymous_callers_follow_next_too(settings, api_client: APIClient, ranked: list[Title]) -> None:
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 30
    everything = ids(ok(api_client.post(f"{FEED}?page_size=100", {}, format="json")))
    page, followed = ok(api_client.post(f"{FEED}?page_size=8", {}, format="json")), []
    while True:
        followed += ids(page)
        if page["next"] is None:
            break
        page = ok(api_client.post(page["next"], {}, format="json"))
    assert followed == everything
    # The shared first page keeps its own URL's parameters in `next`.
    shared = ok(api_client.post(f"{FEED}?page_size=8&lang=fr", {}, format="json", HTTP_HOST="localhost"))
    assert shared["next"].startswith("http://localhost/") and "lang=fr" in shared["next"]


def test_bad_paging_parameters_are_400_problems_naming_them(
    auth_client: APIClient, ranked: list[Title]
) -> None:
    first = ok(auth_client.post(f"{FEED}?page_size=5", {"sort_by": "year"}, format="json"))
    cursor = cursor_of(first)
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    cases = [
        (f"?cursor={tampered}", {"sort_by": "year"}, "cursor"),
        ("?cursor=not-a-cursor", {"sort_by": "year"}, "cursor"),
        (f"?cursor={cursor}", {"sort_by": "score"}, "cursor"),  # made for another sort
        (f"?cursor={cursor}", {"sort_by": "year", "year_from": 1995}, "cursor"),  # for other filters
        ("?page_size=101", {}, "page_size"),
        ("?page_size=0", {}, "page_size"),
    ]
    for query, body, field in cases:
        problem_naming(auth_client.post(f"{FEED}{query}", body, format="json"), field)
    problem_naming(
        auth_client.post(f"/tvshows/search-by-filters?cursor={cursor}", {}, format="json"), "cursor"
    )
    french = auth_client.post(f"{FEED}?cursor={tampered}&lang=fr", {"sort_by": "year"}, format="json")
    assert "curseur" in french.json()["errors"]["cursor"][0]
    assert ok(auth_client.post(f"{FEED}?cursor={cursor}", {"sort_by": "year"}, format="json"))["results"]
    for query, field in [("?page=0", "page"), ("?page_size=101", "page_size"), ("?page=x", "page")]:
        problem_naming(auth_client.get(f"/me/movies/seen{query}"), field)
        problem_naming(
            auth_client.post(f"/movies/search-by-keywords{query}", {"query": "echo"}, format="json"), field
        )


# ---------------------------------------------------------------- similar titles: cursors


def test_marking_a_page_of_similar_titles_never_makes_the_next_one_skip_any(
    auth_client: APIClient, user: User, ranked: list[Title]
) -> None:
    title, *others = ranked
    for i, neighbour in enumerate(others):  # ties on the blended similarity, broken by score then id
        TitleNeighbour.objects.create(
            title=title, neighbour=neighbour, kind="similar", score=1 - (i // 4) / 10
        )
        if i % 3 == 0:  # TMDB's recommendations (with a key) blend in
            TitleNeighbour.objects.create(title=title, neighbour=neighbour, kind="tmdb", score=0.25)
    route = f"/movies/{title.pk}/similar"
    everything = ids(ok(auth_client.get(f"{route}?page_size=100")))
    assert len(everything) == len(others)
    page, followed = ok(auth_client.get(f"{route}?page_size=4")), []
    cursor = cursor_of(page)
    problem_naming(auth_client.get(f"/movies/{others[0].pk}/similar?cursor={cursor}"), "cursor")  # another's
    while True:
        followed += ids(page)
        if page["next"] is None:
            break
        mark_seen(auth_client, page)
        page = ok(auth_client.get(page["next"]))
    assert followed == everything
