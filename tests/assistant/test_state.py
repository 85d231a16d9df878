"""A conversation's state: frozen, versioned, and still readable in the unversioned shape sessions stored."""

import dataclasses

import pytest
from rest_framework.test import APIClient

from assistant.models import ChatSession
from assistant.state import ConversationState, RequestFilters

# What chat turns wrote into ChatSession.state before it was versioned, key for key (ids aside):
# "a crime film from the 90s" then "only French ones", "more", "like Heat", "find Heat" and "something like".
UNVERSIONED_REFINED = {
    "mode": "discover",
    "media_type": "movie",
    "filters": {"genres": [80], "year_from": 1990, "year_to": 1999, "languages": ["fr"], "runtime_max": 97},
    "page": 2,
    "shown": [5],
    "anchor": None,
    "query": "",
}
UNVERSIONED_SIMILAR = {
    "mode": "similar",
    "media_type": "movie",
    "filters": {},
    "page": 1,
    "shown": [],
    "anchor": 2,
    "query": "Heat",
}
UNVERSIONED_SEARCH = {
    "mode": "search",
    "media_type": "movie",
    "filters": {},
    "page": 1,
    "shown": [2],
    "anchor": None,
    "query": "Heat",
}
UNVERSIONED_NO_TITLE = {
    "mode": "discover",
    "media_type": "movie",
    "filters": {},
    "page": 1,
    "shown": [],
    "anchor": None,
    "query": "",
    "ordinal": None,
}


def test_unversioned_states_load_as_version_1() -> None:
    assert ConversationState.from_json(UNVERSIONED_REFINED) == ConversationState(
        version=1,
        mode="discover",
        media_type="movie",
        filters=RequestFilters(genres=(80,), year_from=1990, year_to=1999, languages=("fr",), runtime_max=97),
        page=2,
        shown=(5,),
    )
    assert ConversationState.from_json(UNVERSIONED_SIMILAR) == ConversationState(
        mode="similar", anchor=2, query="Heat"
    )
    assert ConversationState.from_json(UNVERSIONED_SEARCH) == ConversationState(
        mode="search", shown=(2,), query="Heat"
    )
    assert ConversationState.from_json(UNVERSIONED_NO_TITLE) == ConversationState()
    assert ConversationState.from_json({"mode": "discover"}) == ConversationState()


def test_to_json_keeps_the_unversioned_keys_and_adds_the_version() -> None:
    for stored in (UNVERSIONED_REFINED, UNVERSIONED_SIMILAR, UNVERSIONED_SEARCH, UNVERSIONED_NO_TITLE):
        written = ConversationState.from_json(stored).to_json()
        assert written == {"version": 1, "ordinal": None, **stored}
        assert ConversationState.from_json(written) == ConversationState.from_json(stored)


def test_mistyped_values_read_as_not_set() -> None:
    state = ConversationState.from_json(
        {
            "mode": "dream",
            "media_type": "radio",
            "filters": {"genres": ["80", 35, True], "year_from": "1990", "min_rating": 7, "people": [1]},
            "page": 0,
            "shown": "5",
            "anchor": 2.5,
            "query": None,
        }
    )
    assert state == ConversationState(filters=RequestFilters(genres=(35,), min_rating=7))
    assert ConversationState.from_json({"filters": ["genres"]}) == ConversationState()


def test_the_state_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ConversationState().page = 2  # type: ignore[misc]


def test_a_follow_up_replaces_filters_and_adds_exclusions() -> None:
    current = RequestFilters(genres=(80,), exclude_genres=(27,), year_from=1990, languages=("en",))
    said = RequestFilters(exclude_genres=(10749, 27), languages=("fr",))
    assert current.refined_by(said) == RequestFilters(
        genres=(80,), exclude_genres=(27, 10749), year_from=1990, languages=("fr",)
    )


@pytest.mark.django_db
def test_a_session_stored_unversioned_goes_on_from_where_it_was(
    auth_client: APIClient, user, catalog
) -> None:
    """Sessions saved before the state was versioned keep their request: a follow-up refines it."""
    heat, haine, pulp = catalog["Heat"], catalog["La Haine"], catalog["Pulp Fiction"]
    session = ChatSession.objects.create(
        user=user,
        title="a crime film from the 90s",
        state={
            "mode": "discover",
            "media_type": "movie",
            "filters": {"genres": [80], "year_from": 1990, "year_to": 1999},
            "page": 1,
            "shown": [heat.pk, haine.pk, pulp.pk],
            "anchor": None,
            "query": "",
        },
    )
    body = {"message": "only French ones", "session_id": session.pk}
    response = auth_client.post("/chat", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["filters"] == {
        "genres": ["Crime"],
        "year_from": 1990,
        "year_to": 1999,
        "languages": ["fr"],
        "media_type": "movie",
    }
    assert [card["title"] for card in response.json()["results"]] == ["La Haine"]
    session.refresh_from_db()
    assert session.state["version"] == 1
    assert ConversationState.from_json(session.state).shown == (haine.pk,)


@pytest.mark.django_db
def test_an_unversioned_similar_session_pages_on(auth_client: APIClient, user, catalog) -> None:
    godfather = catalog["The Godfather"]
    session = ChatSession.objects.create(
        user=user,
        state={
            "mode": "similar",
            "media_type": "movie",
            "filters": {},
            "page": 1,
            "shown": [],
            "anchor": godfather.pk,
            "query": "The Godfater",
        },
    )
    body = {"message": "more", "session_id": session.pk}
    response = auth_client.post("/chat", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["intent"] == "more"
    assert response.json()["filters"] == {"media_type": "movie", "similar_to": godfather.pk}
    session.refresh_from_db()
    assert (session.state["mode"], session.state["page"], session.state["anchor"]) == (
        "similar",
        2,
        godfather.pk,
    )
