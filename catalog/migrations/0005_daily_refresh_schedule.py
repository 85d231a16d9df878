"""Install the daily refresh sweep in django-celery-beat's DatabaseScheduler, where staff can see and edit it."""

from django.db import migrations

TASK_NAME = "Refresh stale titles from TMDB and OMDb"


def install_schedule(apps, schema_editor) -> None:
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    # Every day at 03:30 UTC (https://crontab.guru/#30_3_*_*_*), a quiet hour for the providers and us.
    schedule, _ = crontab_schedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    periodic_task.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "catalog.tasks.titles_refresh_sweep_task",
            "crontab": schedule,
            "queue": "default",
            "description": "Queues a refresh of the titles whose TMDB/OMDb data is older than "
            "CATALOG_CACHE_MAX_AGE_DAYS, at most CATALOG_REFRESH_BATCH_SIZE per day. Does nothing without a "
            "TMDB key.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_refresh_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
