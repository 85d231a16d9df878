"""Genres as `{"id", "name"}` on cards and details, and the lists clients build filters from:
GET /genres and GET /languages (public, localized, cacheable)."""

import pytest
from rest_framework.test import APIClient

from catalog.genres import TMDB_GENRES
from catalog.models import Title

pytestmark = pytest.mark.django_db


def test_a_title_detail_names_its_genres_by_tmdb_id_in_the_request_language(
    api_client: APIClient, catalog: dict
) -> None:
    path = f"/movies/{catalog['Alien'].pk}"
    english = api_client.get(path).json()["genres"]
    french = api_client.get(path, HTTP_ACCEPT_LANGUAGE="fr").json()["genres"]
    assert english == [{"id": 27, "name": "Horror"}, {"id": 878, "name": "Science Fiction"}]
    assert french == [{"id": 27, "name": "Horreur"}, {"id": 878, "name": "Science-Fiction"}]


def test_the_pages_still_print_genre_names(client, catalog: dict) -> None:
    page = client.get(f"/title/{catalog['Alien'].pk}/?lang=fr").content.decode()
    assert "<li>Horreur</li>" in page and "<li>Science-Fiction</li>" in page


def test_the_genre_lists_for_movies_and_tv_shows(api_client: APIClient, catalog: dict) -> None:
    movies = api_client.get("/genres").json()
    assert movies["next"] is None and movies["count"] == len(movies["results"]) == 19
    assert movies["results"] == api_client.get("/genres?media_type=movie").json()["results"]
    assert {"id": 878, "name": "Science Fiction"} in movies["results"]
    names = [g["name"] for g in movies["results"]]
    assert names == sorted(names, key=str.casefold) and names[-2:] == ["War", "Western"]

    tv = api_client.get("/genres?media_type=tv", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert {g["id"] for g in tv} == {spec.tmdb_id for spec in TMDB_GENRES if spec.for_tv}
    assert {"id": 10765, "name": "Science-Fiction & Fantastique"} in tv
    assert tv[0] == {"id": 10759, "name": "Action & Aventure"}  # in French alphabetical order
    assert [g["name"] for g in tv][:3] == ["Action & Aventure", "Actualités", "Animation"]


def test_the_genre_list_refuses_an_unknown_media_type(api_client: APIClient, db: None) -> None:
    response = api_client.get("/genres?media_type=book")
    assert response.status_code == 400 and "media_type" in response.json()["errors"]


def test_public_lists_ignore_a_stale_token(api_client: APIClient, catalog: dict) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/genres").status_code == 200
    assert api_client.get("/languages").status_code == 200


def test_the_languages_titles_use_with_localized_names_and_counts(
    api_client: APIClient, catalog: dict
) -> None:
    body = api_client.get("/languages").json()
    assert body["results"] == [
        {"code": "en", "name": "English", "count": 8},
        {"code": "fr", "name": "French", "count": 3},
    ]
    assert (body["count"], body["next"]) == (2, None)
    movies = api_client.get("/languages?media_type=movie", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert movies == [
        {"code": "en", "name": "Anglais", "count": 7},
        {"code": "fr", "name": "Français", "count": 2},
    ]
    tv = api_client.get("/languages?media_type=tv").json()["results"]
    assert [(row["code"], row["count"]) for row in tv] == [("en", 1), ("fr", 1)]


def test_the_language_list_is_cached_briefly(
    api_client: APIClient, catalog: dict, django_assert_num_queries
) -> None:
    api_client.get("/languages")
    Title.objects.filter(original_language="fr").update(original_language="it")
    with django_assert_num_queries(0):
        cached = api_client.get("/languages").json()["results"]
    assert [row["code"] for row in cached] == ["en", "fr"]


def test_the_schema_declares_both_lists_as_public(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("/genres", "/languages"):
        operation = schema["paths"][path]["get"]
        assert operation.get("security") in (None, [])
        assert "200" in operation["responses"]
    genre = schema["components"]["schemas"]["Genre"]
    assert set(genre["properties"]) == {"id", "name"}
