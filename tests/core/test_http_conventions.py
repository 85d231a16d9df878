"""The API's HTTP conventions, through real requests: Cache-Control, ETag and 304, Vary, the rate-limit
headers, Location, CORS, the schema's `?format=json` and UTC times ending in `Z`.

Throttle rates are set per test with `/day` windows: a counter's window could roll over within a minute.
"""

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.example.org"
IMDB_RATINGS = (
    b"Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,"
    b"Genres,Num Votes,Release Date,Directors\n"
    b'tt0113277,8,2024-02-01,"Heat","Heat",https://www.imdb.com/title/tt0113277,Movie,8.3,170,1995,"Crime",'
    b'700000,"1995-12-15","Michael Mann"\n'
)


@pytest.fixture
def rates(settings) -> Callable[..., None]:
    def set_rates(**scopes: str) -> None:
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def varies_on(response) -> set[str]:
    return {part.strip().lower() for part in response["Vary"].split(",")}


def limit_item(header: str) -> dict[str, str]:
    """`"user";r=4;t=60` → {"scope": "user", "r": "4", "t": "60"} (one item: one throttle applied)."""
    scope, *params = header.split(";")
    return {"scope": scope.strip('"'), **dict(p.split("=") for p in params)}


# ---------------------------------------------------------------- caching


def test_an_anonymous_title_detail_is_public_with_an_etag_and_a_304(
    api_client: APIClient, catalog: dict, settings
) -> None:
    settings.API_CACHE_MAX_AGE_SECONDS = 120
    path = f"/movies/{catalog['Heat'].pk}"
    first = api_client.get(path)
    assert first.status_code == 200
    assert directives(first) == {"public", "max-age=120"}
    assert {"accept-language", "authorization"} <= varies_on(first)
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag)

    again = api_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and "public" in directives(again)
    # Another language is another body: another ETag, and the old one no longer matches.
    french = api_client.get(path, HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=etag)
    assert french.status_code == 200 and french["ETag"] != etag


def test_a_title_detail_read_with_a_token_is_private(catalog: dict, user: User) -> None:
    response = bearer_client(user).get(f"/movies/{catalog['Heat'].pk}")
    assert response.status_code == 200
    assert directives(response) == {"private", "max-age=0", "must-revalidate"}
    assert "ETag" in response


def test_personal_reads_are_private_and_the_account_is_never_stored(auth_client: APIClient) -> None:
    listing = auth_client.get("/me/movies/seen")
    assert directives(listing) == {"private", "max-age=0", "must-revalidate"}
    assert auth_client.get("/me/movies/seen", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304

    account = auth_client.get("/users/me")
    assert directives(account) == {"private", "no-store"} and "ETag" not in account
    export = auth_client.get("/me/export")
    assert directives(export) == {"private", "no-store"} and "ETag" not in export


def test_the_genre_list_is_public_even_with_a_token(auth_client: APIClient, settings) -> None:
    settings.API_CACHE_MAX_AGE_SECONDS = 60
    response = auth_client.get("/genres")
    assert response.status_code == 200 and directives(response) == {"public", "max-age=60"}


def test_pages_keep_their_own_caching(client, catalog: dict) -> None:
    page = client.get(f"/title/{catalog['Heat'].pk}/")
    assert page.status_code == 200
    assert "ETag" not in page and "authorization" not in varies_on(page)


# ---------------------------------------------------------------- rate-limit headers


def test_rate_limit_headers_count_down_and_stay_on_the_429(rates) -> None:
    rates(user="3/day")
    client = bearer_client(UserFactory())
    first, second = client.get("/users/me"), client.get("/users/me")
    assert first["RateLimit-Policy"] == second["RateLimit-Policy"] == '"user";q=3;w=86400'
    one, two = limit_item(first["RateLimit"]), limit_item(second["RateLimit"])
    assert (one["scope"], one["r"], two["r"]) == ("user", "2", "1")
    assert 0 < int(two["t"]) <= 86400

    client.get("/users/me")
    refused = client.get("/users/me")
    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"user";q=3;w=86400'
    assert limit_item(refused["RateLimit"])["r"] == "0"
    assert limit_item(refused["RateLimit"])["t"] == refused["Retry-After"]


def test_anonymous_callers_see_their_address_budget(api_client: APIClient, rates) -> None:
    rates(anon="10/day")
    response = api_client.get("/genres")
    assert response["RateLimit-Policy"] == '"anon";q=10;w=86400'
    assert limit_item(response["RateLimit"])["r"] == "9"
    # A 304 was counted too, and says so.
    again = api_client.get("/genres", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and limit_item(again["RateLimit"])["r"] == "8"


def test_the_chat_answers_with_its_own_budget(auth_client: APIClient, catalog: dict, rates) -> None:
    rates(chat="2/day")
    first = auth_client.post("/chat", {"message": "a comedy"}, format="json")
    second = auth_client.post("/chat", {"message": "a drama"}, format="json")
    assert first.status_code == second.status_code == 200
    assert first["RateLimit-Policy"] == '"chat";q=2;w=86400'
    assert [limit_item(r["RateLimit"])["r"] for r in (first, second)] == ["1", "0"]
    refused = auth_client.post("/chat", {"message": "a thriller"}, format="json")
    assert refused.status_code == 429 and limit_item(refused["RateLimit"])["r"] == "0"
    assert int(refused["Retry-After"]) > 0


def test_unthrottled_routes_have_no_rate_limit_headers(api_client: APIClient) -> None:
    response = api_client.get("/healthz")
    assert "RateLimit" not in response and "RateLimit-Policy" not in response


# ---------------------------------------------------------------- Location


def test_signup_answers_201_with_the_location_of_the_account(api_client: APIClient) -> None:
    response = api_client.post(
        "/auth/signup", {"email": "ann@example.org", "password": "plum-tiger-42-velvet"}, format="json"
    )
    assert response.status_code == 201
    assert response["Location"] == "http://testserver/users/me"


def test_an_import_answers_202_with_the_location_of_its_report(
    auth_client: APIClient, django_capture_on_commit_callbacks
) -> None:
    csv = IMDB_RATINGS
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post(
            "/me/import",
            {"source": "imdb", "file": SimpleUploadedFile("ratings.csv", csv)},
            format="multipart",
        )
    assert response.status_code == 202
    job = response.json()["id"]
    assert response["Location"] == f"http://testserver/me/import/{job}"
    assert response["Retry-After"] == "2"
    report = auth_client.get(response["Location"])
    assert report.status_code == 200 and report.json()["created_at"].endswith("Z")


# ---------------------------------------------------------------- UTC times


def test_every_time_the_api_writes_ends_in_z(auth_client: APIClient, catalog: dict) -> None:
    heat = catalog["Heat"]
    marked = auth_client.post(
        "/me/movies/update_status", {"title_id": heat.pk, "status": "seen", "rating": 8}, format="json"
    ).json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", marked["updated_at"])
    assert auth_client.get("/me/movies/seen").json()["results"][0]["updated_at"].endswith("Z")
    exported = auth_client.get("/me/export").json()
    assert exported["exported_at"].endswith("Z")
    assert {e["updated_at"][-1] for e in exported["entries"]} == {"Z"}
    assert auth_client.get("/users/me").json()["date_joined"].endswith("Z")


def test_a_rating_is_as_of_a_day_or_of_a_year_never_both(api_client: APIClient, catalog: dict) -> None:
    heat = catalog["Heat"]
    heat.rating_as_of = date(2026, 10, 18)
    heat.save()
    rating = api_client.get(f"/movies/{heat.pk}").json()["ratings"][0]
    assert (rating["source"], rating["as_of"], rating["as_of_year"]) == ("imdb", "2026-10-18", None)
    godfather = api_client.get(f"/movies/{catalog['The Godfather'].pk}").json()["ratings"][0]
    assert (godfather["as_of"], godfather["as_of_year"]) == (None, 2005)  # the source says only "2005"


# ---------------------------------------------------------------- CORS


def preflight(client: APIClient, path: str):
    return client.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


def test_cors_is_closed_by_default(api_client: APIClient) -> None:
    assert django_settings.CORS_ALLOWED_ORIGINS == []
    response = preflight(api_client, "/chat")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in api_client.get("/genres", HTTP_ORIGIN=ORIGIN)


def test_a_configured_origin_may_call_the_api_and_read_its_headers(api_client: APIClient, settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = preflight(api_client, "/chat")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-none-match", "accept-language"} <= allowed

    answer = api_client.get("/genres", HTTP_ORIGIN=ORIGIN)
    assert answer["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip().lower() for h in answer["Access-Control-Expose-Headers"].split(",")}
    assert {
        "etag",
        "location",
        "retry-after",
        "ratelimit",
        "ratelimit-policy",
        "idempotent-replayed",
    } <= exposed
    assert "Access-Control-Allow-Origin" not in api_client.get("/genres", HTTP_ORIGIN="https://evil.example")
    # The pages and the admin are never open to other sites.
    assert "Access-Control-Allow-Origin" not in api_client.get("/discover/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in preflight(api_client, "/admin/login/")


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + re.sub(r"<\w+:\w+>", "1", route).lstrip("^").rstrip("$"), pattern


def test_the_cors_paths_are_exactly_the_api_routes() -> None:
    """CORS_URLS_REGEX lists the API's path prefixes: a new API route, or a page under one, fails here."""
    api, other = [], []
    for path, pattern in _routes(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        is_api = isinstance(view, type) and issubclass(view, APIView) and pattern.name != "api-docs"
        (api if is_api else other).append(path)
    cors = re.compile(django_settings.CORS_URLS_REGEX)
    assert len(api) > 20
    assert [p for p in api if not cors.match(p)] == []
    assert [p for p in other if cors.match(p)] == []


# ---------------------------------------------------------------- the schema


def test_the_schema_is_json_with_format_json(api_client: APIClient) -> None:
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.") and "/genres" in schema["paths"]
    assert "public" in directives(response)

    yaml = api_client.get("/api/schema/")
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi") and yaml.content.startswith(
        b"openapi"
    )
    assert api_client.get("/api/schema/?format=yaml").content.startswith(b"openapi")
    assert api_client.get("/api/schema/?format=xml").status_code == 406
