"""Throttles: anonymous callers by address, users by account, 429 with Retry-After and a localized body.

Rates are set per test with `/day` or `/hour` windows: counters are per fixed window, and a one-minute
window could roll over in the middle of a test.
"""

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import User
from core.api.throttling import chat_turn_wait_seconds
from tests.clients import bearer_client
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
FEED = "/movies/search-by-filters"


@pytest.fixture
def rates(settings) -> Callable[..., None]:
    """Set throttle rates for this test (DRF's settings reload on change; ours are read per request)."""

    def set_rates(**scopes: str) -> None:
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


@pytest.mark.django_db
def test_anonymous_callers_get_429_with_retry_after_past_the_rate(api_client: APIClient, rates) -> None:
    rates(anon="3/hour")
    for _ in range(3):
        assert api_client.post(FEED, {}, format="json").status_code == 200
    response = api_client.post(FEED, {}, format="json")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"] == f"Too many requests. Try again in {wait} seconds."


@pytest.mark.django_db
def test_the_429_body_follows_the_request_language(api_client: APIClient, rates) -> None:
    rates(anon="1/hour")
    api_client.post(FEED, {}, format="json")
    response = api_client.post(FEED, {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert response.json()["detail"] == f"Trop de requêtes. Réessayez dans {wait} secondes."
    assert response["Content-Language"] == "fr"


@pytest.mark.django_db
def test_users_are_counted_per_account_and_apart_from_anonymous_callers(api_client: APIClient, rates) -> None:
    rates(anon="2/day", user="3/day")
    ann, bob = bearer_client(UserFactory()), bearer_client(UserFactory())
    assert [ann.get("/me/movies/seen").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(ann.get("/users/me").headers["Retry-After"]) > 0
    # Another account, and anonymous callers from the same address, still have their own allowance.
    assert bob.get("/me/movies/seen").status_code == 200
    assert [api_client.post(FEED, {}, format="json").status_code for _ in range(3)] == [200, 200, 429]
    # Tokens are not slowed down by the anonymous limit of their address.
    assert bob.post(FEED, {}, format="json").status_code == 200


@pytest.mark.django_db
def test_login_and_signup_count_as_anonymous_requests(api_client: APIClient, rates) -> None:
    rates(anon="2/day")
    for _ in range(2):
        assert api_client.post("/auth/login", {}, format="json").status_code == 400
    assert api_client.post("/auth/signup", {}, format="json").status_code == 429


@pytest.mark.django_db
def test_the_login_failure_limit_answers_429_in_the_request_language(
    api_client: APIClient, user: User
) -> None:
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT):
        api_client.post("/auth/login", {"username": user.username, "password": "wrong"}, format="json")
    response = api_client.post(
        "/auth/login", {"username": user.username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # The view's own message, without DRF's untranslated "Expected available in N seconds".
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"] == "Trop de tentatives de connexion échouées. Réessayez plus tard."


@pytest.mark.django_db
def test_health_checks_are_never_throttled(api_client: APIClient, rates) -> None:
    rates(anon="1/day")
    assert [api_client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]


def test_concurrent_requests_never_exceed_the_rate(rates) -> None:
    """Counting is one atomic increment in the cache: parallel requests cannot slip past the limit."""
    rates(anon="40/day")

    def burst(_: int) -> list[int]:
        client = APIClient()  # one per thread, like separate connections
        return [client.post("/auth/login", {}, format="json").status_code for _ in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(code for codes in pool.map(burst, range(8)) for code in codes)
    assert statuses == {400: 40, 429: 40}


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="a cache shared between processes needs Redis")
def test_the_limit_holds_across_processes(api_client: APIClient, rates) -> None:
    """Another process (as another gunicorn worker would) uses up the allowance; this one is refused."""
    rates(anon="3/day")
    script = (
        "import django; django.setup();"
        "from rest_framework.test import APIClient; c = APIClient(HTTP_HOST='localhost');"
        "print(*[c.post('/auth/login', {}, format='json').json() for _ in range(3)], sep='\\n')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moviesyoudidntwatch.settings.test",
        "THROTTLE_ANON_RATE": "3/day",
    }
    other = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert other.stdout.count("'username'") == 3, other.stdout + other.stderr  # answered, not throttled
    response = api_client.post("/auth/login", {}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_every_throttled_operation_documents_its_429() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert ("429" in operation["responses"]) is (path != "/healthz"), (method, path)


@pytest.mark.django_db
def test_chat_turns_count_in_one_budget_per_account_for_the_api_and_the_page(rates) -> None:
    rates(chat="2/day")
    ann, bob = UserFactory(), UserFactory()
    assert bearer_client(ann).post("/chat", {"message": "a comedy"}, format="json").status_code == 200
    assert chat_turn_wait_seconds(ann) is None  # the page's turn: the second of two
    wait = chat_turn_wait_seconds(ann)
    assert wait is not None and 1 <= wait <= 86_400
    refused = bearer_client(ann).post("/chat", {"message": "a comedy"}, format="json")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 86_400
    assert chat_turn_wait_seconds(bob) is None  # another account has its own
