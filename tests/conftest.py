import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from discovery.feed import feed_cache_clear
from tests.clients import bearer_client
from tests.factories import UserFactory

pytest_plugins = [
    "tests.catalog_fixture",  # the `catalog` fixture: a small catalog of real films
    "tests.fakes.fixtures",  # fake_tmdb, fake_omdb, fake_world: local fake providers
]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Login-failure counters live in the cache, rankings in the feed's: every test starts with none."""
    cache.clear()
    feed_cache_clear()


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
