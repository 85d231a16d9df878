"""The assistant's group mode ("for the two of us": a household's picks) and where to watch ("on my
services", "sur Netflix"), through POST /chat and the chat page."""

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from alerts.chat import saved_search_from_chat
from alerts.services import SavedSearchError
from assistant.models import ChatMessage, ChatSession
from assistant.state import ConversationState
from catalog.ingest.clients.types import WatchOffer
from catalog.models import Title
from catalog.offers import offers_replace
from households.models import Household, Membership
from library.models import Entry, Status

# The recommender's fixtures: titles with genres, learned weights written as training writes them, marks.
from tests.assistant.test_llm import answer, fake_openai  # noqa: F401
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.openai import FakeOpenAI
from tests.fakes.tmdb import FakeTmdb
from tests.recommendations.conftest import COMEDY, genres, link, make_title, mark  # noqa: F401

pytestmark = pytest.mark.django_db


def chat(client: APIClient, message: str, session_id: int | None = None, language: str = "en") -> dict:
    body = {"message": message} if session_id is None else {"message": message, "session_id": session_id}
    response = client.post("/chat", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.json()
    return response.json()


def shown(body: dict) -> list[str]:
    return [card["title"] for card in body["results"]]


def household(name: str, *members: User) -> Household:
    group = Household.objects.create(name=name, owner=members[0])
    for member in members:
        Membership.objects.create(household=group, user=member)
    return group


@pytest.fixture
def couple(make_title: Callable[..., Title], link: Callable, mark: Callable) -> dict[str, object]:  # noqa: F811
    """Alice and Bob in "Sofa": Alice loved Heat, Bob loved Amélie. Both would like "Together" and the
    comedy "Laughs"; Bob has seen "BobSaw", which Alice's taste would pick first."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    t = {name: make_title(name) for name in ("Heat", "Amélie", "Together", "BobSaw", "AliceOnly")}
    t["Laughs"] = make_title("Laughs", genre_ids=(COMEDY,))
    link(t["Heat"], t["BobSaw"], 0.95)
    link(t["Heat"], t["Together"], 0.5)
    link(t["Amélie"], t["Together"], 0.5)
    link(t["Heat"], t["Laughs"], 0.3)
    link(t["Amélie"], t["Laughs"], 0.3)
    link(t["Heat"], t["AliceOnly"], 0.6)
    mark(alice, t["Heat"], rating=9)
    mark(bob, t["Amélie"], rating=9)
    mark(bob, t["BobSaw"])  # seen by Bob: never shown to the pair
    return {"alice": alice, "bob": bob, "sofa": household("Sofa", alice, bob), **t}


def test_for_the_two_of_us_gives_the_groups_picks_and_says_for_whom(couple: dict) -> None:
    client = bearer_client(couple["alice"])
    alone = chat(client, "a film")
    assert "BobSaw" in shown(alone)  # for Alice alone it is a fine pick
    body = chat(client, "a film for the two of us")
    assert "BobSaw" not in shown(body) and "Heat" not in shown(body) and "Amélie" not in shown(body)
    assert shown(body)[0] == "Together"  # both tastes speak for it
    assert "for alice and bob (Sofa)" in body["reply"]
    assert "alice liked Heat" in body["reply"] and "bob liked Amélie" in body["reply"]
    group = couple["sofa"]
    assert body["filters"]["group"] == {"id": group.pk, "name": "Sofa", "members": ["alice", "bob"]}
    more = chat(client, "more", body["session_id"])  # a follow-up keeps the group
    assert more["intent"] == "more" and more["filters"]["group"]["id"] == group.pk
    assert "BobSaw" not in shown(more)


def test_a_comedy_for_the_two_of_us_applies_the_filters_to_the_groups_picks(couple: dict) -> None:
    body = chat(bearer_client(couple["bob"]), "a comedy for the two of us")
    assert shown(body) == ["Laughs"]
    assert body["filters"]["genres"] == ["Comedy"]
    french = chat(bearer_client(couple["bob"]), "une comédie pour nous deux", language="fr")
    assert shown(french) == ["Laughs"]
    assert "pour alice et bob (Sofa)" in french["reply"]


def test_the_pair_is_chosen_among_groups_else_the_user_is_asked(couple: dict) -> None:
    carol = UserFactory(username="carol")
    household("Family", couple["alice"], couple["bob"], carol)
    client = bearer_client(couple["alice"])
    pair = chat(client, "something for the two of us")
    assert pair["filters"]["group"]["name"] == "Sofa"  # the group of two
    asked = chat(client, "a comedy for us")
    assert asked["intent"] == "clarify" and asked["results"] == []
    assert "“Sofa”" in asked["reply"] and "“Family”" in asked["reply"]
    answered = chat(client, "Family", asked["session_id"])  # the request kept, now for that group
    assert answered["filters"]["group"]["name"] == "Family"
    assert answered["filters"]["genres"] == ["Comedy"]
    assert "alice, bob and carol (Family)" in answered["reply"]
    family = chat(client, "un film pour toute la famille", language="fr")
    assert family["filters"]["group"]["name"] == "Family"  # its name says so


def test_without_a_group_the_reply_says_how_to_make_one(couple: dict) -> None:
    loner = bearer_client(UserFactory())
    body = chat(loner, "a thriller for the two of us")
    assert body["intent"] == "clarify" and body["results"] == []
    assert "/together/" in body["reply"] and "group" in body["reply"]
    french = chat(loner, "un thriller pour nous deux", language="fr")
    assert "/together/" in french["reply"] and "groupe" in french["reply"]


def test_a_similar_request_for_a_group_leaves_out_what_a_member_has_seen(couple: dict) -> None:
    from catalog.ingest.similarity import neighbours_rebuild

    neighbours_rebuild()
    body = chat(bearer_client(couple["alice"]), "something like Heat for the two of us")
    assert "BobSaw" not in shown(body) and "Amélie" not in shown(body)
    assert "alice and bob (Sofa)" in body["reply"]


# ---------------------------------------------------------------- where to watch


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
def offered(genres: dict) -> dict[str, Title]:  # noqa: F811
    """Westerns on Netflix in France, on Disney Plus in France, to rent on Netflix, on Netflix in the US."""
    made = {
        name: TitleFactory(title_en=name, imdb_rating=8 - i * 0.1, imdb_votes=5000)
        for i, name in enumerate(["netflix-fr", "disney-fr", "rent-fr", "netflix-us", "nowhere"])
    }
    for title in made.values():
        title.genres.set([genres[37]])
    offers_replace(made["netflix-fr"], [offer("FR", "flatrate", 8, "Netflix")])
    offers_replace(made["disney-fr"], [offer("FR", "flatrate", 337, "Disney Plus")])
    offers_replace(made["rent-fr"], [offer("FR", "rent", 8, "Netflix")])
    offers_replace(made["netflix-us"], [offer("US", "flatrate", 8, "Netflix")])
    return made


def test_on_netflix_keeps_what_netflix_offers_by_subscription_in_my_country(
    fake_tmdb: FakeTmdb, offered: dict
) -> None:
    client = bearer_client(UserFactory(watch_country="FR", watch_services=["disneyplus"]))
    body = chat(client, "a western on Netflix")
    assert shown(body) == ["netflix-fr"]
    assert body["filters"]["services"] == ["netflix"]
    assert "on Netflix" in body["reply"]
    more = chat(client, "more", body["session_id"])  # a follow-up keeps the services
    assert more["filters"]["services"] == ["netflix"] and more["results"] == []
    mine = chat(client, "un western sur mes plateformes", language="fr")
    assert shown(mine) == ["disney-fr"] and mine["filters"]["on_my_services"] is True
    both = chat(client, "un western sur Netflix ou Disney+", language="fr")
    assert shown(both) == ["netflix-fr", "disney-fr"]
    assert "sur Netflix ou Disney+" in both["reply"]


def test_without_a_country_or_a_tmdb_key_the_reply_says_why(
    fake_tmdb: FakeTmdb, offered: dict, settings: Settings
) -> None:
    nowhere = bearer_client(UserFactory(watch_country=""))
    body = chat(nowhere, "a western on my services")
    assert body["results"] == [] and "/account/services/" in body["reply"] and "country" in body["reply"]
    no_services = bearer_client(UserFactory(watch_country="FR", watch_services=[]))
    assert "/account/services/" in chat(no_services, "on my services")["reply"]
    settings.TMDB_API_KEY = ""
    no_key = chat(bearer_client(UserFactory(watch_country="FR")), "un western sur Netflix", language="fr")
    assert no_key["results"] == [] and "TMDB" in no_key["reply"] and "TMDB_API_KEY" in no_key["reply"]
    assert "pas de clé TMDB" in no_key["reply"]


def test_a_group_on_netflix_combines_both(couple: dict, fake_tmdb: FakeTmdb) -> None:
    for title in ("Together", "Laughs"):
        offers_replace(couple[title], [offer("FR", "flatrate", 8, "Netflix")])
    couple["alice"].watch_country = "FR"
    couple["alice"].save()
    body = chat(bearer_client(couple["alice"]), "a film for the two of us on Netflix")
    assert shown(body) == ["Together", "Laughs"]  # AliceOnly is not on Netflix
    state = ConversationState.from_json(ChatSession.objects.get(pk=body["session_id"]).state)
    assert state.group == couple["sofa"].pk and state.filters.services == ("netflix",)


def test_the_chat_page_in_french_names_the_group_and_shows_its_chips(couple: dict) -> None:
    couple["alice"].language = "fr"  # the pages speak the member's language
    couple["alice"].save()
    page = Client()
    page.force_login(couple["alice"])
    response = page.post(
        "/assistant/", {"message": "une comédie pour nous deux"}, follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "pour alice et bob (Sofa)" in text and "Laughs" in text
    assert "pour Sofa" in text  # the chip of what was understood


def test_a_title_a_member_is_not_interested_in_never_comes(couple: dict) -> None:
    Entry.objects.create(user=couple["alice"], title=couple["Together"], status=Status.HIDDEN)
    body = chat(bearer_client(couple["bob"]), "a film for the two of us")
    assert "Together" not in shown(body) and "BobSaw" not in shown(body)


# ---------------------------------------------------------------- the model's path, saving as a search


def test_the_models_group_and_services_drive_the_turn(
    couple: dict,
    fake_tmdb: FakeTmdb,
    fake_openai: FakeOpenAI,  # noqa: F811
) -> None:
    offers_replace(couple["Laughs"], [offer("FR", "flatrate", 8, "Netflix")])
    couple["bob"].watch_country = "FR"
    couple["bob"].save()
    fake_openai.answer = answer("discover", group="two", on_my_services=False, services=["netflix"])
    body = chat(bearer_client(couple["bob"]), "un truc à voir à deux sur netflix")
    assert shown(body) == ["Laughs"]
    assert body["filters"]["group"]["name"] == "Sofa" and body["filters"]["services"] == ["netflix"]
    schema = fake_openai.requests[-1].json()["response_format"]["json_schema"]["schema"]
    properties = schema["properties"]["filters"]["properties"]
    assert properties["group"]["enum"] == ["two", "us", "family", None]
    assert "netflix" in properties["services"]["items"]["enum"]
    assert {"group", "on_my_services", "services"} <= set(schema["properties"]["filters"]["required"])
    fake_openai.answer = answer("discover", services=["not-a-service"])  # off the schema: read offline
    offline = chat(bearer_client(couple["bob"]), "a film on Netflix")
    assert offline["filters"]["services"] == ["netflix"]
    assert ChatMessage.objects.filter(role="assistant").last().backend == "offline"


def test_a_chat_for_a_group_or_a_named_service_is_not_saved_broader(
    fake_tmdb: FakeTmdb,
    genres: dict,  # noqa: F811
) -> None:
    user = UserFactory(watch_country="FR", watch_services=["netflix"])
    mine = {"mode": "discover", "media_type": "movie", "filters": {"genres": [37], "on_my_services": True}}
    session = ChatSession.objects.create(user=user, state=mine)
    saved = saved_search_from_chat(user=user, session_id=session.pk, name="Westerns I can stream")
    assert saved.filters == {"genres": [37], "on_my_services": True}  # Discover's own filter
    for state in (
        {**mine, "filters": {"genres": [37], "services": ["netflix"]}},
        {**mine, "filters": {"genres": [37]}, "group": 1},
    ):
        other = ChatSession.objects.create(user=user, state=state)
        with pytest.raises(SavedSearchError):
            saved_search_from_chat(user=user, session_id=other.pk, name=f"broader {other.pk}")
