"""Install the daily refresh sweep in django-celery-beat's DatabaseScheduler, where staff can see and edit it."""

from django.db import migrations

from core.beat import beat_schedule

# Every day at 03:30 UTC (https://crontab.guru/#30_3_*_*_*), a quiet hour for the providers and us.
SCHEDULE = beat_schedule(
    name="Refresh stale titles from TMDB and OMDb",
    task="catalog.tasks.titles_refresh_sweep_task",
    minute="30",
    hour="3",
    description="Queues a refresh of the titles whose TMDB/OMDb data is older than "
    "CATALOG_CACHE_MAX_AGE_DAYS, at most CATALOG_REFRESH_BATCH_SIZE per day. Does nothing without a "
    "TMDB key.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_refresh_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
