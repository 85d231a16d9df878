"""End to end through the real broker: a Celery worker thread consumes a task sent through Redis."""

import pytest
from django.conf import settings

from catalog.models import Genre
from catalog.tasks import genres_import_task, title_refresh_task
from tests.factories import TitleFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def test_task_runs_in_a_real_worker_through_redis(worker: None) -> None:
    result = genres_import_task.delay()
    assert result.get(timeout=60) == {"created": 27, "updated": 0, "unchanged": 0, "source": "embedded"}
    assert Genre.objects.count() == 27
    # Redelivery is harmless: the task is idempotent.
    assert genres_import_task.delay().get(timeout=60)["unchanged"] == 27


def test_enrichment_runs_in_a_real_worker_on_its_own_queue(
    worker: None, fake_tmdb, fake_omdb, fake_world
) -> None:
    genres_import_task.delay().get(timeout=60)
    fake = fake_world(1)[0]
    fake_tmdb.add(fake)
    fake_omdb.add(fake)
    title = TitleFactory(imdb_id=fake.imdb_id, title_en="Before the refresh")
    result = title_refresh_task.delay(title.pk)
    assert result.get(timeout=60) == {"title_id": title.pk, "refreshed": True, "error": ""}
    assert title_refresh_task.app.amqp.router.route({}, "catalog.tasks.title_refresh_task")["queue"].name == (
        "enrichment"
    )
    title.refresh_from_db()
    assert (title.tmdb_id, title.title_fr) == (fake.tmdb_id, fake.title["fr"])
    assert title.imdb_rating is not None and title.cache_update_date is not None
