from django.db import migrations

from core.beat import beat_schedule

# Mondays at 07:00 UTC (https://crontab.guru/#0_7_*_*_1); a run does each member once per week.
SCHEDULE = beat_schedule(
    name="Weekly digest of saved searches",
    task="alerts.tasks.alerts_weekly_digest_task",
    minute="0",
    hour="7",
    day_of_week="1",
    description="Lists, for each member, the titles added since the last digest that match a saved "
    "search and that they have not marked; e-mails them (unless unsubscribed).",
)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
