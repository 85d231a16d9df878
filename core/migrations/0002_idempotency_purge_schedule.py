"""Install the hourly purge of expired idempotency records in django-celery-beat's DatabaseScheduler."""

from django.db import migrations

from core.beat import beat_schedule

# Every hour at minute 45 (https://crontab.guru/#45_*_*_*_*): records live 24 hours, reads ignore older ones.
SCHEDULE = beat_schedule(
    name="Delete expired idempotency records",
    task="core.tasks.idempotency_records_purge_task",
    minute="45",
    description="Deletes the answers kept for Idempotency-Key retries (POST /chat, POST /me/import) "
    "once they are older than 24 hours.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_idempotency_record"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
