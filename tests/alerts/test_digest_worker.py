"""The weekly digest end to end through the real broker: the beat's task consumed by a Celery worker."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from alerts.models import AlertItem, DigestSubscription
from alerts.services import saved_search_create
from alerts.tasks import alerts_weekly_digest_task
from catalog.models import Title
from tests.factories import TitleFactory, UserFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def test_weekly_digest_runs_in_a_real_worker_once_per_week(worker: None) -> None:
    user = UserFactory()
    saved_search_create(user=user, name="Everything", media_type="movie", filters={"year_from": 2000})
    DigestSubscription.objects.filter(user=user).update(checked_until=timezone.now() - timedelta(days=7))
    fresh = TitleFactory(title_en="Fresh in the catalog", year=2001)
    Title.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(days=1))
    first = alerts_weekly_digest_task.delay().get(timeout=60)
    assert (first["users"], first["items"], first["emails"]) == (1, 1, 1)
    assert AlertItem.objects.get().title_id == fresh.pk
    assert len(mail.outbox) == 1 and "Fresh in the catalog" in mail.outbox[0].body
    # The beat tick delivered again: the member's week is done.
    assert alerts_weekly_digest_task.delay().get(timeout=60)["users"] == 0
    assert len(mail.outbox) == 1
