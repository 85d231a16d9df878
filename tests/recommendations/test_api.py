"""GET /me/recommendations: picks from the learned tables, reasons, exclusions, diversity, cold start."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Title
from library.models import Status
from recommendations.models import SequelLink
from tests.clients import bearer_client
from tests.factories import UserFactory
from tests.recommendations.conftest import COMEDY, CRIME, DRAMA, HORROR, WAR, WESTERN

pytestmark = pytest.mark.django_db


def recommend(user: User, query: str = "") -> dict:
    response = bearer_client(user).get(f"/me/recommendations{query}")
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict) -> list[str]:
    return [card["title"] for card in body["results"]]


@pytest.fixture
def crime_world(make_title: Callable[..., Title], link: Callable) -> dict[str, Title]:
    """Two liked-able films and what training would have linked them to."""
    t = {
        name: make_title(name, genre_ids=genres, directors=[director], title_fr=fr, score=score)
        for name, fr, genres, director, score in [
            ("Heat", "Heat", (CRIME, DRAMA), "Michael Mann", 8.0),
            ("Ronin", "Ronin", (CRIME,), "John Frankenheimer", 7.0),
            ("The Insider", "Révélations", (DRAMA,), "Michael Mann", 7.5),
            ("Collateral", "Collatéral", (CRIME, DRAMA), "Michael Mann", 7.4),
            ("The Usual Suspects", "Usual Suspects", (CRIME,), "Bryan Singer", 8.5),
            ("Paddington", "Paddington", (COMEDY,), "Paul King", 7.2),
            ("The Shining", "Shining", (HORROR,), "Stanley Kubrick", 8.4),
        ]
    }
    link(t["Heat"], t["Collateral"], 0.5)
    link(t["Heat"], t["The Insider"], 0.48)
    link(t["Heat"], t["The Usual Suspects"], 0.1)
    link(t["Ronin"], t["The Usual Suspects"], 0.3)
    link(t["Ronin"], t["Collateral"], 0.1)
    link(t["Paddington"], t["Collateral"], 0.3)
    link(t["The Shining"], t["The Insider"], 0.5)
    return t


def test_picks_come_best_first_with_the_users_liked_titles_as_reasons(
    member: User, crime_world: dict[str, Title], mark: Callable
) -> None:
    mark(member, crime_world["Heat"], rating=9)
    mark(member, crime_world["Ronin"], rating=8)
    body = recommend(member)
    assert body["cold_start"] is False and (body["next"], body["count"]) == (None, None)
    assert names(body) == ["Collateral", "The Insider", "The Usual Suspects"]
    collateral, _insider, suspects = body["results"]
    assert collateral["reasons"] == [
        {"title_id": crime_world["Heat"].pk, "title": "Heat"},
        {"title_id": crime_world["Ronin"].pk, "title": "Ronin"},
    ]
    assert collateral["explanation"] == "Because you liked Heat and Ronin"
    assert [r["title"] for r in suspects["reasons"]] == ["Ronin", "Heat"]  # 0.3 x 0.8 beats 0.1 x 1.0
    assert collateral["user_status"] is None and [g["name"] for g in collateral["genres"]] == [
        "Crime",
        "Drama",
    ]
    assert set(collateral) >= {"id", "media_type", "title", "year", "genres", "score", "poster_url"}


def test_reasons_and_explanations_in_french(
    member: User, crime_world: dict[str, Title], mark: Callable
) -> None:
    mark(member, crime_world["Heat"], rating=9)
    mark(member, crime_world["The Shining"], rating=10)
    body = recommend(member, "?lang=fr")
    insider = next(c for c in body["results"] if c["id"] == crime_world["The Insider"].pk)
    assert insider["title"] == "Révélations"
    assert [r["title"] for r in insider["reasons"]] == ["Shining", "Heat"]
    assert insider["explanation"] == "Parce que vous avez aimé Shining et Heat"


def test_a_title_seen_without_rating_is_a_reason_said_as_watched(
    member: User, crime_world: dict[str, Title], mark: Callable
) -> None:
    mark(member, crime_world["Heat"])
    body = recommend(member)
    assert body["results"][0]["explanation"] == "Because you watched Heat"
    assert recommend(member, "?lang=fr")["results"][0]["explanation"] == "Parce que vous avez vu Heat"


def test_three_reasons_at_most_and_disliked_titles_are_never_reasons(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    pick = make_title("Pick")
    for i, (rating, status) in enumerate(
        [(10, "seen"), (9, "seen"), (8, "seen"), (7, "seen"), (None, "later")]
    ):
        source = make_title(f"Liked {i}")
        link(source, pick, 0.5 - i * 0.01)
        mark(member, source, status=status, rating=rating)
    disliked = make_title("Disliked")
    link(disliked, pick, 0.9)
    mark(member, disliked, rating=3)
    card = recommend(member)["results"][0]
    assert [r["title"] for r in card["reasons"]] == ["Liked 0", "Liked 1", "Liked 2"]
    assert card["explanation"] == "Because you liked Liked 0, Liked 1 and Liked 2"


def test_no_title_with_any_status_is_ever_recommended(
    member: User, crime_world: dict[str, Title], mark: Callable, link: Callable
) -> None:
    link(crime_world["Heat"], crime_world["Paddington"], 0.01)
    mark(member, crime_world["Heat"], rating=9)
    mark(member, crime_world["Ronin"], rating=9)
    for title, status in (("Collateral", Status.SEEN), ("The Insider", Status.LATER)):
        mark(member, crime_world[title], status=status)
    mark(member, crime_world["The Usual Suspects"], status=Status.HIDDEN)
    body = recommend(member)
    assert names(body) == ["Paddington"] and body["cold_start"] is False
    assert recommend(UserFactory())["cold_start"] is True  # someone else still gets them all


@pytest.mark.parametrize(("status", "rating"), [(Status.HIDDEN, None), (Status.SEEN, 2)])
def test_hidden_titles_and_low_ratings_push_their_neighbours_down(
    member: User, crime_world: dict[str, Title], mark: Callable, status: str, rating: int | None
) -> None:
    mark(member, crime_world["Heat"], rating=10)
    assert names(recommend(member))[:2] == ["Collateral", "The Insider"]
    # Paddington → Collateral 0.3: hidden (-1) or rated 2 (-0.1) puts Collateral (0.5) under Insider (0.48)
    mark(member, crime_world["Paddington"], status=status, rating=rating)
    after = names(recommend(member))
    assert after[0] == "The Insider" and after.index("Collateral") > 0


def test_a_negative_learned_weight_counts_against_its_neighbour(
    member: User, crime_world: dict[str, Title], mark: Callable, link: Callable
) -> None:
    mark(member, crime_world["Heat"], rating=10)  # Collateral 0.5, The Insider 0.48, Usual Suspects 0.1
    mark(member, crime_world["Ronin"], rating=9)  # Usual Suspects +0.3, Collateral +0.1
    assert names(recommend(member)) == ["Collateral", "The Insider", "The Usual Suspects"]
    link(crime_world["Ronin"], crime_world["The Insider"], -0.2)  # people who saw Ronin tend not to see it
    body = recommend(member)
    assert names(body) == ["Collateral", "The Usual Suspects", "The Insider"]
    insider = next(c for c in body["results"] if c["title"] == "The Insider")
    assert [r["title"] for r in insider["reasons"]] == ["Heat"]  # what counted against it is no reason


def test_a_title_pushed_below_zero_is_not_recommended(
    member: User, crime_world: dict[str, Title], mark: Callable
) -> None:
    mark(member, crime_world["Ronin"], rating=9)  # Collateral +0.1, Usual Suspects +0.3
    mark(member, crime_world["Paddington"], status=Status.HIDDEN)  # Collateral -0.3
    assert names(recommend(member)) == ["The Usual Suspects"]


def test_cold_start_gives_the_best_rated_titles_spread_over_genres(
    member: User, make_title: Callable, mark: Callable
) -> None:
    for i in range(8):
        make_title(f"Great drama {i}", genre_ids=(DRAMA,), directors=[f"D{i}"], score=9.0 - i * 0.01)
    for i, genre in enumerate((COMEDY, HORROR, WAR, WESTERN, CRIME) * 2):
        make_title(f"Good {genre} {i}", genre_ids=(genre,), directors=[f"E{i}"], score=7.0 - i * 0.01)
    make_title("Unrated", genre_ids=(CRIME,))
    hidden = make_title("Hidden best", genre_ids=(CRIME,), score=9.9)
    mark(member, hidden, status=Status.HIDDEN)  # a negative signal only: still a cold start
    body = recommend(member, "?page_size=10")
    assert body["cold_start"] is True and body["next"] is not None
    top = names(body)
    assert top[0] == "Great drama 0" and "Hidden best" not in top
    assert sum(name.startswith("Great drama") for name in top) == 3  # the best, but not ten dramas
    assert {"Good 35 0", "Good 27 1", "Good 10752 2", "Good 37 3", "Good 80 4"} <= set(top)
    assert all(card["reasons"] == [] and card["explanation"] is None for card in body["results"])


def test_ten_picks_are_not_ten_films_of_one_director(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    liked = make_title("Liked")
    mark(member, liked, rating=10)
    for i in range(12):
        link(
            liked,
            make_title(f"Mann {i}", genre_ids=(CRIME, DRAMA), directors=["Michael Mann"]),
            0.9 - i / 100,
        )
    for i, genre in enumerate((COMEDY, HORROR, WAR, WESTERN, DRAMA, CRIME) * 2):
        link(liked, make_title(f"Other {i}", genre_ids=(genre,), directors=[f"Other {i}"]), 0.5 - i / 100)
    top = names(recommend(member, "?page_size=10"))
    assert top[0] == "Mann 0"
    assert sum(name.startswith("Mann") for name in top) <= 2


def test_a_sequel_waits_until_its_original_is_seen(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    liked = make_title("Scarface", genre_ids=(CRIME,))
    original = make_title("The Godfather", genre_ids=(CRIME, DRAMA), year=1972)
    sequel = make_title("The Godfather Part II", genre_ids=(CRIME, DRAMA), year=1974)
    SequelLink.objects.create(sequel=sequel, original=original)
    link(liked, sequel, 0.9)
    link(liked, original, 0.5)
    mark(member, liked, rating=9)
    assert names(recommend(member)) == ["The Godfather"]
    assert "The Godfather Part II" not in names(recommend(UserFactory()))  # cold start too
    mark(member, original, rating=10)
    assert names(recommend(member)) == ["The Godfather Part II"]


def test_pages_follow_each_other_and_media_type_selects_tv(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    liked = make_title("Liked")
    mark(member, liked, rating=10)
    genres = (COMEDY, HORROR, WAR, WESTERN, DRAMA, CRIME)
    for i in range(25):
        link(liked, make_title(f"Film {i}", genre_ids=(genres[i % 6],), directors=[f"D{i}"]), 1 - i / 100)
    show = make_title("A show", media_type="tv", imdb_id=None)
    link(liked, show, 0.05)
    first = recommend(member, "?page_size=20")
    second = bearer_client(member).get(first["next"]).json()
    assert second["next"] is None
    assert len(first["results"]) == 20 and len(second["results"]) == 5
    assert not set(names(first)) & set(names(second))
    assert "A show" not in names(first) + names(second)
    tv = recommend(member, "?media_type=tv")
    assert names(tv) == ["A show"] and tv["results"][0]["media_type"] == "tv"


def test_titles_marked_from_a_page_never_make_the_next_one_skip_picks(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    liked = make_title("Liked")
    mark(member, liked, rating=10)
    genres = (COMEDY, HORROR, WAR, WESTERN, DRAMA, CRIME)
    films = [make_title(f"Film {i}", genre_ids=(genres[i % 6],), directors=[f"D{i}"]) for i in range(25)]
    for i, film in enumerate(films):
        link(liked, film, 1 - i / 100)
        link(film, films[-1 - i], 2.0)  # seeing a film lifts another: marking would reorder a live ranking
    client = bearer_client(member)
    everything = names(recommend(member, "?page_size=100"))
    page = recommend(member, "?page_size=5")
    assert names(page) == everything[:5]
    followed: list[str] = []
    while page["next"] is not None:
        followed += names(page)
        for card in page["results"]:  # every title of the page marked seen before asking for the next
            marked = client.post("/me/movies/update_status", {"title_id": card["id"], "status": "seen"})
            assert marked.status_code == 200, marked.content
        response = client.get(page["next"])
        assert response.status_code == 200, response.content
        page = response.json()
        assert page["count"] is None
    followed += names(page)
    assert followed == everything  # each pick once, none skipped: the ranking of the first page's library
    assert set(names(recommend(member))) == set(names(page))  # the others are seen now


def test_a_cursor_is_for_its_own_list(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    liked = make_title("Liked")
    mark(member, liked, rating=10)
    for i in range(4):
        link(liked, make_title(f"Film {i}", directors=[f"D{i}"]), 1 - i / 100)
    next_url = recommend(member, "?page_size=2")["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for client, query in [
        (bearer_client(member), f"?cursor={tampered}"),
        (bearer_client(member), f"?cursor={cursor}&media_type=tv"),  # made for the movies
        (bearer_client(UserFactory()), f"?cursor={cursor}"),  # made for another user's picks
    ]:
        response = client.get(f"/me/recommendations{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json"
        assert list(response.json()["errors"]) == ["cursor"]
    assert bearer_client(member).get(next_url).status_code == 200


def test_query_count_does_not_grow_with_the_library(
    member: User, make_title: Callable, link: Callable, mark: Callable
) -> None:
    pick = make_title("Pick")
    first = make_title("First")
    link(first, pick, 0.5)
    mark(member, first, rating=9)
    client = bearer_client(member)
    with CaptureQueriesContext(connection) as first_after_training:  # reads the new model once
        assert client.get("/me/recommendations").json()["results"]
    with CaptureQueriesContext(connection) as one:
        assert client.get("/me/recommendations").json()["results"]
    for i in range(40):
        source = make_title(f"Source {i}")
        link(source, pick, 0.1)
        link(source, make_title(f"Other pick {i}"), 0.1)
        mark(member, source, rating=1 + i % 10)
    with CaptureQueriesContext(connection) as many_after_training:
        assert len(client.get("/me/recommendations").json()["results"]) == 20
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/me/recommendations").json()["results"]) == 20
    assert len(many) == len(one) <= 8  # with the caller's familiar-or-adventurous setting and hide rules
    # the vectors, sequels, features and popularity
    assert len(many_after_training) == len(first_after_training) == len(one) + 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?media_type=book", "media_type"),
        ("?page_size=0", "page_size"),
        ("?page_size=500", "page_size"),
        ("?page_size=x", "page_size"),
        ("?cursor=bm90LWEtY3Vyc29y", "cursor"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(member: User, query: str, field: str) -> None:
    response = bearer_client(member).get(f"/me/recommendations{query}")
    assert response.status_code == 400 and field in response.json()["errors"]
    french = bearer_client(member).get(f"/me/recommendations{query}&lang=fr").json()["errors"][field][0]
    assert french != response.json()["errors"][field][0]  # localized


def test_anonymous_callers_get_401(api_client: APIClient) -> None:
    assert api_client.get("/me/recommendations").status_code == 401
