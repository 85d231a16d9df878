"""Periodic tasks installed by migrations in django-celery-beat's DatabaseScheduler, where staff see, edit and
switch them off in the admin. Every app's schedule is written by the one operation here."""

from typing import Any

from django.db import migrations


def beat_schedule(
    *,
    name: str,
    task: str,
    description: str,
    minute: str,
    hour: str = "*",
    day_of_week: str = "*",
    queue: str = "default",
) -> migrations.RunPython:
    """The migration operation that installs `task` under `name` on a UTC crontab (a task of that name that
    staff already made or edited is kept as it is) and removes it when the migration is reversed."""

    def install(apps: Any, schema_editor: Any) -> None:
        crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        schedule, _ = crontab_schedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        periodic_task.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": schedule, "queue": queue, "description": description},
        )

    def remove(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(install, remove)
