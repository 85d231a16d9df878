"""The assistant through POST /chat: grounded in the catalog, excluding the caller's titles, in EN and FR."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from assistant.models import ChatMessage, ChatSession
from assistant.services import chat_session_delete, chat_turn
from catalog.ingest.similarity import neighbours_rebuild
from core.exceptions import NotFound
from library.models import Entry, Status
from tests.clients import bearer_client, with_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def chat(client: APIClient, message: str, session_id: int | None = None, **headers: str) -> dict:
    body = {"message": message} if session_id is None else {"message": message, "session_id": session_id}
    response = client.post("/chat", body, format="json", **headers)
    assert response.status_code == 200, response.json()
    return response.json()


def titles(body: dict) -> list[str]:
    return [c["title"] for c in body["results"]]


def test_discover_turn_answers_with_filters_and_cards(auth_client: APIClient, catalog: dict) -> None:
    body = chat(auth_client, "a crime film from the 90s", HTTP_ACCEPT_LANGUAGE="en")
    assert body["intent"] == "discover"
    assert body["filters"]["genres"] == ["Crime"]
    assert (body["filters"]["year_from"], body["filters"]["year_to"]) == (1990, 1999)
    assert set(titles(body)) == {"Heat", "La Haine", "Pulp Fiction"}
    assert "1990" in body["reply"] and "Heat" in body["reply"]
    assert set(body["results"][0]) >= {"id", "title", "genres", "score", "user_status"}


def test_french_conversation_gets_french_answers(auth_client: APIClient, catalog: dict) -> None:
    body = chat(auth_client, "un film français bien noté")
    assert body["filters"]["languages"] == ["fr"]
    assert "Le Fabuleux Destin d'Amélie Poulain" in titles(body) or "La Haine" in titles(body)
    assert "Voici" in body["reply"] or "voici" in body["reply"]


def test_follow_ups_refine_then_reset(auth_client: APIClient, catalog: dict) -> None:
    first = chat(auth_client, "a crime film", HTTP_ACCEPT_LANGUAGE="en")
    session = first["session_id"]
    assert "The Godfather" in titles(first)
    french = chat(auth_client, "only French ones", session, HTTP_ACCEPT_LANGUAGE="en")
    assert french["intent"] == "refine"
    assert titles(french) == ["La Haine"]
    assert french["filters"]["genres"] == ["Crime"]  # kept from the first turn
    reset = chat(auth_client, "something else entirely", session, HTTP_ACCEPT_LANGUAGE="en")
    assert reset["intent"] == "reset"
    assert "genres" not in reset["filters"] and "languages" not in reset["filters"]
    assert ChatMessage.objects.filter(session_id=session).count() == 6


def test_not_horror_excludes_a_genre(auth_client: APIClient, catalog: dict) -> None:
    session = chat(auth_client, "a film from the 70s", HTTP_ACCEPT_LANGUAGE="en")["session_id"]
    body = chat(auth_client, "not horror", session, HTTP_ACCEPT_LANGUAGE="en")
    assert "Alien" not in titles(body)
    assert "A Clockwork Orange" in titles(body)


def test_similar_by_a_misspelled_title(auth_client: APIClient, catalog: dict) -> None:
    neighbours_rebuild()
    body = chat(auth_client, "something like The Godfater", HTTP_ACCEPT_LANGUAGE="en")
    assert body["intent"] == "similar"
    assert body["filters"]["similar_to"] == catalog["The Godfather"].pk
    assert titles(body)[0] == "Heat"
    assert "The Godfather" not in titles(body)


def test_more_like_the_second_one(auth_client: APIClient, catalog: dict) -> None:
    neighbours_rebuild()
    first = chat(auth_client, "a crime film", HTTP_ACCEPT_LANGUAGE="en")
    second = first["results"][1]
    body = chat(auth_client, "more like the second one", first["session_id"], HTTP_ACCEPT_LANGUAGE="en")
    assert body["intent"] == "similar"
    assert body["filters"]["similar_to"] == second["id"]


def test_chat_never_shows_the_callers_titles(auth_client: APIClient, user: User, catalog: dict) -> None:
    Entry.objects.create(user=user, title=catalog["Heat"], status=Status.SEEN)
    Entry.objects.create(user=user, title=catalog["Pulp Fiction"], status=Status.HIDDEN)
    body = chat(auth_client, "a crime film from the 90s", HTTP_ACCEPT_LANGUAGE="en")
    assert titles(body) == ["La Haine"]
    search = chat(auth_client, "find Pulp Fiction", HTTP_ACCEPT_LANGUAGE="en")
    assert "Pulp Fiction" not in titles(search)


def test_unknown_similar_title_gets_a_helpful_reply(auth_client: APIClient, catalog: dict) -> None:
    body = chat(auth_client, "something like Zzyzx Qwerty", HTTP_ACCEPT_LANGUAGE="en")
    assert body["results"] == []
    assert "Zzyzx" in body["reply"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": ""},
        {"message": "x" * 1001},
        {"message": "hi", "session_id": 0},
        {"message": "hi", "colour": "red"},
    ],
)
def test_bad_chat_input_is_400(auth_client: APIClient, body: dict) -> None:
    response = auth_client.post("/chat", body, format="json")
    assert response.status_code == 400


def test_chat_needs_a_token(api_client: APIClient) -> None:
    assert api_client.post("/chat", {"message": "hi"}, format="json").status_code == 401
    assert api_client.get("/chat/sessions").status_code == 401


def test_sessions_are_private(auth_client: APIClient, api_client: APIClient, catalog: dict) -> None:

    session = chat(auth_client, "a comedy", HTTP_ACCEPT_LANGUAGE="en")["session_id"]
    listed = auth_client.get("/chat/sessions").json()
    assert [s["id"] for s in listed["results"]] == [session]
    detail = auth_client.get(f"/chat/sessions/{session}").json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
    intruder = UserFactory()
    with_token(api_client, intruder)
    assert api_client.get(f"/chat/sessions/{session}").status_code == 404
    assert api_client.delete(f"/chat/sessions/{session}").status_code == 404
    assert api_client.get("/chat/sessions").json()["results"] == []
    response = api_client.post("/chat", {"message": "more", "session_id": session}, format="json")
    assert response.status_code == 404
    assert auth_client.delete(f"/chat/sessions/{session}").status_code == 204
    assert not ChatSession.objects.exists()


def test_chat_is_throttled_per_user(auth_client: APIClient, catalog: dict, settings) -> None:
    framework = settings.REST_FRAMEWORK
    rates = {**framework["DEFAULT_THROTTLE_RATES"], "chat": "2/min"}
    settings.REST_FRAMEWORK = {**framework, "DEFAULT_THROTTLE_RATES": rates}
    for _ in range(2):
        assert auth_client.post("/chat", {"message": "a comedy"}, format="json").status_code == 200
    throttled = auth_client.post("/chat", {"message": "a comedy"}, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    other = bearer_client(UserFactory())
    assert other.post("/chat", {"message": "a comedy"}, format="json").status_code == 200  # their own budget


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("something like", "en"),
        ("like", "en"),
        ("more like", "en"),
        ("quelque chose comme", "fr"),
        ("films comme", "fr"),
    ],
)
def test_a_message_ending_with_its_trigger_word_gets_a_question_back(
    auth_client: APIClient, catalog: dict, message: str, language: str
) -> None:
    body = chat(auth_client, message, HTTP_ACCEPT_LANGUAGE=language)
    assert body["results"] == []
    question = {"en": "Similar to which title?", "fr": "Semblable à quel titre ?"}[language]
    assert body["reply"].startswith(question)


def test_someone_elses_session_is_not_found_with_the_same_message(
    auth_client: APIClient, catalog: dict
) -> None:
    theirs = ChatSession.objects.create(user=UserFactory(), title="theirs", state={"mode": "discover"})
    posted = auth_client.post("/chat", {"message": "more", "session_id": theirs.pk}, format="json")
    deleted = auth_client.delete(f"/chat/sessions/{theirs.pk}")
    for response in (posted, deleted):
        assert response.status_code == 404
        assert (response.json()["code"], response.json()["detail"]) == ("not_found", "No such chat session.")
    assert ChatSession.objects.filter(pk=theirs.pk).exists()


def test_the_chat_services_raise_our_not_found(user: User) -> None:
    theirs = ChatSession.objects.create(user=UserFactory(), state={})
    with pytest.raises(NotFound):
        chat_turn(user=user, message="more", session_id=theirs.pk)
    with pytest.raises(NotFound):
        chat_session_delete(user=user, session_id=theirs.pk)
    assert ChatSession.objects.filter(pk=theirs.pk).exists()


def test_a_900_character_message_is_understood_to_its_end(auth_client: APIClient, catalog: dict) -> None:
    preamble = "Hello! Busy day, and my friends are coming over later, so I need an idea for tonight. " * 11
    message = preamble[:874] + " a crime film from the 90s"
    assert len(message) == 900
    body = chat(auth_client, message, HTTP_ACCEPT_LANGUAGE="en")
    assert body["filters"]["genres"] == ["Crime"]
    assert (body["filters"]["year_from"], body["filters"]["year_to"]) == (1990, 1999)
    assert set(titles(body)) == {"Heat", "La Haine", "Pulp Fiction"}


def test_a_name_guessed_in_lower_case_counts_only_when_someone_bears_it(
    auth_client: APIClient, catalog: dict
) -> None:
    """ "with al pacino" is Al Pacino; lower-case words nobody in the catalog bears are no person (the rest of
    the request stands), and a message that is only a whole name is that person."""
    known = chat(auth_client, "films with al pacino", HTTP_ACCEPT_LANGUAGE="en")
    assert known["filters"]["people"] == ["Al Pacino"]
    assert set(titles(known)) == {"The Godfather", "Heat"}
    guessed = chat(auth_client, "films with zorglub bidulon", HTTP_ACCEPT_LANGUAGE="en")
    assert "people" not in guessed["filters"] and guessed["results"]
    alone = chat(auth_client, "Sigourney Weaver", HTTP_ACCEPT_LANGUAGE="en")
    assert (alone["intent"], alone["filters"]["people"], titles(alone)) == (
        "discover",
        ["Sigourney Weaver"],
        ["Alien"],
    )
