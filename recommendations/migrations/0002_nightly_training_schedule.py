"""Install the nightly training in django-celery-beat's DatabaseScheduler, where staff can see and edit it."""

from django.db import migrations

from core.beat import beat_schedule

# Every day at 04:15 UTC (https://crontab.guru/#15_4_*_*_*): after the 03:30 title refresh, off-peak.
SCHEDULE = beat_schedule(
    name="Retrain the recommender",
    task="recommendations.tasks.recommender_train_task",
    minute="15",
    hour="4",
    description="Learns item neighbours from every rating and 'seen' (community ratings "
    "included) and replaces the tables that GET /me/recommendations reads.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
