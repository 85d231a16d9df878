"""Where the embedded catalog ends: said beside an empty result, on the About page and by the assistant, and
no longer once the catalog is live."""

import re
from html import unescape

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_an_empty_search_says_where_the_catalog_ends(catalog: dict) -> None:
    html = text(Client().get("/search/", {"q": "zqxwvy"}))
    # The small catalog's newest film is from 2017 (the real one's: 2016, tests/catalog/test_real_catalog.py).
    assert "The embedded catalog holds films up to 2017" in html
    assert "TMDB key" in html and "/about/#catalog-end" in html
    french = text(Client().get("/search/", {"q": "zqxwvy"}, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Le catalogue embarqué contient les films jusqu\u2019à 2017" in french


def test_a_search_that_finds_titles_says_nothing_of_it(catalog: dict) -> None:
    assert "embedded catalog holds" not in text(Client().get("/search/", {"q": "heat"}))


def test_an_empty_discover_page_says_where_the_catalog_ends(catalog: dict) -> None:
    html = text(Client().get("/discover/", {"media": "movie", "year_from": 1941, "year_to": 1942}))
    assert "No title you haven't seen matches these filters" in html
    assert "The embedded catalog holds films up to 2017" in html


def test_about_says_where_the_catalog_ends_and_how_to_go_live(catalog: dict, settings) -> None:
    html = text(Client().get("/about/"))
    assert 'id="catalog-end"' in html and "films up to 2017" in html
    assert "TMDB_API_KEY" in html and "import_imdb_datasets" in html
    settings.TMDB_API_KEY = "a-key"  # live: the catalog no longer ends there
    live = text(Client().get("/about/"))
    assert "films up to 2017" not in live and "TMDB_API_KEY" in live


def test_the_assistants_nothing_found_says_where_the_catalog_ends(
    auth_client: APIClient, catalog: dict
) -> None:
    body = auth_client.post(
        "/chat", {"message": "a western from 1941"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["results"] == []
    assert "The embedded catalog holds films up to 2017" in body["reply"], body["reply"]
    french = auth_client.post(
        "/chat", {"message": "un western de 1941"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert "jusqu\u2019à 2017" in french["reply"], french["reply"]
