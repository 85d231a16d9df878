"""The OpenAI-compatible backend, against a local fake server in OpenAI's wire format; and its fallback."""

from collections.abc import Iterator

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from assistant.models import ChatMessage
from tests.clients import with_token
from tests.fakes.http import Reply
from tests.fakes.openai import RATE_LIMITED, FakeOpenAI, completion

pytestmark = pytest.mark.django_db

FRENCH_COMEDIES = {
    "intent": "discover",
    "filters": {
        "media_type": "movie",
        "genres": ["comedy"],
        "exclude_genres": [],
        "year_from": None,
        "year_to": None,
        "min_rating": None,
        "runtime_min": None,
        "runtime_max": None,
        "languages": ["fr"],
        "people": [],
        "adjustments": [],
        "ordinal": None,
    },
    "titles": [],
    "language": "en",
}


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(api_key="sk-test").start()
    with override_settings(
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_MODEL="test-model",
        OPENAI_TIMEOUT_SECONDS=1.0,
    ):
        yield server
    server.stop()


def chat(client: APIClient, message: str, **extra: object) -> dict:
    response = client.post("/chat", {"message": message, **extra}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.json()
    return response.json()


def test_structured_output_drives_the_turn(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = FRENCH_COMEDIES
    body = chat(auth_client, "des comédies françaises stp")
    assert [c["title"] for c in body["results"]] == ["Amélie"]
    assert body["filters"]["genres"] == ["Comedy"]
    request = fake_openai.requests[-1].json()
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert request["messages"][0]["role"] == "system"
    assert request["messages"][-1] == {"role": "user", "content": "des comédies françaises stp"}
    assert all("stp" not in m["content"] for m in request["messages"] if m["role"] != "user")
    message = ChatMessage.objects.get(role="assistant")
    assert (message.backend, message.prompt_tokens, message.completion_tokens) == ("llm", 412, 61)
    genre_enum = request["response_format"]["json_schema"]["schema"]["properties"]["filters"]["properties"][
        "genres"
    ]["items"]["enum"]
    # catalog.genres' movie genres by English name, but "tv movie"
    assert genre_enum == [
        "action",
        "adventure",
        "animation",
        "comedy",
        "crime",
        "documentary",
        "drama",
        "family",
        "fantasy",
        "history",
        "horror",
        "music",
        "mystery",
        "romance",
        "science fiction",
        "thriller",
        "war",
        "western",
    ]


def test_titles_named_by_the_model_are_resolved_in_our_catalog(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    from catalog.ingest.similarity import neighbours_rebuild

    neighbours_rebuild()
    fake_openai.answer = {
        **FRENCH_COMEDIES,
        "intent": "similar",
        "titles": ["The Godfater"],
        "filters": {**FRENCH_COMEDIES["filters"], "genres": [], "languages": []},
    }
    body = chat(auth_client, "films like the godfather")
    assert body["filters"]["similar_to"] == catalog["The Godfather"].pk


def test_history_sent_is_this_sessions_only(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = FRENCH_COMEDIES
    other = APIClient()
    from tests.factories import UserFactory

    with_token(other, UserFactory())
    chat(other, "secret request of another user")
    first = chat(auth_client, "french comedies")
    chat(auth_client, "only recent ones", session_id=first["session_id"])
    sent = fake_openai.requests[-1].json()["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert not any("secret request" in m["content"] for m in sent)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(
            401,
            {
                "error": {
                    "message": "Incorrect API key provided",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "invalid_api_key",
                }
            },
        ),
        Reply(429, RATE_LIMITED, headers={"retry-after": "20"}),
        Reply(
            500,
            {
                "error": {
                    "message": "The server had an error",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
        Reply(200, completion("this is not JSON")),
        Reply(200, completion('{"intent": "discover", "filters": {"genres": ["space opera"]}}')),
        Reply(
            200, completion('{"intent": "launch_missiles", "filters": {}, "titles": [], "language": "en"}')
        ),
        Reply(200, "<html>gateway</html>", headers={"Content-Type": "text/html"}),
        Reply(200, completion("{}"), delay=2.0),  # slower than OPENAI_TIMEOUT_SECONDS
    ],
    ids=["401", "429", "500", "not-json", "unknown-genre", "bad-intent", "html", "timeout"],
)
def test_any_model_failure_falls_back_to_the_offline_interpreter(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI, reply: Reply
) -> None:
    fake_openai.queue("/v1/chat/completions", reply)
    body = chat(auth_client, "a crime film from the 90s")
    assert {c["title"] for c in body["results"]} == {"Heat", "La Haine", "Pulp Fiction"}
    assert ChatMessage.objects.get(role="assistant").backend == "offline"


def test_wrong_key_never_reaches_the_user(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    with override_settings(OPENAI_API_KEY="sk-wrong"):
        body = chat(auth_client, "a western")
    assert "sk-wrong" not in str(body) and "API key" not in body["reply"]


def answer(intent: str, **filters: object) -> dict:
    """A model's answer: FRENCH_COMEDIES' shape with only these filters set."""
    empty = {
        key: [] if isinstance(value, list) else None for key, value in FRENCH_COMEDIES["filters"].items()
    }
    return {**FRENCH_COMEDIES, "intent": intent, "filters": {**empty, "required_genres": [], **filters}}


def test_the_schema_knows_clarify_and_required_genres(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = answer("clarify")
    body = chat(auth_client, "hello there")
    assert (body["intent"], body["results"]) == ("clarify", [])
    assert "Alien" in body["reply"]  # what to ask instead
    schema = fake_openai.requests[-1].json()["response_format"]["json_schema"]["schema"]
    assert "clarify" in schema["properties"]["intent"]["enum"]
    assert "required_genres" in schema["properties"]["filters"]["required"]
    assert "exclude_genres" in fake_openai.requests[-1].json()["messages"][0]["content"]


def test_the_model_path_requires_both_genres_of_a_romantic_comedy(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = answer(
        "discover", genres=["comedy", "romance"], required_genres=["comedy", "romance"]
    )
    body = chat(auth_client, "a romantic comedy")
    assert [c["title"] for c in body["results"]] == ["Amélie"]  # not every comedy nor every romance
    assert body["filters"]["required_genres"] == ["Comedy", "Romance"]


def test_a_models_follow_up_keeps_the_request_as_the_offline_one_does(
    auth_client: APIClient, catalog: dict, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = answer("discover", genres=["crime"])
    first = chat(auth_client, "a crime film")
    fake_openai.answer = answer("discover", year_from=1990, year_to=1999)  # the model missed the follow-up
    body = chat(auth_client, "from the 90s please", session_id=first["session_id"])
    assert body["intent"] == "refine"
    assert body["filters"]["genres"] == ["Crime"]
    assert {c["title"] for c in body["results"]} == {"Heat", "La Haine", "Pulp Fiction"}
    fake_openai.answer = answer("discover", people=["Kubrick"])
    kubrick = chat(auth_client, "a film by Kubrick")
    assert kubrick["filters"]["people"] == ["Stanley Kubrick"]
    assert [c["title"] for c in kubrick["results"]] == ["A Clockwork Orange"]
