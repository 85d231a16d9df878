"""The weekly digest (beat, Mondays 07:00 UTC)."""

from typing import Any

from celery import shared_task


@shared_task(acks_late=True)
def alerts_weekly_digest_task() -> dict[str, Any]:
    """Idempotent per member and week: a redelivered tick finds the members done and sends nothing."""
    from alerts.digest import digest_run

    return digest_run().as_dict()
