"""Webhook endpoints and what their events do: create, revoke, receive, and (in the worker) apply."""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.enrichment import Enrichment, TitleKeys, enrichment_apply, enrichments_fetch
from catalog.models import Title
from catalog.selectors import TitleKeyIndex, titles_by_imdb_ids, titles_by_tmdb_ids
from core.exceptions import ApplicationError
from core.tasks import send_later
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.payloads import Watch
from library.importers import HistoryRow
from library.models import Status
from library.services import history_apply

logger = logging.getLogger(__name__)

MAX_ENDPOINTS = 20  # per user, revoked ones aside
MAX_EVENTS_KEPT = 500  # per endpoint: older events are deleted as new ones arrive
FUTURE_SLACK = timedelta(minutes=5)  # a server clock a little ahead is believed; further ahead is "now"


class EndpointLimitReached(ApplicationError):
    """The user already has MAX_ENDPOINTS active endpoints."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    token: str  # shown once: only its hash is stored


def endpoint_create(*, user: User, kind: str, name: str, server_user: str = "") -> NewEndpoint:
    """A new secret URL for one server. The token has 256 random bits; only its SHA-256 is stored."""
    if WebhookEndpoint.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ENDPOINTS:
        raise EndpointLimitReached(
            _("You have %(count)d webhooks already: revoke one first.") % {"count": MAX_ENDPOINTS}
        )
    token = secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        user=user, kind=kind, name=name.strip(), server_user=server_user.strip(), token_hash=token_hash(token)
    )
    return NewEndpoint(endpoint=endpoint, token=token)


def endpoint_revoke(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Its URL stops working at once; its events stay listed."""
    if endpoint.revoked_at is None:
        endpoint.revoked_at = timezone.now()
        endpoint.save(update_fields=["revoked_at", "updated_at"])
    return endpoint


def endpoint_for_token(token: str) -> WebhookEndpoint | None:
    """The active endpoint of this URL token, or None. The lookup is by the token's hash (an index), and
    the stored hash is compared in constant time, so timing tells nothing about a near miss."""
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    endpoint = (
        WebhookEndpoint.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if endpoint is None or not hmac.compare_digest(endpoint.token_hash, digest):
        return None
    return endpoint


@dataclass(frozen=True)
class Received:
    status: str  # "queued" | "duplicate" | "ignored"
    event: WebhookEvent | None = None


def webhook_receive(*, endpoint: WebhookEndpoint, watch: Watch | None, fingerprint: str) -> Received:
    """Record an event once (per fingerprint) and queue its work; events that mark nothing are not kept."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_used_at=now)
    if watch is None:
        return Received("ignored")
    if endpoint.server_user and watch.server_user.casefold() != endpoint.server_user.casefold():
        return Received("ignored")  # another member of the household
    from integrations.tasks import webhook_event_task

    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                endpoint=endpoint, fingerprint=fingerprint, event=watch.event[:60], payload=watch.excerpt()
            )
            # After the commit, to the worker (or, embedded, a background thread): the server is answered now.
            transaction.on_commit(partial(send_later, webhook_event_task, event.pk))
    except IntegrityError:  # the same delivery again (a retry, or a concurrent twin)
        return Received(
            "duplicate", WebhookEvent.objects.filter(endpoint=endpoint, fingerprint=fingerprint).first()
        )
    _events_trim(endpoint)
    return Received("queued", event)


def _events_trim(endpoint: WebhookEndpoint) -> None:
    keep = WebhookEvent.objects.filter(endpoint=endpoint).values_list("pk", flat=True)[
        MAX_EVENTS_KEPT : MAX_EVENTS_KEPT + 1
    ]
    oldest_kept = list(keep)
    if oldest_kept:
        WebhookEvent.objects.filter(endpoint=endpoint, pk__lte=oldest_kept[0]).delete()


# ---------------------------------------------------------------- in the worker


def webhook_event_process(*, event_id: int) -> WebhookEvent | None:
    """Apply one event: find its title (ids, then title and year, then TMDB when configured) and mark it seen
    as a history import would: only forward, never over what the user set here after the event's date.
    Safe to run twice: an event no longer pending is left as it is."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update()
            .select_related("endpoint__user")
            .filter(pk=event_id, status=WebhookEvent.State.PENDING)
            .first()
        )
        if event is None:
            return None
        watch = _watch_of(event.payload)
        user = event.endpoint.user
        title = title_match(watch)
        if title is None:
            event.status = WebhookEvent.State.UNMATCHED
            event.reason = _unmatched_reason(watch)
        elif watch.episode and not _series_rule_met(watch, title):
            event.status, event.title = WebhookEvent.State.IGNORED, title
            event.reason = _("Only an episode of the last season marks a series seen (WEBHOOK_SERIES_RULE).")
        else:
            event.title = title
            event.status, event.reason = _apply(user=user, title=title, watch=watch)
        event.processed_at = timezone.now()
        event.save(update_fields=["status", "reason", "title", "processed_at"])
    return event


def _watch_of(excerpt: dict[str, Any]) -> Watch:
    values = dict(excerpt)
    when = values.get("watched_at")
    values["watched_at"] = datetime.fromisoformat(when) if when else None
    return Watch(**values)


def title_match(watch: Watch) -> Title | None:
    """The catalog's title for an event: by IMDb id, TMDB id, then normalized title and year; with a TMDB
    key, a title known by id but not held yet is fetched and added."""
    title = None
    if watch.imdb_id:
        title = titles_by_imdb_ids([watch.imdb_id]).get(watch.imdb_id)
    if title is None and watch.tmdb_id:
        title = titles_by_tmdb_ids([watch.tmdb_id], media_type=watch.media_type).get(watch.tmdb_id)
    if title is None and watch.title:
        title_id = TitleKeyIndex([watch.media_type]).find(
            title=watch.title, year=watch.year, media_type=watch.media_type
        )
        title = Title.objects.filter(pk=title_id).first() if title_id else None
    if title is None and (watch.imdb_id or watch.tmdb_id) and tmdb_is_configured():
        keys = TitleKeys(media_type=watch.media_type, tmdb_id=watch.tmdb_id, imdb_id=watch.imdb_id)
        fetched = enrichments_fetch([keys])[0]
        if isinstance(fetched, Enrichment):
            title = enrichment_apply(fetched)
        else:
            logger.info("A webhook's title was not found on TMDB: %s", fetched)
    return title if title is not None and not title.hidden else None


def _unmatched_reason(watch: Watch) -> str:
    if not (watch.imdb_id or watch.tmdb_id or watch.title):
        return _("The event names no title and no IMDb or TMDB id.")
    if (watch.imdb_id or watch.tmdb_id) and not tmdb_is_configured():
        return _(
            "No title of the catalog has these ids or this title and year (no TMDB key to look further)."
        )
    return _("No title of the catalog has these ids or this title and year.")


def _series_rule_met(watch: Watch, title: Title) -> bool:
    """`WEBHOOK_SERIES_RULE`: "episode" (any episode marks its series seen) or "last_season" (only an
    episode of the series' last season as the catalog counts them; a series whose count we lack waits)."""
    if settings.WEBHOOK_SERIES_RULE != "last_season":
        return True
    return bool(title.number_of_seasons) and watch.season == title.number_of_seasons


def _apply(*, user: User, title: Title, watch: Watch) -> tuple[str, str]:
    now = timezone.now()
    when = min(watch.watched_at, now) if watch.watched_at and watch.watched_at <= now + FUTURE_SLACK else now
    row = HistoryRow(
        file="webhook",
        line=1,
        media_type=title.media_type,
        status=Status.SEEN,
        rating=watch.rating,
        imdb_id=title.imdb_id,
        tmdb_id=title.tmdb_id if not title.imdb_id else None,
        title=title.title_en or title.original_title or watch.title,
        year=title.year,
        watched_at=when,
        rated_at=when if watch.rating else None,
        status_at=when,
    )
    result = history_apply(user=user, rows=[row])
    if result.unmatched_total:  # the title has neither id: the import matched it by name, as we did
        return WebhookEvent.State.FAILED, _("The title could not be written.")
    if result.created or result.updated:
        return WebhookEvent.State.APPLIED, ""
    if result.conflicts_total:
        return WebhookEvent.State.UNCHANGED, _("Kept what was set here after the event's date.")
    return WebhookEvent.State.UNCHANGED, _("Already seen.")
