"""'On my services': the discovery filter by the caller's country and services, the feed keyed by them, and
where to watch on a title's details (TMDB's watch providers, JustWatch's data, credited)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.clients.types import WatchOffer
from catalog.models import MediaType, Title
from catalog.offers import offers_replace
from catalog.ranking import titles_rescore
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db

FEED = "/movies/search-by-filters"
LINK = "https://www.themoviedb.org/movie/1-x/watch?locale="


def offer(region: str, kind: str, provider_id: int, name: str) -> WatchOffer:
    return WatchOffer(
        region=region,
        kind=kind,
        provider_id=provider_id,
        provider_name=name,
        logo_path=f"/logo{provider_id}.jpg",
        display_priority=provider_id,
        link=LINK + region,
    )


@pytest.fixture
def titles(fake_tmdb: FakeTmdb) -> dict[str, Title]:
    """Five films: on Netflix in France, on Amazon's second id in France, free with ads in France, to rent
    only, and on Netflix in the United States only."""
    made = {
        name: TitleFactory(title_en=name, imdb_rating=8 - i * 0.1, imdb_votes=5000)
        for i, name in enumerate(["netflix-fr", "amazon-fr", "ads-fr", "rent-fr", "netflix-us"])
    }
    titles_rescore(media_type=MediaType.MOVIE)
    offers_replace(
        made["netflix-fr"], [offer("FR", "flatrate", 8, "Netflix"), offer("FR", "rent", 2, "Apple TV")]
    )
    offers_replace(made["amazon-fr"], [offer("FR", "flatrate", 119, "Amazon Prime Video")])
    offers_replace(made["ads-fr"], [offer("FR", "ads", 300, "Pluto TV")])
    offers_replace(made["rent-fr"], [offer("FR", "rent", 8, "Netflix")])
    offers_replace(made["netflix-us"], [offer("US", "flatrate", 8, "Netflix")])
    return made


def watcher(**fields: object) -> User:
    return UserFactory(watch_country="FR", watch_services=["netflix", "amazonprimevideo"], **fields)


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [card["title"] for card in response.json()["results"]]


def test_on_my_services_keeps_the_titles_my_services_offer_by_subscription_in_my_country(
    titles: dict[str, Title],
) -> None:
    client = bearer_client(watcher())
    assert names(client.post(FEED, {"on_my_services": True}, format="json")) == ["netflix-fr", "amazon-fr"]
    assert len(names(client.post(FEED, {}, format="json"))) == 5  # the filter off: every title


def test_free_with_ads_counts_when_the_user_says_so(titles: dict[str, Title]) -> None:
    client = bearer_client(watcher(watch_kinds=["flatrate", "ads"]))
    client.patch("/users/me", {"watch_services": ["netflix", "amazonprimevideo", "plutotv"]}, format="json")
    assert names(client.post(FEED, {"on_my_services": True}, format="json")) == [
        "netflix-fr",
        "amazon-fr",
        "ads-fr",
    ]


def test_each_users_services_give_their_own_feed(titles: dict[str, Title]) -> None:
    """The feed's cache holds a ranking per filter set: the services and country are part of it."""
    first = bearer_client(watcher())
    second = bearer_client(UserFactory(watch_country="US", watch_services=["netflix"]))
    assert names(first.post(FEED, {"on_my_services": True}, format="json")) == ["netflix-fr", "amazon-fr"]
    assert names(second.post(FEED, {"on_my_services": True}, format="json")) == ["netflix-us"]


@pytest.mark.parametrize("who", ["anonymous", "no services"])
def test_without_a_user_or_their_services_the_filter_is_a_400_saying_what_is_missing(
    titles: dict[str, Title], who: str
) -> None:
    client = APIClient() if who == "anonymous" else bearer_client(UserFactory())
    response = client.post(FEED, {"on_my_services": True}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["on_my_services"]


def test_without_a_tmdb_key_the_filter_is_refused(titles: dict[str, Title], settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    response = bearer_client(watcher()).post(FEED, {"on_my_services": True}, format="json")
    assert response.status_code == 400
    assert "TMDB" in response.json()["errors"]["on_my_services"][0]


def test_a_titles_details_say_where_to_watch_it_in_my_country_with_the_credit(
    titles: dict[str, Title],
) -> None:
    title = titles["netflix-fr"]
    watch = bearer_client(watcher()).get(f"/movies/{title.pk}").json()["watch"]
    assert watch["country"] == "FR" and watch["attribution"] == "JustWatch"
    assert watch["link"] == LINK + "FR"
    assert [(o["kind"], o["key"]) for o in watch["offers"]] == [("flatrate", "netflix"), ("rent", "appletv")]
    anonymous = APIClient().get(f"/movies/{title.pk}", HTTP_ACCEPT_LANGUAGE="en").json()["watch"]
    assert anonymous["country"] == "US" and anonymous["offers"] == []  # no offer there
    assert (
        APIClient().get(f"/movies/{title.pk}", HTTP_ACCEPT_LANGUAGE="fr").json()["watch"]["country"] == "FR"
    )


def test_without_a_tmdb_key_details_have_no_watch(titles: dict[str, Title], settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    assert APIClient().get(f"/movies/{titles['netflix-fr'].pk}").json()["watch"] is None


def test_keyword_search_on_my_services_keeps_what_my_services_offer(titles: dict[str, Title]) -> None:
    client = bearer_client(watcher())
    every = names(client.post("/movies/search-by-keywords", {"query": "fr"}, format="json"))
    assert {"netflix-fr", "amazon-fr", "ads-fr", "rent-fr"} <= set(every)
    mine = names(
        client.post("/movies/search-by-keywords", {"query": "fr", "on_my_services": True}, format="json")
    )
    assert set(mine) == {"netflix-fr", "amazon-fr"}
    anonymous = APIClient().post(
        "/movies/search-by-keywords", {"query": "fr", "on_my_services": True}, format="json"
    )
    assert anonymous.status_code == 400 and list(anonymous.json()["errors"]) == ["on_my_services"]
