"""Where a user watches: their country, their services and which offers count, through /users/me, and the
services of a country a client picks from (GET /watch/services, TMDB's provider lists)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db


def test_a_new_account_has_no_country_nor_services_and_counts_subscriptions(auth_client: APIClient) -> None:
    body = auth_client.get("/users/me").json()
    assert (body["watch_country"], body["watch_services"], body["watch_kinds"]) == ("", [], ["flatrate"])


def test_the_caller_saves_a_country_services_and_kinds(auth_client: APIClient, user: User) -> None:
    response = auth_client.patch(
        "/users/me",
        {
            "watch_country": "fr",
            "watch_services": ["netflix", "Netflix", "amazonprimevideo"],
            "watch_kinds": ["ads"],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["watch_country"] == "FR"
    assert body["watch_services"] == ["netflix", "amazonprimevideo"]  # each once
    assert body["watch_kinds"] == ["flatrate", "ads"]  # a subscription always counts
    user.refresh_from_db()
    assert (user.watch_country, user.watch_services) == ("FR", ["netflix", "amazonprimevideo"])
    auth_client.patch("/users/me", {"language": "fr"}, format="json")
    user.refresh_from_db()
    assert user.watch_services == ["netflix", "amazonprimevideo"]  # left out: kept


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"watch_country": "ZZ"}, "watch_country"),
        ({"watch_country": "FRA"}, "watch_country"),
        ({"watch_services": ["net flix"]}, "watch_services"),
        ({"watch_services": "netflix"}, "watch_services"),
        ({"watch_kinds": ["cinema"]}, "watch_kinds"),
    ],
)
def test_bad_watch_settings_are_a_400_naming_the_field(
    auth_client: APIClient, user: User, body: dict, field: str
) -> None:
    response = auth_client.patch("/users/me", {**body, "language": "fr"}, format="json")
    assert response.status_code == 400
    assert [name.split(".")[0] for name in response.json()["errors"]] == [field]  # "watch_kinds.0": the item
    user.refresh_from_db()
    assert user.language == "en"  # nothing saved


def test_the_services_of_a_country_one_entry_per_service(api_client: APIClient, fake_tmdb: FakeTmdb) -> None:
    response = api_client.get("/watch/services", {"country": "fr"})
    assert response.status_code == 200
    results = response.json()["results"]
    by_key = {s["key"]: s for s in results}
    assert by_key["amazonprimevideo"]["provider_ids"] == [9, 119]
    assert by_key["netflix"]["logo_url"].startswith("https://image.tmdb.org/t/p/w92/")
    assert results[0]["key"] == "appletv"  # TMDB's display order
    assert api_client.get("/watch/services", {"country": "France"}).status_code == 400
    assert api_client.get("/watch/services").status_code == 400


def test_without_a_tmdb_key_there_are_no_services(api_client: APIClient, settings) -> None:
    settings.TMDB_API_KEY = ""
    settings.TMDB_READ_TOKEN = ""
    assert api_client.get("/watch/services", {"country": "FR"}).json()["results"] == []
