"""Sending background work without making the request wait, with or without a broker."""

from concurrent.futures import ThreadPoolExecutor

from celery import Task, shared_task
from django.conf import settings
from django.db import close_old_connections

_pool: ThreadPoolExecutor | None = None


def send_later(task: Task, *args: object) -> None:
    """Queue a Celery task. With no broker (the embedded mode runs tasks eagerly) it runs on a small
    in-process pool instead, so a page that asks for a refresh is served before the refresh is done."""
    global _pool
    if not (settings.CELERY_TASK_ALWAYS_EAGER and settings.EAGER_TASKS_IN_BACKGROUND):
        task.delay(*args)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="background-task")
    _pool.submit(_run, task, args)


def _run(task: Task, args: tuple[object, ...]) -> None:
    try:
        task.apply(args=args)  # Celery records (and logs) a failure in the result; nothing to re-raise here
    finally:
        close_old_connections()


@shared_task(acks_late=True)
def idempotency_records_purge_task() -> int:
    """Delete the idempotency records older than 24 hours (hourly, from beat); the number deleted."""
    from core.idempotency import idempotency_records_purge

    return idempotency_records_purge()
