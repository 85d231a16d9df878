"""The feed's first page is shared briefly between anonymous callers; a caller with a token never gets a
cached page, so a title they have just marked never comes back."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Title

pytestmark = pytest.mark.django_db

FEED = "/movies/search-by-filters"


@pytest.fixture(autouse=True)
def _cache_on(settings) -> None:
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 30
    settings.FEED_CACHE_SECONDS = 0  # this cache alone (the feed cache: tests/catalog/test_feed_cache.py)


def first_titles(client: APIClient, body: dict | None = None, query: str = "", **headers: str) -> list[str]:
    response = client.post(f"{FEED}{query}", body or {}, format="json", **headers)
    assert response.status_code == 200, response.json()
    return [card["title"] for card in response.json()["results"]]


def test_anonymous_callers_share_the_first_page_for_a_while(api_client: APIClient, catalog: dict) -> None:
    before = first_titles(api_client)
    Title.objects.filter(title_en="The Godfather").update(title_en="The Godfather (restored)")
    assert first_titles(api_client) == before  # served from the cache
    # Another language, other filters, another page size or a following page are other entries, built now.
    assert "The Godfather (restored)" in first_titles(api_client, query="?page_size=5")
    assert "The Godfather (restored)" in first_titles(api_client, {"sort_by": "votes"})
    following = api_client.post(FEED + "?page_size=2", {}, format="json").json()["next"].split(FEED)[1]
    second = first_titles(api_client, query=following)
    Title.objects.filter(title_en=second[0]).update(title_en="Renamed")
    assert first_titles(api_client, query=following)[0] == "Renamed"
    assert first_titles(api_client, HTTP_ACCEPT_LANGUAGE="fr")[0] == "Le Parrain"


def test_a_title_marked_by_a_user_never_comes_back(
    api_client: APIClient, auth_client: APIClient, user: User, catalog: dict
) -> None:
    assert first_titles(api_client)[0] == "The Godfather"  # now in the anonymous cache
    assert first_titles(auth_client)[0] == "The Godfather"
    godfather = catalog["The Godfather"]
    response = auth_client.post("/me/movies/update_status", {"title_id": godfather.pk, "status": "seen"})
    assert response.status_code == 200
    assert "The Godfather" not in first_titles(auth_client)
    assert auth_client.post(FEED, {}, format="json").json()["excluded_count"] == 1
    assert first_titles(api_client)[0] == "The Godfather"  # anonymous callers have no exclusions
