import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from core.views import bad_request, server_error
from library.models import ImportJob

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
    status, body = result.stdout.split(" ", 1)
    assert status == "503", result.stdout + result.stderr
    report = json.loads(body)
    assert (report["code"], report["database"], report["broker"]) == ("service_unavailable", "down", "eager")


def test_unknown_route_is_a_problem_404(api_client: APIClient) -> None:
    response = api_client.get("/no/such/route", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["detail"]) == ("not_found", "Introuvable.")


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
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"] == "JSON parse error - nested more than 32 levels deep."


def test_deeply_nested_json_is_a_400_parse_error_with_a_token(auth_client: APIClient) -> None:
    response = auth_client.post(
        "/me/movies/update_status", NESTED_1000, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.json()["detail"].endswith("JSON - imbriqué sur plus de 32 niveaux.")


def test_json_nested_as_deep_as_allowed_is_parsed(auth_client: APIClient) -> None:
    """32 levels reach the serializer, which names the field it cannot take."""
    body = '{"status": "seen", "title_id": ' + "[" * 31 + "]" * 31 + "}"
    response = auth_client.post("/me/movies/update_status", body, content_type="application/json")
    assert response.status_code == 400
    assert "title_id" in response.json()["errors"]


def multipart_import(client: APIClient, **fields: object):
    return client.post("/me/import", {"source": "imdb", **fields}, format="multipart")


@pytest.mark.django_db
def test_too_many_form_fields_on_the_api_is_a_json_400(api_client: APIClient) -> None:
    body = "&".join(f"field{i}=1" for i in range(1001))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
    response = api_client.post("/auth/login", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["detail"]) == (
        "parse_error",
        "The request has too many fields.",
    )


def test_too_many_files_on_the_api_is_a_json_400(auth_client: APIClient) -> None:
    files = {f"file{i}": SimpleUploadedFile(f"{i}.csv", b"Const\n") for i in range(101)}  # at most 100
    response = multipart_import(auth_client, **files)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["detail"]) == (
        "parse_error",
        "The request has too many files.",
    )


def test_form_fields_over_django_s_limit_on_the_api_are_a_json_413(auth_client: APIClient) -> None:
    """A body within the upload's limit whose form fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)."""
    response = multipart_import(
        auth_client, note="x" * 3_000_000, file=SimpleUploadedFile("ratings.csv", b"Const\n")
    )
    assert response.status_code == 413
    assert (response.json()["code"], response.json()["detail"]) == (
        "request_too_large",
        "The request is too large.",
    )


def test_server_error_is_a_problem_on_the_api_and_a_page_on_the_site(rf: RequestFactory) -> None:
    api = server_error(rf.get("/me/movies/seen"))
    assert (api.status_code, api["Content-Type"]) == (500, "application/problem+json")
    assert json.loads(api.content) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "Server error.",
        "code": "server_error",
    }
    page = server_error(rf.get("/discover/"))
    assert (page.status_code, page["Content-Type"]) == (500, "text/html; charset=utf-8")
    assert b"<h1>Server error</h1>" in page.content


def test_the_urlconf_names_the_error_handlers() -> None:
    resolver = get_resolver()
    assert resolver.resolve_error_handler(400) is bad_request
    assert resolver.resolve_error_handler(500) is server_error


@pytest.mark.django_db
def test_unknown_path_asked_for_by_a_browser_is_an_html_404(api_client: APIClient) -> None:
    response = api_client.get("/no/such/page/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Not found</h1>" in response.content


def test_form_fields_over_django_s_limit_on_a_page_are_an_html_413(user: User) -> None:
    browser = Client()
    browser.force_login(user)
    upload = SimpleUploadedFile("ratings.csv", b"Const\n")
    response = browser.post("/import/", {"source": "imdb", "note": "x" * 3_000_000, "file": upload})
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "The request is too large." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_too_many_form_fields_on_a_page_is_an_html_400(user: User) -> None:
    browser = Client()
    browser.force_login(user)
    response = browser.post("/assistant/", {f"field{i}": "1" for i in range(1001)})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "The request has too many fields." in response.content.decode()
