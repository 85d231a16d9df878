"""Hide rules: "not interested" in a genre, a person, a franchise, a language or a period, applied wherever
the titles hidden one by one are (the feed from its shared ranking and from the database, similar titles,
the assistant's search), marked on keyword search, listed and undone, exported."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.genres import genres_import
from catalog.models import Credit, Genre, MediaType, Title, TitleNeighbour
from catalog.ranking import titles_rescore
from discovery.feed import feed_cache_clear
from library.models import Entry, HideRule, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = "/me/hide-rules"
FEED = "/movies/search-by-filters"


@pytest.fixture
def shelf() -> dict[str, Title]:
    """Seven films, each caught by one kind of rule but the last, best ranked first."""
    genres_import(live=False)
    horror, drama = Genre.objects.get(name_en="Horror"), Genre.objects.get(name_en="Drama")
    films = {
        "horror": TitleFactory(title_en="Scream House", year=2001, imdb_rating=8.9, imdb_votes=90000),
        "bay": TitleFactory(
            title_en="Big Bang", year=2002, imdb_rating=8.8, imdb_votes=90000, directors=["Michael Bay"]
        ),
        "old": TitleFactory(title_en="Old Reel", year=1950, imdb_rating=8.7, imdb_votes=90000),
        "french": TitleFactory(
            title_en="Le Film", year=2003, imdb_rating=8.6, imdb_votes=90000, original_language="fr"
        ),
        "alien": TitleFactory(
            title_en="Xeno", year=1979, imdb_rating=8.5, imdb_votes=90000, writers=["Dan O'Bannon"]
        ),
        "alien2": TitleFactory(
            title_en="Xeno 2", year=1986, imdb_rating=8.4, imdb_votes=90000, writers=["Dan O'Bannon"]
        ),
        "kept": TitleFactory(title_en="Quiet Days", year=2004, imdb_rating=8.0, imdb_votes=90000),
    }
    for key, film in films.items():
        film.original_language = film.original_language or "en"
        film.save()
        film.genres.set([horror] if key == "horror" else [drama])
    titles_rescore(media_type=MediaType.MOVIE)
    return films


def add(client: APIClient, kind: str, value: str | int, expected: int = 201) -> dict:
    response = client.post(RULES, {"kind": kind, "value": value}, format="json")
    assert response.status_code == expected, response.json()
    return response.json()


def feed_ids(client: APIClient) -> tuple[list[int], int | None]:
    answer = client.post(f"{FEED}?page_size=20", {}, format="json").json()
    return [card["id"] for card in answer["results"]], answer["excluded_count"]


def every_rule(client: APIClient, shelf: dict[str, Title]) -> None:
    add(client, "genre", "horreur")  # French name
    add(client, "person", "michael bay")
    add(client, "before", "1970")
    add(client, "language", "FR")
    add(client, "franchise", shelf["alien2"].pk)


@pytest.mark.parametrize("cache_seconds", [0, 30])
def test_rules_leave_their_titles_out_of_the_feed_and_are_counted(
    settings, auth_client: APIClient, user: User, shelf: dict[str, Title], cache_seconds: int
) -> None:
    settings.FEED_CACHE_SECONDS = cache_seconds
    feed_cache_clear()
    everything, excluded = feed_ids(auth_client)
    assert set(everything) == {t.pk for t in shelf.values()} and excluded == 0
    every_rule(auth_client, shelf)
    Entry.objects.create(user=user, title=shelf["horror"], status=Status.SEEN)  # a status and a rule: once
    ids, excluded = feed_ids(auth_client)
    assert ids == [shelf["kept"].pk]
    assert excluded == 6
    # Another user with no rules still gets everything from the same held ranking.
    assert set(feed_ids(bearer_client(UserFactory()))[0]) == set(everything)


def test_a_removed_rule_brings_its_titles_back_at_once(
    settings, auth_client: APIClient, shelf: dict[str, Title]
) -> None:
    settings.FEED_CACHE_SECONDS = 30
    rule = add(auth_client, "genre", "Horror")
    assert shelf["horror"].pk not in feed_ids(auth_client)[0]
    assert auth_client.delete(f"{RULES}/{rule['id']}").status_code == 204
    assert shelf["horror"].pk in feed_ids(auth_client)[0]
    assert auth_client.delete(f"{RULES}/{rule['id']}").status_code == 404


def test_rules_are_listed_localized_and_not_made_twice(
    auth_client: APIClient, shelf: dict[str, Title]
) -> None:
    first = add(auth_client, "genre", "Horror")
    again = add(auth_client, "genre", "27", expected=200)  # TMDB's id of the same genre
    assert again["id"] == first["id"]
    add(auth_client, "after", 2020)
    listed = auth_client.get(RULES, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert [(r["kind"], r["label"]) for r in listed["results"]] == [("genre", "Horreur"), ("after", "2020")]
    assert listed["count"] == 2
    assert auth_client.get(RULES).headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("genre", "Cowboy opera", "value"),
        ("person", "Nobody Atall", "value"),
        ("before", "19", "value"),
        ("language", "zz", "value"),
        ("franchise", "999999", "value"),
        ("mood", "grim", "kind"),
    ],
)
def test_a_rule_naming_nothing_is_a_400_naming_the_field(
    auth_client: APIClient, shelf: dict[str, Title], kind: str, value: str, field: str
) -> None:
    response = auth_client.post(RULES, {"kind": kind, "value": value}, format="json")
    assert response.status_code == 400
    assert field in str(response.json()), response.json()
    assert not HideRule.objects.exists()


def test_similar_titles_and_the_assistants_search_leave_rule_matches_out(
    auth_client: APIClient, user: User, shelf: dict[str, Title]
) -> None:
    from discovery.services import search_page, similar_page

    for rank, key in enumerate(["horror", "old", "kept"]):
        TitleNeighbour.objects.create(
            title=shelf["french"], neighbour=shelf[key], kind=TitleNeighbour.Kind.SIMILAR, score=1 - rank / 10
        )
    add(auth_client, "genre", "Horror")
    add(auth_client, "before", "1970")
    similar = similar_page(title=shelf["french"], user=user, page_size=10)
    assert [t.pk for t in similar.items] == [shelf["kept"].pk]
    found = search_page(query="Scream House", media_type=MediaType.MOVIE, page=1, page_size=10, user=user)
    assert shelf["horror"].pk not in [t.pk for t in found.items]


def test_keyword_search_finds_rule_matches_and_marks_them(
    auth_client: APIClient, shelf: dict[str, Title]
) -> None:
    add(auth_client, "genre", "Horror")
    results = auth_client.post("/movies/search-by-keywords", {"query": "Scream House"}, format="json").json()[
        "results"
    ]
    assert [(r["id"], r["hidden_by_rule"]) for r in results][:1] == [(shelf["horror"].pk, True)]
    others = auth_client.post("/movies/search-by-keywords", {"query": "Quiet Days"}, format="json").json()[
        "results"
    ]
    assert others[0]["hidden_by_rule"] is False


def test_the_export_holds_the_rules(auth_client: APIClient, shelf: dict[str, Title]) -> None:
    add(auth_client, "franchise", shelf["alien"].pk)
    exported = auth_client.get("/me/export").json()
    assert [(r["kind"], r["value"], r["title_ids"]) for r in exported["hide_rules"]] == [
        ("franchise", "xeno", sorted([shelf["alien"].pk, shelf["alien2"].pk]))
    ]


def test_the_databases_page_leaves_rule_matches_out_by_id(
    settings, auth_client: APIClient, user: User, shelf: dict[str, Title]
) -> None:
    """Past the held ranking's best ids the database answers, with the titles the rules match left out by
    their ids (held per rule set), not by the rules' subqueries; a title saved since is matched at once."""
    every_rule(auth_client, shelf)
    Entry.objects.create(user=user, title=shelf["horror"], status=Status.SEEN)
    settings.FEED_CACHE_SECONDS, settings.FEED_CACHE_MAX_MATCHES = 30, 2  # every page past the best ids
    feed_cache_clear()
    assert feed_ids(auth_client) == ([shelf["kept"].pk], 6)  # the ranking and the rules' ids computed
    with CaptureQueriesContext(connection) as queries:
        assert feed_ids(auth_client) == ([shelf["kept"].pk], 6)
    sql = [q["sql"] for q in queries.captured_queries]
    page = [q for q in sql if "EXISTS" in q and f'FROM "{Title._meta.db_table}"' in q and "LIMIT" in q]
    assert len(page) == 1  # the database's page query
    assert Credit._meta.db_table not in page[0]  # the director rule: by id, not by the credits
    assert not [q for q in sql if Credit._meta.db_table in q]
    horror = Genre.objects.get(name_en="Horror")
    scream = TitleFactory(title_en="Scream Again", year=2005, imdb_rating=9.5, imdb_votes=90000)
    scream.genres.set([horror])
    titles_rescore(media_type=MediaType.MOVIE)
    assert feed_ids(auth_client) == ([shelf["kept"].pk], 7)
