from django.db import migrations

TASK_NAME = "Watch-later titles arriving on members' services"


def install_schedule(apps, schema_editor) -> None:
    """Every day at 05:00 UTC (https://crontab.guru/#0_5_*_*_*), before Monday's digest at 07:00; a run
    fetches each title once a day and alerts each arrival once."""
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = crontab_schedule.objects.get_or_create(
        minute="0", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    periodic_task.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "alerts.tasks.alerts_service_arrivals_task",
            "crontab": schedule,
            "queue": "enrichment",
            "description": "Fetches from TMDB where the titles on members' watch-later lists can be watched "
            "in their countries, keeps the day's services, and records the titles that arrived on one of "
            "a member's services since the previous day (listed on the Alerts page and in the digest).",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_service_arrivals"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
