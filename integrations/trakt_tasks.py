"""Trakt's periodic pull and push (beat, hourly: only the accounts due) and one account's sync."""

from typing import Any

from celery import shared_task


@shared_task(acks_late=True)
def trakt_sync_task(connection_id: int) -> dict[str, Any] | None:
    """One account's sync. Idempotent: a redelivery pulls nothing new (the dates pulled up to are kept)
    and pushes nothing twice (the push mark moved)."""
    from integrations.trakt import trakt_sync

    result = trakt_sync(connection_id=connection_id)
    return None if result is None else {**result.as_dict(), "seconds": round(result.seconds, 3)}


@shared_task(acks_late=True)
def trakt_sync_due_task() -> int:
    """Queue a sync for every account due; nothing without TRAKT_CLIENT_ID. Transient Trakt failures
    leave an account due for the next run instead of retrying in a loop."""
    from integrations.trakt import trakt_connections_due

    due = trakt_connections_due()
    for connection_id in due:
        trakt_sync_task.delay(connection_id)
    return len(due)
