"""End to end through the real broker: a Celery worker runs the Trakt sync, and the title watched on Trakt
leaves the caller's discovery feed."""

import time
from datetime import UTC, datetime

import pytest
from django.conf import settings

from integrations.models import TraktConnection
from integrations.trakt_tasks import trakt_sync_due_task
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.trakt import movie_object
from tests.integrations.trakt_support import connected

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]
FEED = "/movies/search-by-filters"


def _feed_ids(client) -> list[int]:
    return [card["id"] for card in client.post(FEED, {}, format="json").json()["results"]]


def test_a_trakt_sync_in_a_real_worker_removes_the_watched_title_from_the_feed(
    worker: None, fake_trakt
) -> None:
    watched, other = TitleFactory(tmdb_id=7001, year=2020), TitleFactory(tmdb_id=7002, year=2021)
    user = UserFactory()
    client = bearer_client(user)
    assert {watched.pk, other.pk} <= set(_feed_ids(client))
    fake_trakt.watch(
        movie_object(watched.title_en, watched.year, trakt=1, tmdb=7001, imdb=watched.imdb_id),
        datetime(2026, 11, 30, 21, 0, tzinfo=UTC),
    )
    connected(user, fake_trakt, push=False)
    # Beat's hourly task finds the account due and queues its sync on the worker.
    assert trakt_sync_due_task.delay().get(timeout=60) == 1
    deadline = time.monotonic() + 60  # the queued sync, in the worker
    while not TraktConnection.objects.filter(user=user, last_sync_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the sync did not end within a minute"
        time.sleep(0.05)
    assert Entry.objects.get(user=user, title=watched).status == Status.SEEN
    feed = _feed_ids(client)
    assert watched.pk not in feed and other.pk in feed
    assert TraktConnection.objects.get(user=user).last_result["pulled"]["history"] == 1
