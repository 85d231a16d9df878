import pytest
from django.db import models
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.similarity import neighbours_rebuild
from catalog.models import Genre, MediaType, Title, TitleNeighbour
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def similar(client: APIClient, title: Title, route: str = "movies", **params: object) -> list[str]:
    response = client.get(f"/{route}/{title.pk}/similar", params)
    assert response.status_code == 200, response.json()
    return [c["title"] for c in response.json()["results"]]


def test_similar_titles_share_genres_and_people(api_client: APIClient, catalog: dict) -> None:
    neighbours_rebuild()  # the small catalog has no MovieLens ratings: content only
    names = similar(api_client, catalog["The Godfather"])
    assert names[0] == "Heat"  # crime drama with Al Pacino
    assert "The Godfather" not in names
    assert "Amélie" not in names[:3]


def test_similar_excludes_the_callers_titles(auth_client: APIClient, user: User, catalog: dict) -> None:
    neighbours_rebuild()
    Entry.objects.create(user=user, title=catalog["Heat"], status=Status.HIDDEN)
    names = similar(auth_client, catalog["The Godfather"])
    assert "Heat" not in names
    assert names


def test_co_ratings_blend_in(api_client: APIClient, catalog: dict) -> None:
    godfather, amelie = catalog["The Godfather"], catalog["Amélie"]
    Title.objects.filter(pk=godfather.pk).update(movielens_id=858)
    Title.objects.filter(pk=amelie.pk).update(movielens_id=4973)
    Title.objects.filter(pk=catalog["Alien"].pk).update(movielens_id=1214)
    # Users who love The Godfather also love Amélie, and dislike Alien (MovieLens-style triples).
    ratings = [
        (user, movie, score)
        for user in range(1, 40)
        for movie, score in ((858, 5.0), (4973, 5.0), (1214, 1.0))
    ]
    ratings += [(user, 1214, 5.0) for user in range(40, 50)]
    built = neighbours_rebuild(ratings=ratings)
    assert built[TitleNeighbour.Kind.SIMILAR] > 0
    names = similar(api_client, godfather)
    assert names[0] == "Amélie"  # liked by those who rated The Godfather, though it shares no content
    assert names.index("Amélie") < names.index("Alien")


def test_similar_paginates_and_checks_input(api_client: APIClient, catalog: dict) -> None:
    neighbours_rebuild()
    everything = similar(api_client, catalog["The Godfather"], page_size=100)
    assert len(everything) > 4
    body = api_client.get(f"/movies/{catalog['The Godfather'].pk}/similar", {"page_size": 2}).json()
    followed = []
    while True:
        assert body["count"] is None
        followed += [c["title"] for c in body["results"]]
        if body["next"] is None:
            break
        body = api_client.get(body["next"]).json()
    assert followed == everything
    assert api_client.get(f"/movies/{catalog['The Godfather'].pk}/similar?page_size=0").status_code == 400
    assert api_client.get(f"/tvshows/{catalog['The Godfather'].pk}/similar").status_code == 404


def test_tv_shows_have_similar_shows(api_client: APIClient, catalog: dict) -> None:
    neighbours_rebuild()
    assert similar(api_client, catalog["The Bureau"], route="tvshows") == ["Breaking Bad"]


def test_neighbours_stay_within_a_media_type(catalog: dict) -> None:
    neighbours_rebuild()
    assert TitleNeighbour.objects.exists()
    assert not TitleNeighbour.objects.exclude(neighbour__media_type=models.F("title__media_type")).exists()


def test_the_reserved_users_never_shape_a_list(api_client: APIClient, catalog: dict) -> None:
    """MovieLens users whose id is divisible by 5 judge the lists (bench/similar.py): never learnt from."""
    neighbours_rebuild()
    alone = similar(api_client, catalog["The Godfather"])
    Title.objects.filter(pk=catalog["The Godfather"].pk).update(movielens_id=858)
    Title.objects.filter(pk=catalog["Amélie"].pk).update(movielens_id=4973)
    reserved = [(user, movie, 5.0) for user in range(5, 500, 5) for movie in (858, 4973)]
    neighbours_rebuild(ratings=reserved)
    assert similar(api_client, catalog["The Godfather"]) == alone


def _films(count: int, *, names: list[str], director: str, writer: str, genres: list[Genre]) -> list[Title]:
    films = [
        TitleFactory(
            title_en=names[i],
            year=1980 + i,
            original_language="en",
            directors=[director],
            writers=[writer],
            cast=["Al Pacino"],
        )
        for i in range(count)
    ]
    for film in films:
        film.genres.set(genres)
    return films


def test_a_list_holds_at_most_three_films_by_one_director(api_client: APIClient, catalog: dict) -> None:
    crime = list(catalog["Heat"].genres.all())
    _films(
        6,
        names=["Thief", "Manhunter", "The Insider", "Collateral", "Miami Vice", "Public Enemies"],
        director="Michael Mann",
        writer="Michael Mann",
        genres=crime,
    )
    Title.objects.filter(pk=catalog["Heat"].pk).update(writers=["Michael Mann"])
    neighbours_rebuild()
    cards = api_client.get(f"/movies/{catalog['Heat'].pk}/similar", {"page_size": 10}).json()["results"]
    by_mann = [c["title"] for c in cards if "Michael Mann" in Title.objects.get(pk=c["id"]).directors]
    assert len(by_mann) == 3, [c["title"] for c in cards]
    assert len(cards) > 3  # the others are still there: other crime films


def test_a_list_holds_at_most_three_of_one_franchise(api_client: APIClient, catalog: dict) -> None:
    """Alien, Aliens, Alien 3, Alien: Resurrection… share their writers: one franchise, at most 3 a list."""
    horror = list(catalog["Alien"].genres.all())
    names = ["Aliens", "Alien 3", "Alien: Resurrection", "Alien Covenant", "Alien Isolation"]
    directors = ["James Cameron", "David Fincher", "Jean-Pierre Jeunet", "Ridley Scott", "Alistair Hope"]
    for name, director in zip(names, directors, strict=True):
        _films(1, names=[name], director=director, writer="Dan O'Bannon", genres=horror)
    Title.objects.filter(pk=catalog["Alien"].pk).update(writers=["Dan O'Bannon"])
    neighbours_rebuild()
    names_served = similar(api_client, catalog["Alien"], page_size=10)
    assert len(set(names_served) & set(names)) == 3, names_served


def test_tv_lists_hold_tv_shows_of_the_closest_genres(api_client: APIClient, catalog: dict) -> None:
    drama, crime = Genre.objects.get(tmdb_id=18), Genre.objects.get(tmdb_id=80)
    shows = {}
    for name, genres, first, last in [
        ("The O.C.", [drama], 2003, 2007),
        ("The Wire", [drama, crime], 2002, 2008),
        ("The Shield", [drama, crime], 2002, 2008),
    ]:
        shows[name] = TitleFactory(
            media_type=MediaType.TV,
            title_en=name,
            year=first,
            first_air_year=first,
            last_air_year=last,
            original_language="en",
            countries=["US"],
        )
        shows[name].genres.set(genres)
    Title.objects.filter(pk=catalog["Breaking Bad"].pk).update(last_air_year=2013, countries=["US"])
    neighbours_rebuild()
    cards = api_client.get(f"/tvshows/{catalog['Breaking Bad'].pk}/similar").json()["results"]
    names = [c["title"] for c in cards]
    assert {c["media_type"] for c in cards} == {"tv"}
    assert names.index("The Wire") < names.index("The O.C.") and names.index("The Shield") < names.index(
        "The O.C."
    )
