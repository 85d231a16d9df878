"""Sources by the names readers know (Wikidata, IMDb (2005), MovieLens…), linked on the About page, never a
data set's package name on a title page or in the API's title detail."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Title

pytestmark = pytest.mark.django_db

PACKAGE_NAMES = ("ggplot2movies", "bokeh_sampledata", "movies.db")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_title_page_names_its_sources_publicly(
    client: Client, catalog: dict[str, Title], language: str
) -> None:
    html = client.get(f"/title/{catalog['The Godfather'].pk}/?lang={language}").content.decode()
    assert "IMDb (2005)" in html and "Wikidata (CC0-1.0)" in html
    assert not any(name in html for name in PACKAGE_NAMES)


def test_the_api_detail_names_its_sources_publicly(api_client: APIClient, catalog: dict[str, Title]) -> None:
    body = api_client.get(f"/movies/{catalog['The Godfather'].pk}").json()
    assert [rating["provider"] for rating in body["ratings"]] == ["IMDb (2005)"]
    assert body["source"]["name"] == "Wikidata"


def test_the_about_page_links_the_public_names_and_says_which_data_set(
    client: Client, catalog: dict[str, Title]
) -> None:
    html = client.get("/about/").content.decode()
    rows = dict(re.findall(r'<th scope="row"><a href="([^"]+)"[^>]*>([^<]+)</a>', html))
    assert rows["https://www.wikidata.org/wiki/Wikidata:Copyright"] == "Wikidata"
    assert rows["https://cran.r-project.org/package=ggplot2movies"] == "IMDb (2005)"
    assert "ggplot2movies (IMDb ratings and votes)" in html  # which data set, under the name
