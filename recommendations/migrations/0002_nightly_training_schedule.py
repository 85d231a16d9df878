"""Install the nightly training in django-celery-beat's DatabaseScheduler, where staff can see and edit it."""

from django.db import migrations

TASK_NAME = "Retrain the recommender"


def install_schedule(apps, schema_editor) -> None:
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    # Every day at 04:15 UTC (https://crontab.guru/#15_4_*_*_*): after the 03:30 title refresh, off-peak.
    schedule, _ = crontab_schedule.objects.get_or_create(
        minute="15", hour="4", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    periodic_task.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "recommendations.tasks.recommender_train_task",
            "crontab": schedule,
            "queue": "default",
            "description": "Learns item neighbours from every rating and 'seen' (community ratings "
            "included) and replaces the tables that GET /me/recommendations reads.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
