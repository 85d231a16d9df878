"""Every error of the API is an RFC 9457 problem: `application/problem+json`, the HTTP status, its reason
phrase as `title`, a localized `detail`, a stable `code`, and `errors` per field on validation problems."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from assistant.models import ChatSession
from tests.clients import bearer_client
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
FEED = "/movies/search-by-filters"

pytestmark = pytest.mark.django_db


def problem(response, status: int, code: str) -> dict:
    """The problem body of `response`, checked against the contract's shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"type", "title", "status", "detail", "code", "errors"}
    assert ("errors" in body) == (code == "invalid")
    return body


def test_validation_names_each_field_and_each_item_of_a_list(api_client: APIClient) -> None:
    response = api_client.post(FEED, {"genres": ["Drama", None], "year_from": "soon", "page_size": 10})
    body = problem(response, 400, "invalid")
    assert body["title"] == "Bad Request"
    assert body["detail"] == "Some of the values sent are not valid."
    assert body["errors"] == {
        "genres.1": ["This field may not be null."],
        "year_from": ["A valid integer is required."],
    }


def test_validation_in_french(api_client: APIClient) -> None:
    body = problem(api_client.post("/auth/signup", {}, HTTP_ACCEPT_LANGUAGE="fr"), 400, "invalid")
    assert body["detail"] == "Certaines des valeurs envoyées ne sont pas valides."
    assert body["errors"] == {
        "email": ["Ce champ est obligatoire."],
        "password": ["Ce champ est obligatoire."],
    }


def test_a_body_that_is_not_json_is_a_parse_error(api_client: APIClient) -> None:
    body = problem(api_client.post(FEED, "{not json", content_type="application/json"), 400, "parse_error")
    assert body["detail"].startswith("JSON parse error")


def test_a_form_body_on_a_json_route_is_415(api_client: APIClient, user: User) -> None:
    for client, path in ((api_client, FEED), (bearer_client(user), "/me/movies/update_status")):
        response = client.post(
            path, "status=seen&title_id=1", content_type="application/x-www-form-urlencoded"
        )
        body = problem(response, 415, "unsupported_media_type")
        assert body["title"] == "Unsupported Media Type"
        assert "application/x-www-form-urlencoded" in body["detail"]


def test_the_import_takes_multipart_only(auth_client: APIClient) -> None:
    response = auth_client.post("/me/import", {"source": "imdb"})  # JSON
    problem(response, 415, "unsupported_media_type")


def test_no_token_is_401_not_authenticated_with_a_bearer_challenge(api_client: APIClient) -> None:
    body = problem(api_client.get("/users/me"), 401, "not_authenticated")
    assert body["title"] == "Unauthorized"
    assert api_client.get("/users/me")["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("path", ["/users/me", "/me/movies/seen", "/chat/sessions"])
def test_an_invalid_token_is_401_token_not_valid(api_client: APIClient, path: str) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    response = api_client.get(path)
    body = problem(response, 401, "token_not_valid")
    assert body["detail"] == "The token is invalid or expired."
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


def test_simplejwt_refusals_are_in_french_when_asked(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    response = api_client.get("/users/me", HTTP_ACCEPT_LANGUAGE="fr")
    assert problem(response, 401, "token_not_valid")["detail"] == "Le jeton est invalide ou expiré."
    assert response["Content-Language"] == "fr"
    api_client.credentials(HTTP_AUTHORIZATION="Bearer two tokens")
    body = problem(api_client.get("/users/me", HTTP_ACCEPT_LANGUAGE="fr"), 401, "authentication_failed")
    assert body["detail"] == "L\u2019en-tête Authorization doit être « Bearer » suivi d\u2019un seul jeton."


def test_a_token_whose_account_is_gone_is_authentication_failed(api_client: APIClient) -> None:
    gone = UserFactory()
    client = bearer_client(gone)
    gone.delete()
    body = problem(client.get("/users/me"), 401, "authentication_failed")
    assert body["detail"] == "The token's account is disabled or no longer exists."


def test_discovery_refuses_a_stale_token_rather_than_ignoring_it(api_client: APIClient) -> None:
    """Anonymous callers browse, but a token that is sent must be valid: an expired one must not quietly
    show the titles its owner has seen."""
    assert api_client.post(FEED, {}).status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")
    problem(api_client.post(FEED, {}), 401, "token_not_valid")
    problem(api_client.get("/movies/1"), 401, "token_not_valid")


def test_an_unknown_chat_session_is_404_without_a_model_name(auth_client: APIClient) -> None:
    theirs = ChatSession.objects.create(user=UserFactory(), state={})
    for response in (
        auth_client.get("/chat/sessions/999999"),
        auth_client.get(f"/chat/sessions/{theirs.pk}"),
        auth_client.delete(f"/chat/sessions/{theirs.pk}"),
        auth_client.post("/chat", {"message": "more", "session_id": theirs.pk}),
    ):
        body = problem(response, 404, "not_found")
        assert body["title"] == "Not Found"
        assert body["detail"] == "No such chat session."
    french = auth_client.get("/chat/sessions/999999", HTTP_ACCEPT_LANGUAGE="fr")
    assert problem(french, 404, "not_found")["detail"] == "Cette conversation n\u2019existe pas."


def test_an_unknown_title_is_404_not_found(api_client: APIClient) -> None:
    assert problem(api_client.get("/movies/999999"), 404, "not_found")["detail"] == "Not found."


def test_an_unknown_api_path_is_a_problem_from_django_s_handler(api_client: APIClient) -> None:
    body = problem(api_client.get("/no/such/route", HTTP_ACCEPT_LANGUAGE="fr"), 404, "not_found")
    assert body["detail"] == "Introuvable."


def test_a_method_the_route_does_not_have_is_405_with_allow(api_client: APIClient) -> None:
    response = api_client.get("/auth/login")
    body = problem(response, 405, "method_not_allowed")
    assert body["title"] == "Method Not Allowed"
    assert response["Allow"] == "POST, OPTIONS"


def test_an_accept_header_the_api_cannot_satisfy_is_406_in_json(auth_client: APIClient) -> None:
    body = problem(auth_client.get("/users/me", HTTP_ACCEPT="text/csv"), 406, "not_acceptable")
    assert body["title"] == "Not Acceptable"


def test_a_body_over_the_limit_is_413_before_it_is_read(api_client: APIClient) -> None:
    big = json.dumps({"genres": ["x" * 1000] * 3000})  # 3 MB; DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB
    response = api_client.post(FEED, big, content_type="application/json")
    body = problem(response, 413, "request_too_large")
    assert body["detail"] == "The request is too large."
    assert body["title"] == "Request Entity Too Large"


def test_too_many_requests_is_429_with_retry_after(api_client: APIClient, settings) -> None:
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "anon": "1/hour"},
    }
    api_client.post(FEED, {})
    response = api_client.post(FEED, {})
    body = problem(response, 429, "throttled")
    wait = int(response["Retry-After"])
    assert body["detail"] == f"Too many requests. Try again in {wait} seconds."
    assert body["title"] == "Too Many Requests"


@pytest.mark.outside_contract("a view broken on purpose: the schema lists no 500, an error of ours")
def test_an_unexpected_error_on_an_api_route_is_a_500_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's handler500 answers what no view handled; the exception's text never reaches the client."""

    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("core.api.views.health_check", broken)
    response = Client(raise_request_exception=False).get("/healthz", HTTP_ACCEPT_LANGUAGE="fr")
    body = problem(response, 500, "server_error")
    assert body["title"] == "Internal Server Error"
    assert b"secret" not in response.content


def test_a_database_that_is_down_is_a_503_problem_with_retry_after() -> None:
    """A real app process whose database cannot be reached (nothing listens on that port)."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client; c = Client(HTTP_HOST='localhost');"
        "r = c.post('/movies/search-by-filters', '{}', content_type='application/json',"
        " HTTP_ACCEPT_LANGUAGE='fr');"
        "h = c.get('/healthz');"
        "print(json.dumps([[x.status_code, x['Content-Type'], x.get('Retry-After'), json.loads(x.content)]"
        " for x in (r, h)]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moviesyoudidntwatch.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    feed, health = json.loads(result.stdout.splitlines()[-1])
    assert feed == [
        503,
        "application/problem+json",
        "5",
        {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "Le service est temporairement indisponible. Réessayez dans quelques instants.",
            "code": "service_unavailable",
        },
    ]
    assert health[:3] == [503, "application/problem+json", "5"]
    assert health[3]["code"] == "service_unavailable"
    assert (health[3]["database"], health[3]["broker"]) == ("down", "eager")
