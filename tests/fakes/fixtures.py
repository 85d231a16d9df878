"""Fixtures that run the fake providers and point the settings at them (a pytest plugin: tests/conftest.py).

def test_something(fake_tmdb, fake_omdb, fake_world):
    titles = fake_world(30, 10, years=range(2019, 2024))
    fake_tmdb.add(*titles)
    fake_omdb.add(*titles)
    fake_tmdb.failure_rate = 0.3   # and .latency, .failure_kinds, .seed, .retry_after
"""

from collections.abc import Callable, Iterator

import pytest
from pytest_django.fixtures import Settings

from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTitle, FakeTmdb, build_world
from tests.fakes.trakt import FakeTrakt

TEST_TMDB_KEY = "test-key"
TEST_OMDB_KEY = "test-omdb-key"
TEST_TRAKT_CLIENT_ID = "trakt-test-client"
TEST_TRAKT_CLIENT_SECRET = "trakt-test-secret"
# What an injected "timeout" costs the client per attempt: long enough that a busy test machine never
# times out by itself; a test injecting many timeouts may lower it (and the fakes' stall_seconds).
TEST_TIMEOUT_SECONDS = 1.0
STALL_SECONDS = 1.5  # how long an injected "timeout" holds the request: longer than the client waits
TEST_RATE_LIMIT_PER_SECOND = 10_000.0  # tests that measure the limiter set their own


@pytest.fixture
def fake_tmdb(settings: Settings) -> Iterator[FakeTmdb]:
    """A running fake TMDB, with TMDB_BASE_URL and TMDB_API_KEY pointing at it."""
    with FakeTmdb(api_key=TEST_TMDB_KEY) as server:
        server.stall_seconds = STALL_SECONDS
        settings.TMDB_BASE_URL = server.url
        settings.TMDB_API_KEY = TEST_TMDB_KEY
        settings.TMDB_READ_TOKEN = ""
        settings.TMDB_TIMEOUT_SECONDS = TEST_TIMEOUT_SECONDS
        settings.TMDB_RATE_LIMIT_PER_SECOND = TEST_RATE_LIMIT_PER_SECOND
        settings.TMDB_CLIENT_CLASS = "catalog.ingest.clients.tmdb.TmdbHttpClient"
        yield server


@pytest.fixture
def fake_omdb(settings: Settings) -> Iterator[FakeOmdb]:
    """A running fake OMDb, with OMDB_BASE_URL and OMDB_API_KEY pointing at it, and no budget worries."""
    with FakeOmdb(api_key=TEST_OMDB_KEY) as server:
        server.stall_seconds = STALL_SECONDS
        settings.OMDB_BASE_URL = f"{server.url}/"
        settings.OMDB_API_KEY = TEST_OMDB_KEY
        settings.OMDB_TIMEOUT_SECONDS = TEST_TIMEOUT_SECONDS
        settings.OMDB_RATE_LIMIT_PER_SECOND = TEST_RATE_LIMIT_PER_SECOND
        settings.OMDB_DAILY_BUDGET = 10_000_000
        settings.OMDB_CLIENT_CLASS = "catalog.ingest.clients.omdb.OmdbHttpClient"
        yield server


@pytest.fixture
def fake_world() -> Callable[..., list[FakeTitle]]:
    """`fake_world(n_movies, n_tv=0, *, years=range(2018, 2025), seed=0, quirks=False)`: FakeTitles
    of a deterministic fictional world (see tests.fakes.tmdb.build_world)."""
    return build_world


@pytest.fixture
def fake_trakt(settings: Settings) -> Iterator[FakeTrakt]:
    """A running fake Trakt for one API app, with the TRAKT_* settings pointing at it."""
    with FakeTrakt(client_id=TEST_TRAKT_CLIENT_ID, client_secret=TEST_TRAKT_CLIENT_SECRET) as server:
        settings.TRAKT_BASE_URL = server.url
        settings.TRAKT_CLIENT_ID = TEST_TRAKT_CLIENT_ID
        settings.TRAKT_CLIENT_SECRET = TEST_TRAKT_CLIENT_SECRET
        settings.TRAKT_TIMEOUT_SECONDS = TEST_TIMEOUT_SECONDS
        settings.TRAKT_RATE_LIMIT_PER_SECOND = TEST_RATE_LIMIT_PER_SECOND
        yield server
