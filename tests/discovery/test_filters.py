"""One validator for a request's filters and keywords: the API and the pages refuse alike, in the same
words; and one count of the caller's titles a feed leaves out, whichever path serves the page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Genre, MediaType, Title
from discovery.filters import DiscoveryFilters, SortBy, discovery_filters_from, keyword_query_from
from library.models import Entry, Status

pytestmark = pytest.mark.django_db


def page_errors(client: Client, path: str, language: str) -> dict[str, list[str]]:
    """The page form's messages by field, in the page's language (Django's own are translated lazily)."""
    response = client.get(f"{path}&lang={language}")
    assert response.status_code == 400
    errors = response.context["form"].errors
    with translation.override(language):
        return {field: [str(m) for m in messages] for field, messages in errors.items()}


@pytest.mark.parametrize(
    ("body", "query", "language"),
    [
        ({"year_from": 1800}, "year_from=1800", "en"),
        ({"year_to": 3000}, "year_to=3000", "fr"),
        ({"min_rating": 11}, "min_rating=11", "fr"),
        ({"min_votes": -5}, "min_votes=-5", "en"),
        ({"year_from": 2000, "year_to": 1990}, "year_from=2000&year_to=1990", "en"),
        ({"runtime_min": 200, "runtime_max": 100}, "runtime_min=200&runtime_max=100", "fr"),
    ],
)
def test_the_api_and_the_discover_page_refuse_the_same_filters_in_the_same_words(
    api_client: APIClient, client: Client, catalog: dict, body: dict, query: str, language: str
) -> None:
    api = api_client.post(f"/movies/search-by-filters?lang={language}", body, format="json")
    assert api.status_code == 400
    assert page_errors(client, f"/discover/?{query}", language) == api.json()["errors"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_and_the_search_page_refuse_a_query_without_letters_alike(
    api_client: APIClient, client: Client, catalog: dict, language: str
) -> None:
    api = api_client.post(f"/movies/search-by-keywords?lang={language}", {"query": "?!"}, format="json")
    assert api.status_code == 400
    assert page_errors(client, "/search/?q=%3F%21", language) == {"q": api.json()["errors"]["query"]}


def test_the_validator_resolves_genres_and_languages_as_the_api_always_has(catalog: dict) -> None:
    comedy = Genre.objects.get(name_en="Comedy")
    drama = Genre.objects.get(name_en="Drama")
    asked = {"genres": ["comédie", str(drama.tmdb_id)], "languages": [" FR "], "year_from": 1990}
    asked["min_rating"] = 7
    filters = discovery_filters_from(asked, media_type=MediaType.MOVIE)
    assert filters == DiscoveryFilters(
        genres=(comedy.pk, drama.pk), languages=("fr",), year_from=1990, min_rating=7.0, sort_by=SortBy.SCORE
    )
    wrong = {"genres": ["Space Opera"], "year_from": True, "sort_by": "popularity"}
    with pytest.raises(ValidationError) as refused:
        discovery_filters_from(wrong, media_type=MediaType.MOVIE)
    assert set(refused.value.message_dict) == {"genres", "year_from", "sort_by"}
    assert keyword_query_from("  pulp fiktion ") == "pulp fiktion"


@pytest.fixture
def marked(user: User, catalog: dict[str, Title]) -> set[int]:
    """Three of the user's titles match "Crime", one does not."""
    crime = [t for t in catalog.values() if t.genres.filter(name_en="Crime").exists()][:3]
    other = next(t for t in catalog.values() if not t.genres.filter(name_en="Crime").exists())
    statuses = [Status.SEEN, Status.LATER, Status.HIDDEN, Status.SEEN]
    for title, status in zip([*crime, other], statuses, strict=True):
        Entry.objects.create(user=user, title=title, status=status)
    return {t.pk for t in crime}


@pytest.mark.parametrize("path", ["feed cache", "database"])
def test_the_excluded_count_is_the_same_from_the_shared_ranking_and_from_the_database(
    auth_client: APIClient, marked: set[int], settings, path: str
) -> None:
    if path == "database":
        settings.FEED_CACHE_MAX_MATCHES = 1  # too many matches to hold: the database ranks and counts
    response = auth_client.post("/movies/search-by-filters", {"genres": ["Crime"]}, format="json")
    assert response.status_code == 200
    assert response.json()["excluded_count"] == len(marked) == 3
    assert not marked & {card["id"] for card in response.json()["results"]}
