from typing import TypedDict

from celery import shared_task

from core.exceptions import ProviderUnavailable


class RetryOptions(TypedDict):
    """`shared_task`'s retry keywords, typed so that the decorator is checked as if they were spelled out."""

    acks_late: bool
    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int


# Transient provider failures are retried with exponential backoff and jitter; anything else is final.
RETRY_TRANSIENT: RetryOptions = {
    "acks_late": True,
    "autoretry_for": (ProviderUnavailable,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_TRANSIENT)
def genres_import_task() -> dict[str, int | str]:
    """Refresh TMDB's genre lists (live when a key is set); idempotent, so redelivery is harmless.

    Queued by the daily sweep below when a TMDB key is set (`manage.py import_genres` does the same at
    start, falling back to the repository's lists while TMDB is unreachable)."""
    from catalog.ingest.genres import genres_import

    report = genres_import()
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "source": report.source,
    }


@shared_task(**RETRY_TRANSIENT)
def title_refresh_task(title_id: int) -> dict[str, int | bool | str]:
    """Refresh one title from TMDB and OMDb (queue "enrichment"); the same values are written on a repeat."""
    from catalog.ingest.enrichment import title_refresh
    from catalog.models import Title

    if not Title.objects.filter(pk=title_id).exists():  # deleted since it was queued: nothing to do
        return {"title_id": title_id, "refreshed": False, "error": "gone"}
    outcome = title_refresh(title_id=title_id)
    return {"title_id": outcome.title_id, "refreshed": outcome.refreshed, "error": outcome.error}


@shared_task(acks_late=True)
def titles_refresh_sweep_task() -> dict[str, int]:
    """The daily beat sweep: rescore, then queue refreshes of a bounded batch of the stalest titles, and
    of TMDB's genre lists when a key is set (a start while TMDB was unreachable fell back to ours)."""
    from catalog.ingest.clients import tmdb_is_configured
    from catalog.ingest.enrichment import titles_refresh_sweep
    from catalog.models import MediaType
    from catalog.offers import offers_purge
    from catalog.ranking import titles_rescore
    from core.tasks import send_later

    for media_type in MediaType:
        titles_rescore(media_type=media_type)
    offers_purge()  # where-to-watch data is never kept beyond its limit
    queued = titles_refresh_sweep()
    if tmdb_is_configured():
        send_later(genres_import_task)
    return {"queued": len(queued)}
