import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.genres import genres_import
from catalog.models import Genre, MediaType, Title
from library.models import Entry, Status
from tests.clients import with_token
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def titles() -> dict[str, Title]:
    genres_import(live=False)
    amelie = TitleFactory(
        title_en="Amélie",
        title_fr="Le Fabuleux destin d'Amélie Poulain",
        year=2001,
        imdb_id="tt0211915",
        tmdb_id=194,
        imdb_rating=8.3,
        overview_en="A shy waitress.",
        overview_fr="Une serveuse timide.",
    )
    amelie.genres.set(Genre.objects.filter(tmdb_id__in=[35, 10749]))
    heat = TitleFactory(title_en="Heat", year=1995, imdb_id="tt0113277", tmdb_id=949, imdb_rating=8.3)
    heat.genres.set(Genre.objects.filter(tmdb_id__in=[28, 80, 18]))
    alien = TitleFactory(title_en="Alien", year=1979, imdb_id="tt0078748", imdb_rating=8.5)
    alien.genres.set(Genre.objects.filter(tmdb_id__in=[27, 878]))
    bureau = TitleFactory(
        media_type=MediaType.TV,
        title_en="The Bureau",
        title_fr="Le Bureau des légendes",
        year=2015,
        first_air_year=2015,
        last_air_year=2020,
        imdb_id="tt4063800",
        tmdb_id=62107,
    )
    bureau.genres.set(Genre.objects.filter(tmdb_id__in=[18]))
    return {"amelie": amelie, "heat": heat, "alien": alien, "bureau": bureau}


def update(client: APIClient, body: dict, route: str = "movies", **headers: str):
    return client.post(f"/me/{route}/update_status", body, format="json", **headers)


# ---------------------------------------------------------------- update_status


def test_mark_seen_with_rating_returns_the_card(auth_client: APIClient, user: User, titles: dict) -> None:
    response = update(auth_client, {"title_id": titles["amelie"].pk, "status": "seen", "rating": 9})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rating"]) == ("seen", 9)
    assert body["updated_at"]
    assert body["title"]["title"] == "Amélie"
    assert body["title"]["user_status"] == "seen"
    assert [g["name"] for g in body["title"]["genres"]] == ["Comedy", "Romance"]
    assert Entry.objects.get(user=user).rating == 9


@pytest.mark.parametrize(("field", "value"), [("title_id", None), ("tmdb_id", 949), ("imdb_id", "tt0113277")])
def test_identify_title_by_any_id(
    auth_client: APIClient, user: User, titles: dict, field: str, value
) -> None:
    value = titles["heat"].pk if value is None else value
    assert update(auth_client, {field: value, "status": "later"}).status_code == 200
    assert Entry.objects.get(user=user).title == titles["heat"]


@pytest.mark.parametrize(
    ("alias", "stored"),
    [("towatchlater", "later"), ("watch_later", "later"), ("not_interested", "hidden"), ("SEEN", "seen")],
)
def test_status_aliases(auth_client: APIClient, user: User, titles: dict, alias: str, stored: str) -> None:
    assert update(auth_client, {"title_id": titles["heat"].pk, "status": alias}).json()["status"] == stored
    assert Entry.objects.get(user=user).status == stored


def test_changing_status_moves_the_title_between_lists(auth_client: APIClient, titles: dict) -> None:
    update(auth_client, {"title_id": titles["heat"].pk, "status": "later"})
    update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": 7})
    assert auth_client.get("/me/movies/towatchlater").json()["count"] == 0
    seen = auth_client.get("/me/movies/seen").json()
    assert [r["id"] for r in seen["results"]] == [titles["heat"].pk]
    assert seen["results"][0]["rating"] == 7
    update(auth_client, {"title_id": titles["heat"].pk, "status": "hidden"})
    hidden = auth_client.get("/me/movies/hidden").json()["results"]
    assert (hidden[0]["status"], hidden[0]["rating"]) == ("hidden", None)  # a rating belongs to "seen"


def test_none_clears_and_repeating_is_idempotent(auth_client: APIClient, user: User, titles: dict) -> None:
    first = update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": 8}).json()
    again = update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": 8}).json()
    assert again == first  # same row, same time of change
    without_rating = update(auth_client, {"title_id": titles["heat"].pk, "status": "seen"}).json()
    assert without_rating["rating"] == 8  # a rating left out is kept
    cleared = update(auth_client, {"title_id": titles["heat"].pk, "status": "none"})
    assert cleared.status_code == 200
    assert cleared.json()["status"] is None
    assert not Entry.objects.filter(user=user).exists()
    assert update(auth_client, {"title_id": titles["heat"].pk, "status": "none"}).status_code == 200


def test_explicit_null_rating_clears_it(auth_client: APIClient, titles: dict) -> None:
    update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": 8})
    assert (
        update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": None}).json()[
            "rating"
        ]
        is None
    )


def test_tv_show_route(auth_client: APIClient, titles: dict) -> None:
    response = update(
        auth_client, {"tmdb_id": 62107, "status": "later"}, route="tvshows", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    card = response.json()["title"]
    assert card["title"] == "Le Bureau des légendes"
    assert (card["media_type"], card["first_air_year"], card["last_air_year"]) == ("tv", 2015, 2020)
    assert card["genres"] == [{"id": 18, "name": "Drame"}]


HEAT = "heat"  # replaced by Heat's id in the test


def in_digits_of(text: str, zero: str) -> str:
    """`text` with its ASCII digits written in another script, whose digit zero is `zero`."""
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "seen"}, "title_id"),
        ({"title_id": HEAT, "tmdb_id": 949, "status": "seen"}, "title_id"),
        ({"title_id": HEAT}, "status"),
        ({"title_id": HEAT, "status": "watched"}, "status"),
        ({"title_id": HEAT, "status": "seen", "rating": 0}, "rating"),
        ({"title_id": HEAT, "status": "seen", "rating": 11}, "rating"),
        ({"title_id": HEAT, "status": "seen", "rating": "nine"}, "rating"),
        ({"title_id": HEAT, "status": "later", "rating": 5}, "rating"),
        ({"title_id": HEAT, "status": "hidden", "rating": 5}, "rating"),
        ({"title_id": -4, "status": "seen"}, "title_id"),
        ({"title_id": "abc", "status": "seen"}, "title_id"),
        ({"imdb_id": "0137523", "status": "seen"}, "imdb_id"),
        ({"imdb_id": in_digits_of("tt0113277", "\u0660"), "status": "seen"}, "imdb_id"),  # Arabic-Indic
        ({"imdb_id": in_digits_of("tt0113277", "\uff10"), "status": "seen"}, "imdb_id"),  # fullwidth
        ({"imdb_id": "tt12345", "status": "seen"}, "imdb_id"),  # IMDb ids have at least 7 digits
        ({"title_id": HEAT, "status": "seen", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    auth_client: APIClient, user: User, titles: dict, body: dict, field: str
) -> None:
    body = {k: titles["heat"].pk if v == HEAT else v for k, v in body.items()}
    response = update(auth_client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Entry.objects.filter(user=user).exists()


def test_errors_in_french(auth_client: APIClient, titles: dict) -> None:
    response = update(
        auth_client,
        {"title_id": titles["heat"].pk, "status": "later", "rating": 5},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "vu" in response.json()["errors"]["rating"][0]
    response = update(auth_client, {"status": "seen"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "exactement" in response.json()["errors"]["title_id"][0]


def test_wrong_media_route_is_400(auth_client: APIClient, user: User, titles: dict) -> None:
    on_movies = update(auth_client, {"title_id": titles["bureau"].pk, "status": "seen"})
    assert on_movies.status_code == 400
    assert "tvshows" in on_movies.json()["errors"]["title_id"][0]
    on_tv = update(auth_client, {"imdb_id": "tt0113277", "status": "seen"}, route="tvshows")
    assert on_tv.status_code == 400
    assert "imdb_id" in on_tv.json()["errors"]
    assert not Entry.objects.filter(user=user).exists()


@pytest.mark.parametrize("body", [{"title_id": 999999}, {"imdb_id": "tt9999999"}, {"tmdb_id": 123456}])
def test_unknown_title_is_404(auth_client: APIClient, titles: dict, body: dict) -> None:
    assert update(auth_client, {**body, "status": "seen"}).status_code == 404


# ---------------------------------------------------------------- lists


def test_lists_are_paginated_newest_first_and_localized(
    auth_client: APIClient, user: User, titles: dict
) -> None:
    for key in ("alien", "heat", "amelie"):
        update(auth_client, {"title_id": titles[key].pk, "status": "seen"})
    page1 = auth_client.get("/me/movies/seen?page_size=2", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert [r["title"] for r in page1["results"]] == ["Le Fabuleux destin d'Amélie Poulain", "Heat"]
    assert page1["count"] == 3 and page1["next"] == "http://testserver/me/movies/seen?page=2&page_size=2"
    assert page1["results"][0]["overview"] == "Une serveuse timide."
    assert [g["name"] for g in page1["results"][0]["genres"]] == ["Comédie", "Romance"]
    page2 = auth_client.get(page1["next"]).json()
    assert [r["title"] for r in page2["results"]] == ["Alien"]
    assert (page2["count"], page2["next"]) == (3, None)
    assert auth_client.get("/me/tvshows/seen").json()["count"] == 0


@pytest.mark.parametrize("query", ["page=0", "page_size=0", "page_size=101", "page=abc"])
def test_list_pagination_bad_input(auth_client: APIClient, query: str) -> None:
    response = auth_client.get(f"/me/movies/seen?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_lists_use_a_constant_number_of_queries(auth_client: APIClient, user: User) -> None:
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert auth_client.get("/me/movies/seen?page_size=100").status_code == 200
        return len(captured)

    genres = list(Genre.objects.all()[:3]) if Genre.objects.exists() else []
    for _ in range(3):
        t = TitleFactory()
        t.genres.set(genres)
        Entry.objects.create(user=user, title=t, status=Status.SEEN)
    few = queries_for_list()
    for _ in range(40):
        Entry.objects.create(user=user, title=TitleFactory(), status=Status.SEEN)
    assert queries_for_list() == few


# ---------------------------------------------------------------- stats


def test_stats_aggregate_the_callers_entries(auth_client: APIClient, user: User, titles: dict) -> None:
    update(auth_client, {"title_id": titles["amelie"].pk, "status": "seen", "rating": 9})
    update(auth_client, {"title_id": titles["heat"].pk, "status": "seen", "rating": 6})
    update(auth_client, {"title_id": titles["alien"].pk, "status": "later"})
    update(auth_client, {"title_id": titles["bureau"].pk, "status": "hidden"}, route="tvshows")
    other = UserFactory()
    Entry.objects.create(user=other, title=titles["alien"], status=Status.SEEN, rating=1)

    stats = auth_client.get("/users/me/stats", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert stats["movies"] == {"seen": 2, "later": 1, "hidden": 0}
    assert stats["tvshows"] == {"seen": 0, "later": 0, "hidden": 1}
    assert stats["watch_count"] == 2
    assert stats["average_rating"] == 7.5
    assert stats["average_imdb_rating"] == 8.3
    # Five genres over the two seen films, one each: ties by English name, shown in French.
    assert stats["top_genres"] == [
        {"genre": name, "count": 1} for name in ("Action", "Comédie", "Crime", "Drame", "Romance")
    ]
    assert stats["seen_by_decade"] == [{"decade": 1990, "count": 1}, {"decade": 2000, "count": 1}]


def test_stats_of_a_new_user(auth_client: APIClient) -> None:
    stats = auth_client.get("/users/me/stats").json()
    assert stats == {
        "movies": {"seen": 0, "later": 0, "hidden": 0},
        "tvshows": {"seen": 0, "later": 0, "hidden": 0},
        "watch_count": 0,
        "average_rating": None,
        "average_imdb_rating": None,
        "top_genres": [],
        "seen_by_decade": [],
    }


def test_stats_use_a_constant_number_of_queries(auth_client: APIClient, user: User) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            auth_client.get("/users/me/stats")
        return len(captured)

    Entry.objects.create(user=user, title=TitleFactory(year=1990), status=Status.SEEN, rating=5)
    few = queries()
    for i in range(30):
        Entry.objects.create(
            user=user, title=TitleFactory(year=1950 + i), status=Status.SEEN, rating=1 + i % 10
        )
    assert queries() == few


# ---------------------------------------------------------------- isolation between users


ROUTES = [
    ("post", "/me/movies/update_status"),
    ("post", "/me/tvshows/update_status"),
    ("get", "/me/movies/seen"),
    ("get", "/me/movies/towatchlater"),
    ("get", "/me/movies/hidden"),
    ("get", "/me/tvshows/seen"),
    ("get", "/me/tvshows/towatchlater"),
    ("get", "/me/tvshows/hidden"),
    ("get", "/users/me/stats"),
    ("post", "/me/import"),
    ("get", "/me/import/1"),
    ("get", "/me/export"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_calls_are_401(api_client: APIClient, method: str, path: str) -> None:
    assert getattr(api_client, method)(path).status_code == 401


def test_a_user_never_sees_or_changes_another_users_entries(api_client: APIClient, titles: dict) -> None:

    owner, intruder = UserFactory(), UserFactory()
    Entry.objects.create(user=owner, title=titles["amelie"], status=Status.SEEN, rating=9)
    Entry.objects.create(user=owner, title=titles["heat"], status=Status.LATER)
    Entry.objects.create(user=owner, title=titles["alien"], status=Status.HIDDEN)
    Entry.objects.create(user=owner, title=titles["bureau"], status=Status.SEEN)
    with_token(api_client, intruder)

    for path in (
        "/me/movies/seen",
        "/me/movies/towatchlater",
        "/me/movies/hidden",
        "/me/tvshows/seen",
        "/me/tvshows/towatchlater",
        "/me/tvshows/hidden",
    ):
        assert api_client.get(path).json()["count"] == 0, path
    stats = api_client.get("/users/me/stats").json()
    assert stats["watch_count"] == 0 and stats["movies"]["seen"] == 0
    assert api_client.get("/me/export").json()["entries"] == []
    # Changing "my" status for the same title creates the intruder's own row; the owner's stays as it was.
    update(api_client, {"title_id": titles["amelie"].pk, "status": "none"})
    update(api_client, {"title_id": titles["heat"].pk, "status": "hidden"})
    update(api_client, {"title_id": titles["bureau"].pk, "status": "later"}, route="tvshows")
    assert Entry.objects.get(user=owner, title=titles["amelie"]).rating == 9
    assert Entry.objects.get(user=owner, title=titles["heat"]).status == Status.LATER
    assert Entry.objects.get(user=owner, title=titles["bureau"]).status == Status.SEEN
    assert Entry.objects.filter(user=intruder).count() == 2
