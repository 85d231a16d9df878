"""A group's Discover (POST /groups/{id}/movies/search-by-filters), "on my services" in the group's and the
member's own picks, and where to watch on the cards of the feed, search, For you and the group's picks."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import MediaType, Title
from catalog.offers import offers_replace
from catalog.ranking import titles_rescore
from households.models import Household, Membership
from library.models import Entry, HideRule, Status
from tests.clients import bearer_client
from tests.discovery.test_on_my_services import LINK, offer
from tests.factories import TitleFactory, UserFactory
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db


def household(*members: User) -> Household:
    group = Household.objects.create(name="Sofa", owner=members[0])
    for member in members:
        Membership.objects.create(household=group, user=member)
    return group


def ranked(*names: str, **fields: object) -> dict[str, Title]:
    made = {
        name: TitleFactory(title_en=name, imdb_rating=8 - i * 0.1, imdb_votes=5000, **fields)
        for i, name in enumerate(names)
    }
    titles_rescore(media_type=MediaType.MOVIE)
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [card["title"] for card in response.json()["results"]]


def watcher(**fields: object) -> User:
    return UserFactory(watch_country="FR", watch_services=["netflix"], **fields)


# ---------------------------------------------------------------- a group's Discover


def test_a_groups_discover_leaves_out_what_any_member_has_seen_or_hidden_and_counts_it() -> None:
    t = ranked("Seen", "Hid", "Later", "Old", "Fresh", year=2000)
    Title.objects.filter(pk=t["Old"].pk).update(year=1960)
    alice, bob, stranger = UserFactory(), UserFactory(), UserFactory()
    Entry.objects.create(user=alice, title=t["Seen"], status=Status.SEEN)
    Entry.objects.create(user=bob, title=t["Hid"], status=Status.HIDDEN)
    Entry.objects.create(user=bob, title=t["Later"], status=Status.LATER)  # watch later: fine tonight
    HideRule.objects.create(user=bob, kind=HideRule.Kind.BEFORE, value="1970", label="1970")
    Entry.objects.create(user=stranger, title=t["Fresh"], status=Status.SEEN)  # not a member: no matter
    group = household(alice, bob)
    response = bearer_client(alice).post(f"/groups/{group.pk}/movies/search-by-filters", {}, format="json")
    assert names(response) == ["Later", "Fresh"]
    assert response.json()["excluded_count"] == 3
    alone = bearer_client(alice).post("/movies/search-by-filters", {}, format="json")
    assert names(alone) == ["Hid", "Later", "Old", "Fresh"]  # her own Discover: only her own titles out


def test_a_groups_discover_takes_the_filters_and_pages_by_cursor() -> None:
    ranked("A", "B", "C", year=2000)
    ranked("Older", year=1980)
    alice = UserFactory()
    group = household(alice)
    client = bearer_client(alice)
    path = f"/groups/{group.pk}/movies/search-by-filters"
    first = client.post(f"{path}?page_size=2", {"year_from": 1990}, format="json")
    assert names(first) == ["A", "B"]
    second = client.post(first.json()["next"], {"year_from": 1990}, format="json")
    assert names(second) == ["C"] and second.json()["next"] is None
    other_ranking = client.post(first.json()["next"], {"year_from": 1991}, format="json")
    assert other_ranking.status_code == 400 and list(other_ranking.json()["errors"]) == ["cursor"]


def test_a_groups_discover_names_a_bad_filter_in_english_and_in_french() -> None:
    alice = UserFactory()
    path = f"/groups/{household(alice).pk}/movies/search-by-filters"
    english = bearer_client(alice).post(path, {"genres": ["Nope"]}, format="json")
    assert english.status_code == 400
    assert english.json()["errors"]["genres"] == ["Unknown genre(s): Nope."]
    french = bearer_client(alice).post(path, {"genres": ["Nope"]}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["errors"]["genres"] == ["Genre(s) inconnu(s) : Nope."]


def test_a_groups_discover_is_for_its_members_only() -> None:
    alice, intruder = UserFactory(), UserFactory()
    path = f"/groups/{household(alice).pk}/movies/search-by-filters"
    assert bearer_client(intruder).post(path, {}, format="json").status_code == 404
    assert APIClient().post(path, {}, format="json").status_code == 401


# ---------------------------------------------------------------- where to watch on the cards


@pytest.fixture
def offered(fake_tmdb: FakeTmdb) -> dict[str, Title]:
    """Three films: on Netflix in France, to rent only in France, and nowhere we know of."""
    t = ranked("on-netflix", "rent-only", "nowhere")
    netflix, apple = offer("FR", "flatrate", 8, "Netflix"), offer("FR", "rent", 2, "Apple TV")
    offers_replace(t["on-netflix"], [netflix, apple])
    offers_replace(t["rent-only"], [apple])
    return t


def offers_by_title(response) -> dict[str, object]:
    assert response.status_code == 200, response.content
    return {card["title"]: card["offers"] for card in response.json()["results"]}


NETFLIX = {
    "link": LINK + "FR",
    "services": [{"key": "netflix", "name": "Netflix", "logo_path": "/logo8.jpg", "kind": "flatrate"}],
}


def test_discovery_and_search_cards_carry_my_countrys_offers_and_nothing_made_up(
    offered: dict[str, Title],
) -> None:
    client = bearer_client(watcher())
    feed = offers_by_title(client.post("/movies/search-by-filters", {}, format="json"))
    assert feed == {"on-netflix": NETFLIX, "rent-only": None, "nowhere": None}  # rent is not a card's logo
    search = offers_by_title(client.post("/movies/search-by-keywords", {"query": "netflix"}, format="json"))
    assert search["on-netflix"] == NETFLIX
    anonymous = offers_by_title(APIClient().post("/movies/search-by-filters", {}, format="json"))
    assert set(anonymous.values()) == {None}  # no country: no offers
    elsewhere = bearer_client(UserFactory(watch_country="US", watch_services=["netflix"]))
    assert set(offers_by_title(elsewhere.post("/movies/search-by-filters", {}, format="json")).values()) == {
        None
    }


def test_without_a_tmdb_key_cards_have_no_offers(offered: dict[str, Title], settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    feed = offers_by_title(bearer_client(watcher()).post("/movies/search-by-filters", {}, format="json"))
    assert set(feed.values()) == {None}


# ---------------------------------------------------------------- on my services in the picks


@pytest.fixture
def picks_world(offered: dict[str, Title], link: Callable, genres: object) -> dict[str, Title]:
    """Two members' seen films, each leading to the three films of `offered`."""
    seen = ranked("Heat", "Amélie")
    for source in seen.values():
        for weight, target in zip((0.9, 0.8, 0.7), offered.values(), strict=True):
            link(source, target, weight)
    return {**offered, **seen}


def test_group_picks_on_my_services_keep_what_my_services_offer_with_their_offers(
    picks_world: dict[str, Title],
) -> None:
    alice, bob = watcher(), UserFactory()  # the services are the asking member's
    Entry.objects.create(user=alice, title=picks_world["Heat"], status=Status.SEEN, rating=9)
    Entry.objects.create(user=bob, title=picks_world["Amélie"], status=Status.SEEN, rating=9)
    path = f"/groups/{household(alice, bob).pk}/recommendations"
    every = offers_by_title(bearer_client(alice).get(path))
    assert every == {"on-netflix": NETFLIX, "rent-only": None, "nowhere": None}
    mine = bearer_client(alice).get(path + "?on_my_services=true")
    assert names(mine) == ["on-netflix"] and mine.json()["results"][0]["members"]
    refused = bearer_client(bob).get(path + "?on_my_services=true", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400
    french = "Choisissez d’abord votre pays et vos services."  # noqa: RUF001 - the French apostrophe
    assert refused.json()["errors"]["on_my_services"] == [french]


def test_for_you_on_my_services_keeps_what_my_services_offer(picks_world: dict[str, Title]) -> None:
    alice = watcher()
    Entry.objects.create(user=alice, title=picks_world["Heat"], status=Status.SEEN, rating=9)
    client = bearer_client(alice)
    every = client.get("/me/recommendations")
    assert offers_by_title(every) == {"on-netflix": NETFLIX, "rent-only": None, "nowhere": None}
    mine = client.get("/me/recommendations?on_my_services=true&page_size=1")
    assert names(mine) == ["on-netflix"] and mine.json()["next"] is None
    refused = bearer_client(UserFactory()).get("/me/recommendations?on_my_services=true")
    assert refused.status_code == 400
    assert refused.json()["errors"]["on_my_services"] == ["Choose your country and your services first."]


def test_without_a_tmdb_key_the_picks_filter_says_why(picks_world: dict[str, Title], settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    response = bearer_client(watcher()).get("/me/recommendations?on_my_services=true")
    assert response.status_code == 400 and "TMDB" in response.json()["errors"]["on_my_services"][0]


def test_the_schema_describes_a_groups_discover_and_the_cards_offers() -> None:
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/groups/{household_id}/movies/search-by-filters"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DiscoverFiltersRequest"
    )
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page.endswith("/GroupDiscoveryPage") and "404" in operation["responses"]
    components = schema["components"]["schemas"]
    for card in ("DiscoveryCard", "SearchCard", "RecommendationCard", "GroupPickCard"):
        assert "offers" in components[card]["properties"], card
    assert set(components["CardService"]["properties"]) == {"key", "name", "logo_path", "kind"}
    assert set(components["CardOffers"]["properties"]) == {"link", "services"}
    picks = schema["paths"]["/groups/{household_id}/recommendations"]["get"]["parameters"]
    assert "on_my_services" in {p.get("name") for p in picks}
