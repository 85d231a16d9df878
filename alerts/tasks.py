"""The weekly digest (beat, Mondays 07:00 UTC)."""

from typing import Any

from celery import shared_task


@shared_task(acks_late=True)
def alerts_weekly_digest_task() -> dict[str, Any]:
    """Idempotent per member and week: a redelivered tick finds the members done and sends nothing."""
    from alerts.digest import digest_run

    return digest_run().as_dict()


@shared_task(acks_late=True)
def alerts_service_arrivals_task() -> dict[str, Any]:
    """Daily: watch-later titles that arrived on members' services. Idempotent per day: a redelivered tick
    fetches nothing already fetched today and alerts nothing already alerted."""
    from alerts.arrivals import arrivals_run

    return arrivals_run().as_dict()
