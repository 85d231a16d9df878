"""The published schema judges every answer the API gives the tests (tests/contract.py, hooked in
tests/conftest.py): the judge is the document clients fetch, it refuses what that document does not describe
(naming the operation, the status and where), and it leaves the pages alone."""

import json
from dataclasses import replace

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient
from werkzeug.datastructures import Headers

from tests.contract import Answer, Call, contract, from_django

pytestmark = pytest.mark.django_db

PROBLEM = {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": "Down."}


def heat(api_client: APIClient, catalog: dict) -> tuple[Call, Answer]:
    exchange = from_django(api_client.get(f"/movies/{catalog['Heat'].pk}"))
    assert exchange is not None
    return exchange


def with_body(answer: Answer, body: object) -> Answer:
    return replace(answer, data=json.dumps(body).encode())


def test_the_tests_judge_by_the_published_schema(api_client: APIClient) -> None:
    served = api_client.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    assert json.loads(served.content) == contract().spec


def test_an_answer_outside_the_schema_fails_the_test_that_got_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr("core.api.views.health_check", broken)
    expected = (
        r"GET /healthz \(healthz_retrieve\) answered 500: ResponseNotFound: Unknown response http status"
    )
    with pytest.raises(pytest.fail.Exception, match=expected):
        Client(raise_request_exception=False).get("/healthz")


def test_a_database_gone_mid_request_is_a_503_the_operation_lists(
    auth_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any operation may meet a database that went away (tests/core/test_db_outage.py does it for real on
    PostgreSQL): its 503, with Retry-After, is one the schema lists, so the check above lets it through."""

    def gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("discovery.api.views.discover_page", gone)
    monkeypatch.setattr("library.api.views.entries_list", gone)
    feed = auth_client.post("/movies/search-by-filters", {}, format="json")
    seen = auth_client.get("/me/movies/seen")
    assert [(r.status_code, r["Retry-After"], r.json()["code"]) for r in (feed, seen)] == [
        (503, "5", "service_unavailable")
    ] * 2


def test_a_field_the_schema_does_not_name_or_type_is_refused_where_it_is(
    api_client: APIClient, catalog: dict
) -> None:
    call, answer = heat(api_client, catalog)
    assert contract().mismatches(call, answer) == []
    body = json.loads(answer.data)
    body["ratings"][0]["stars"] = 5
    body["genres"][0]["id"] = "80"
    body["id"] = str(body["id"])
    assert set(contract().mismatches(call, with_body(answer, body))) == {
        "ratings/0: Additional properties are not allowed ('stars' was unexpected)",
        "genres/0/id: '80' is not of type 'integer'",
        f"id: '{body['id']}' is not of type 'integer'",
    }
    del body["actors"]
    assert "(body): 'actors' is a required property" in contract().mismatches(call, with_body(answer, body))


def test_a_status_media_type_or_required_header_the_operation_does_not_list_is_refused(
    api_client: APIClient, catalog: dict
) -> None:
    call, answer = heat(api_client, catalog)
    judge = contract()
    assert judge.failures(call, replace(answer, status_code=418)) == [
        "GET /movies/{title_id} (movies_retrieve) answered 418: ResponseNotFound: Unknown response http "
        "status: 418"
    ]
    [media] = judge.mismatches(call, replace(answer, content_type="text/html; charset=utf-8"))
    assert media.startswith("MediaTypeNotFound: Content for the following mimetype not found: text/html")
    not_modified = replace(answer, status_code=304)
    assert judge.mismatches(call, not_modified) == [
        f"(body): {len(answer.data)} bytes where the schema lists no body"
    ]
    without_etag = Headers([(k, v) for k, v in answer.headers.items() if k != "ETag"])
    assert judge.mismatches(call, replace(answer, headers=without_etag)) == [
        "MissingRequiredHeader: Missing required header: ETag"
    ]


def test_where_the_schema_has_no_operation_only_a_problem_fits(api_client: APIClient) -> None:
    judge = contract()
    unknown = api_client.get("/no/such/route")
    not_allowed = api_client.delete("/movies/search-by-filters")
    assert (unknown.status_code, not_allowed.status_code) == (404, 405)
    for response in (unknown, not_allowed):
        exchange = from_django(response)
        assert exchange is not None and judge.mismatches(*exchange) == []

    call = Call(host_url="http://testserver", path="/no/such/route", method="get")
    found = Answer(status_code=200, content_type="application/json", headers=Headers(), data=b"{}")
    assert judge.failures(call, found) == [
        "GET /no/such/route (no such operation) answered 200: status 200: the schema has no operation "
        "here, only a 4xx problem fits"
    ]
    html = replace(found, status_code=404, content_type="text/html")
    assert judge.mismatches(call, html) == ["Content-Type 'text/html': a problem is application/problem+json"]
    loose = replace(found, status_code=404, content_type="application/problem+json")
    assert judge.mismatches(call, with_body(loose, {**PROBLEM, "code": "not_found", "hint": "x"})) == [
        "(body): Additional properties are not allowed ('hint' was unexpected)"
    ]


def test_a_problem_extended_by_more_fields_takes_them_and_no_others() -> None:
    """/healthz's 503 is `allOf` the Problem and its report: the two merged, then closed."""
    call = Call(host_url="http://testserver", path="/healthz", method="get")
    headers = Headers([("Content-Language", "en"), ("Retry-After", "5")])
    down = Answer(status_code=503, content_type="application/problem+json", headers=headers, data=b"")
    report = {**PROBLEM, "code": "service_unavailable", "database": "down", "broker": "eager"}
    assert contract().mismatches(call, with_body(down, report)) == []
    assert contract().mismatches(call, with_body(down, {**report, "cache": "down"})) == [
        "(body): Additional properties are not allowed ('cache' was unexpected)"
    ]


def test_the_pages_the_admin_the_docs_static_files_and_cors_preflights_are_not_judged(
    api_client: APIClient,
) -> None:
    browser = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
    answers = [
        api_client.get("/discover/"),
        api_client.get("/admin/login/"),
        api_client.get("/api/docs/"),
        api_client.get("/api/schema/"),
        api_client.get("/static/no-such-file.css"),
        api_client.get("/no/such/page/", **browser),
        api_client.options(
            "/chat", HTTP_ORIGIN="https://app.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
        ),
    ]
    assert [from_django(response) for response in answers] == [None] * len(answers)
