import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(api_client: APIClient, settings) -> None:
    response = api_client.get("/healthz")
    assert response.status_code == 200
    expected_broker = "ok" if settings.CELERY_BROKER_URL else "eager"
    assert response.json() == {"database": "ok", "broker": expected_broker}


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(api_client: APIClient) -> None:
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0"):  # nothing listens there
        response = api_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "down"


def test_healthz_is_503_when_the_database_is_down() -> None:
    """A real app process whose database cannot be reached (nothing listens on that port)."""
    script = (
        "import django; django.setup();"
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code, r.content.decode())"
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
    assert result.stdout.startswith('503 {"database":"down","broker":"eager"}'), result.stdout + result.stderr


def test_unknown_route_is_a_json_404(api_client: APIClient) -> None:
    response = api_client.get("/no/such/route", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Introuvable."}


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        ("", "", "en"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "", "fr"),
        ("de-DE,de;q=0.9", "", "en"),
        ("de-DE,fr;q=0.5", "", "fr"),
        ("fr", "?lang=en", "en"),
        ("en", "?lang=FR", "fr"),
        ("en", "?lang=xx", "en"),
    ],
)
@pytest.mark.django_db
def test_request_language(api_client: APIClient, header: str, query: str, expected: str) -> None:
    response = api_client.get(f"/healthz{query}", HTTP_ACCEPT_LANGUAGE=header)
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


# ---------------------------------------------------------------- request bodies

NESTED_1000 = "[" * 1000 + "]" * 1000  # a 2 KB body whose decoding used to raise RecursionError (a 500)


@pytest.mark.parametrize(
    "body",
    [NESTED_1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 33 + "]" * 33],
    ids=["1000-lists", "1000-objects", "33-lists"],
)
@pytest.mark.django_db
def test_deeply_nested_json_is_a_400_parse_error_without_login(api_client: APIClient, body: str) -> None:
    response = api_client.post("/auth/login", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested more than 32 levels deep."}


def test_deeply_nested_json_is_a_400_parse_error_with_a_token(auth_client: APIClient) -> None:
    response = auth_client.post(
        "/me/movies/update_status", NESTED_1000, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert "32" in response.json()["detail"]


def test_json_nested_as_deep_as_allowed_is_parsed(auth_client: APIClient) -> None:
    """32 levels reach the serializer, which names the field it cannot take."""
    body = '{"status": "seen", "title_id": ' + "[" * 31 + "]" * 31 + "}"
    response = auth_client.post("/me/movies/update_status", body, content_type="application/json")
    assert response.status_code == 400
    assert "title_id" in response.json()
