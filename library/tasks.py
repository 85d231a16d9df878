from celery import shared_task
from celery.contrib.django.task import DjangoTask


@shared_task(acks_late=True, base=DjangoTask)  # the class Celery's Django fix-up gives every task anyway
def history_import_task(job_id: int) -> dict[str, int] | None:
    """Run one history import; safe to redeliver (a finished job is skipped, a re-run ends the same)."""
    from library.services import import_job_run

    job = import_job_run(job_id=job_id)
    return job.count_values if job else None  # the numbers only: the result backend logs them
