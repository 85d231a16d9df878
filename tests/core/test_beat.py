from typing import Any

import pytest
from django.apps import apps as django_apps
from django_celery_beat.models import PeriodicTask

from core.beat import beat_schedule

pytestmark = pytest.mark.django_db


def test_migrations_install_every_periodic_task_on_its_crontab() -> None:
    installed = {
        task.name: (task.task, task.queue, str(task.crontab).split(" (")[0], task.crontab.timezone.key)
        for task in PeriodicTask.objects.select_related("crontab").exclude(crontab=None)
    }
    assert installed == {
        "Delete expired idempotency records": (
            "core.tasks.idempotency_records_purge_task",
            "default",
            "45 * * * *",
            "UTC",
        ),
        "Pull and push Trakt accounts": (
            "integrations.trakt_tasks.trakt_sync_due_task",
            "default",
            "20 * * * *",
            "UTC",
        ),
        "Refresh stale titles from TMDB and OMDb": (
            "catalog.tasks.titles_refresh_sweep_task",
            "default",
            "30 3 * * *",
            "UTC",
        ),
        "Retrain the recommender": (
            "recommendations.tasks.recommender_train_task",
            "default",
            "15 4 * * *",
            "UTC",
        ),
        "Watch-later titles arriving on members' services": (
            "alerts.tasks.alerts_service_arrivals_task",
            "enrichment",
            "0 5 * * *",
            "UTC",
        ),
        "Weekly digest of saved searches": (
            "alerts.tasks.alerts_weekly_digest_task",
            "default",
            "0 7 * * 1",
            "UTC",
        ),
    }


def run(code: Any) -> None:
    """A migration's RunPython function, given the current models' registry for the historical one."""
    code(django_apps, None)


def test_a_schedule_staff_edited_is_kept_and_reversing_removes_it() -> None:
    operation = beat_schedule(
        name="Nightly check",
        task="core.tasks.idempotency_records_purge_task",
        description="A check.",
        minute="5",
    )
    run(operation.code)
    task = PeriodicTask.objects.get(name="Nightly check")
    assert (task.crontab.minute, task.crontab.hour, task.queue) == ("5", "*", "default")

    task.enabled = False  # switched off by staff in the admin
    task.save()
    run(operation.code)  # the migration again (a database restored from an older dump)
    assert [t.enabled for t in PeriodicTask.objects.filter(name="Nightly check")] == [False]

    run(operation.reverse_code)
    assert not PeriodicTask.objects.filter(name="Nightly check").exists()
