import pytest
from django.db import models
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.similarity import neighbours_rebuild
from catalog.models import Title, TitleNeighbour
from library.models import Entry, Status

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
    assert built[TitleNeighbour.Kind.RATINGS] > 0
    names = similar(api_client, godfather)
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
