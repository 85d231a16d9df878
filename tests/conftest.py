import threading
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from catalog.selectors import genres_held_clear
from discovery.feed import feed_cache_clear
from tests.clients import bearer_client
from tests.contract import contract, from_django
from tests.factories import UserFactory

pytest_plugins = [
    "tests.catalog_fixture",  # the `catalog` fixture: a small catalog of real films
    "tests.fakes.fixtures",  # fake_tmdb, fake_omdb, fake_world: local fake providers
    "tests.workers",  # under pytest-xdist: the longest files handed out first
]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Login-failure counters live in the cache, rankings in the feed's, genres held per process: every test
    starts with none (a rolled-back test's genres must not outlive it)."""
    cache.clear()
    feed_cache_clear()
    genres_held_clear()


@pytest.fixture(autouse=True)
def _answers_follow_the_schema(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every answer an API route gives the test client (DRF's APIClient too) must be one the published
    schema describes (tests/contract.py): an undocumented status, media type, header or field fails the
    test that got it, naming the operation, the status and where the answer differs.

    `@pytest.mark.outside_contract("why")` exempts a test whose answers are outside the contract on
    purpose (a view broken on purpose). A request made in another thread fails the test when it ends."""
    if request.node.get_closest_marker("outside_contract"):
        yield
        return
    send = Client.request
    in_threads: list[str] = []

    def checked(client: Client, **environ: object):
        response = send(client, **environ)
        exchange = from_django(response)
        failures = contract().failures(*exchange) if exchange else []
        if failures:
            message = "An answer the schema does not describe:\n" + "\n".join(failures)
            if threading.current_thread() is not threading.main_thread():
                in_threads.append(message)
            else:
                pytest.fail(message)
        return response

    monkeypatch.setattr(Client, "request", checked)
    yield
    if in_threads:
        pytest.fail("\n".join(in_threads))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def auth_client(user: User) -> APIClient:
    return bearer_client(user)


@pytest.fixture
def staff_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    """A Celery worker thread consuming both queues through the real broker (REDIS_URL), for the tests that
    prove a task end to end; the rest of the suite runs tasks in-process."""
    from celery.contrib.testing.worker import start_worker

    from moviesyoudidntwatch.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["default", "enrichment"]
        ):
            yield
    finally:
        app.conf.task_always_eager = True
