from celery import shared_task

from core.exceptions import ProviderUnavailable


@shared_task(
    acks_late=True, autoretry_for=(ProviderUnavailable,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def genres_import_task() -> dict[str, int | str]:
    """Refresh TMDB's genre lists (live when a key is set); idempotent, so redelivery is harmless."""
    from catalog.services import genres_import

    report = genres_import()
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "source": report.source,
    }
