from django.db import migrations

from core.beat import beat_schedule

# Every day at 05:00 UTC (https://crontab.guru/#0_5_*_*_*), before Monday's digest at 07:00; a run
# fetches each title once a day and alerts each arrival once.
SCHEDULE = beat_schedule(
    name="Watch-later titles arriving on members' services",
    task="alerts.tasks.alerts_service_arrivals_task",
    queue="enrichment",
    minute="0",
    hour="5",
    description="Fetches from TMDB where the titles on members' watch-later lists can be watched "
    "in their countries, keeps the day's services, and records the titles that arrived on one of "
    "a member's services since the previous day (listed on the Alerts page and in the digest).",
)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_service_arrivals"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
