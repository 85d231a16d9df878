"""Filters people can read: every genre in the picker, languages by name in the page's language (the
catalog's three-letter codes too, which the filters now accept), a range given backwards said in words on
the page and in the API's problem."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import MediaType, Title
from catalog.ranking import titles_rescore
from catalog.selectors import genres_of
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "app.css"


def language_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="languages".*?</select>', html, re.S)
    assert select is not None
    return [
        (code, unescape(name))
        for code, name in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select[0])
    ]


@pytest.fixture
def moroccan(catalog: dict[str, Title]) -> Title:
    """A film whose original language has no two-letter code: the catalog stores "ary"."""
    title = TitleFactory(title_en="Much Loved", original_language="ary", year=2015)
    titles_rescore(media_type=MediaType.MOVIE)
    return title


@pytest.mark.parametrize(
    ("language", "names"),
    [("en", ["English", "French", "Moroccan Arabic"]), ("fr", ["Anglais", "Français", "Arabe marocain"])],
)
def test_languages_are_named_in_the_pages_language_most_used_first(
    client: Client, moroccan: Title, language: str, names: list[str]
) -> None:
    options = language_options(client.get(f"/discover/?lang={language}").content.decode())
    assert options[0][0] == ""  # "Any"
    # the catalog has 8 English films, 2 French ones and 1 in Moroccan Arabic
    assert options[1:] == [("en", names[0]), ("fr", names[1]), ("ary", names[2])]


def test_a_language_without_a_two_letter_code_filters_on_the_page_and_in_the_api(
    client: Client, api_client: APIClient, moroccan: Title
) -> None:
    response = client.get("/discover/?languages=ary")
    assert response.status_code == 200
    assert re.findall(r'id="card-(\d+)"', response.content.decode()) == [str(moroccan.pk)]
    api = api_client.post("/movies/search-by-filters", {"languages": ["ary"]}, format="json")
    assert api.status_code == 200
    assert [card["id"] for card in api.json()["results"]] == [moroccan.pk]
    refused = api_client.post("/movies/search-by-filters", {"languages": ["qqq"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["languages"] == ["Unknown ISO 639 language code(s): qqq."]


def test_the_genre_picker_lists_every_genre_without_a_scroll_box(client: Client, catalog: dict) -> None:
    html = client.get("/discover/").content.decode()
    picker = re.search(r'<details class="genre-picker".*?</details>', html, re.S)
    assert picker is not None
    shown = {unescape(label) for label in re.findall(r"</?input[^>]*>\s*([^<]+?)\s*</label>", picker[0])}
    genres = {g.name_en for g in genres_of(MediaType.MOVIE)}
    assert {"Science Fiction", "War", "Western"} <= genres == shown
    rule = re.search(r"\.genre-picker fieldset > div \{([^}]*)\}", CSS.read_text())
    assert rule is not None and "max-height" not in rule[1] and "overflow" not in rule[1]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"year_from": 1990, "year_to": 1980}, "year_to", "To year must not be before From year."),
        (
            {"runtime_min": 120, "runtime_max": 90},
            "runtime_max",
            "Longest (minutes) must not be less than Shortest (minutes).",
        ),
    ],
)
def test_a_range_given_backwards_is_said_in_words_in_the_api_problem(
    api_client: APIClient, catalog: dict, body: dict, field: str, message: str
) -> None:
    response = api_client.post("/movies/search-by-filters", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert "year_from" not in response.json()["detail"] and "runtime_min" not in response.json()["detail"]
