"""Install the hourly purge of expired idempotency records in django-celery-beat's DatabaseScheduler."""

from django.db import migrations

TASK_NAME = "Delete expired idempotency records"


def install_schedule(apps, schema_editor) -> None:
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    # Every hour at minute 45 (https://crontab.guru/#45_*_*_*_*): records live 24 hours, reads ignore older ones.
    schedule, _ = crontab_schedule.objects.get_or_create(
        minute="45", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    periodic_task.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "core.tasks.idempotency_records_purge_task",
            "crontab": schedule,
            "queue": "default",
            "description": "Deletes the answers kept for Idempotency-Key retries (POST /chat, POST /me/import) "
            "once they are older than 24 hours.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_idempotency_record"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
