from django.db import migrations

TASK_NAME = "Weekly digest of saved searches"


def install_schedule(apps, schema_editor) -> None:
    """Mondays at 07:00 UTC (https://crontab.guru/#0_7_*_*_1); a run does each member once per week."""
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = crontab_schedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    periodic_task.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "alerts.tasks.alerts_weekly_digest_task",
            "crontab": schedule,
            "queue": "default",
            "description": "Lists, for each member, the titles added since the last digest that match a saved "
            "search and that they have not marked; e-mails them (unless unsubscribed).",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
