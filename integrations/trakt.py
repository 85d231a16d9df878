"""Trakt sync: connect through the device flow, pull what changed since the last sync, push our marks.

The pull reads Trakt's /sync lists in the shape the Trakt export import already reads, so the same parser
and matcher (`library.importers`, `library.services.history_apply`) turn them into entries: one matcher,
and a mark made here after Trakt's date for it is kept. Trakt's refusals end the connection with a message
for the Integrations page (`state`), never a task retried for ever; transient failures wait for the next run.
"""

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import MediaType
from core.exceptions import ApplicationError, ProviderError, ProviderMisconfigured, ProviderUnavailable
from integrations.clients.trakt import (
    DeviceCode,
    Tokens,
    TraktClient,
    TraktRevoked,
    TraktVipRequired,
    trakt_configured,
)
from integrations.models import TraktConnection
from library.importers import ImportFormatError, parse_history
from library.models import Entry, Status
from library.services import history_apply

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(hours=6)  # tokens (24 h) are refreshed once they have less than this left
PUSH_BATCH = 500  # items per POST

# Which /sync/last_activities stamps say that a list changed.
ACTIVITY_FIELDS = {
    "history": (("movies", "watched_at"), ("episodes", "watched_at")),
    "ratings": (("movies", "rated_at"), ("shows", "rated_at")),
    "watchlist": (("movies", "watchlisted_at"), ("shows", "watchlisted_at")),
}
ITEM_DATE = {"history": "watched_at", "ratings": "rated_at", "watchlist": "listed_at"}


class TraktNotConfigured(ApplicationError):
    """TRAKT_CLIENT_ID and TRAKT_CLIENT_SECRET are not set: the sync is off here."""


def _client() -> TraktClient:
    if not trakt_configured():
        raise TraktNotConfigured(_("Trakt sync is not available on this server."))
    return TraktClient()


def trakt_connection_for(*, user: User) -> TraktConnection | None:
    return TraktConnection.objects.filter(user=user).first()


def trakt_connect(*, user: User, push: bool = True) -> TraktConnection:
    """Start the device flow: a fresh code for the user to enter at Trakt (replacing any earlier link)."""
    client = _client()
    try:
        code: DeviceCode = client.device_code()
    except TraktVipRequired:
        raise ApplicationError(_("Trakt refused: its API apps need a VIP account.")) from None
    except (TraktRevoked, ProviderMisconfigured):
        raise ApplicationError(_("Trakt refused this server's API app (check TRAKT_CLIENT_ID).")) from None
    connection, _created = TraktConnection.objects.update_or_create(
        user=user,
        defaults={
            "state": TraktConnection.State.PENDING,
            "push": push,
            "device_code": code.device_code,
            "user_code": code.user_code,
            "verification_url": code.verification_url,
            "code_expires_at": code.expires_at,
            "poll_interval": code.interval,
            "next_poll_at": timezone.now(),
            "access_token": "",
            "refresh_token": "",
            "token_expires_at": None,
            "activities": {},
            "history_since": None,
            "ratings_since": None,
            "watchlist_since": None,
            "pushed_until": None,
            "message": "",
        },
    )
    return connection


def trakt_status(*, user: User) -> TraktConnection | None:
    """The user's connection; a pending one asks Trakt (at most once an `interval`) whether they approved."""
    connection = trakt_connection_for(user=user)
    if connection is None or connection.state != TraktConnection.State.PENDING or not trakt_configured():
        return connection
    now = timezone.now()
    if connection.code_expires_at and connection.code_expires_at <= now:
        return _end(connection, TraktConnection.State.EXPIRED, _("The code expired before it was entered."))
    if connection.next_poll_at and connection.next_poll_at > now:
        return connection
    try:
        answer = TraktClient().device_token(connection.device_code)
    except ProviderUnavailable:
        return connection  # asked again on the next look
    if isinstance(answer, Tokens):
        _store_tokens(connection, answer)
        connection.state = TraktConnection.State.CONNECTED
        connection.device_code = connection.user_code = ""
        connection.message = ""
        connection.save()
        return connection
    if answer in ("expired", "invalid", "used"):
        return _end(connection, TraktConnection.State.EXPIRED, _("The code expired before it was entered."))
    if answer == "denied":
        return _end(connection, TraktConnection.State.EXPIRED, _("The access was refused at Trakt."))
    if answer == "slow_down":
        connection.poll_interval = min(60, connection.poll_interval + 5)
    connection.next_poll_at = now + timedelta(seconds=connection.poll_interval)
    connection.save(update_fields=["poll_interval", "next_poll_at", "updated_at"])
    return connection


def trakt_disconnect(*, user: User) -> bool:
    """Revoke the token at Trakt (best effort: the link goes whatever Trakt says) and forget it."""
    connection = trakt_connection_for(user=user)
    if connection is None:
        return False
    if connection.access_token and trakt_configured():
        try:
            TraktClient().revoke(connection.access_token)
        except ProviderError as exc:
            logger.info("Trakt revoke for user %s: %s", user.pk, exc)
    connection.delete()
    return True


def _end(connection: TraktConnection, state: str, message: str) -> TraktConnection:
    connection.state = state
    connection.message = message
    connection.device_code = ""
    if state in (TraktConnection.State.REVOKED, TraktConnection.State.EXPIRED):
        connection.access_token = connection.refresh_token = ""
    connection.save()
    return connection


def _store_tokens(connection: TraktConnection, tokens: Tokens) -> None:
    connection.access_token = tokens.access_token
    connection.refresh_token = tokens.refresh_token
    connection.token_expires_at = tokens.expires_at


@dataclass
class SyncResult:
    pulled: dict[str, int] = field(default_factory=dict)  # items read per list
    created: int = 0
    updated: int = 0
    unmatched: int = 0
    pushed: dict[str, int] = field(default_factory=dict)
    idle: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pulled": self.pulled,
            "created": self.created,
            "updated": self.updated,
            "unmatched": self.unmatched,
            "pushed": self.pushed,
            "idle": self.idle,
        }


def trakt_sync(*, connection_id: int) -> SyncResult | None:
    """One sync of one connected account; None when there is nothing to do (not connected, no app)."""
    connection = TraktConnection.objects.select_related("user").filter(pk=connection_id).first()
    if connection is None or connection.state != TraktConnection.State.CONNECTED or not trakt_configured():
        return None
    started = time.perf_counter()
    client = TraktClient()
    try:
        result = _sync(client, connection)
    except TraktVipRequired:
        _end(
            connection,
            TraktConnection.State.VIP_REQUIRED,
            _("Trakt refused the sync: its API apps need a VIP account. Import your Trakt export instead."),
        )
        return None
    except (TraktRevoked, ProviderMisconfigured):
        _end(
            connection,
            TraktConnection.State.REVOKED,
            _("Trakt no longer accepts this connection (the access was revoked). Connect again."),
        )
        return None
    except ProviderError as exc:
        # Trakt down, slow or rate-limited past our retries: the account stays due for the next hourly run,
        # and the dates pulled up to were not moved, so that run reads the same items again.
        logger.warning("Trakt sync of connection %s: %s", connection.pk, exc)
        connection.message = _("Trakt did not answer at the last sync; it is tried again within the hour.")
        connection.save(update_fields=["message", "updated_at"])
        return None
    result.seconds = time.perf_counter() - started
    connection.last_sync_at = timezone.now()
    connection.last_sync_seconds = result.seconds
    connection.last_result = result.as_dict()
    connection.message = ""
    connection.save()
    return result


def _sync(client: TraktClient, connection: TraktConnection) -> SyncResult:
    if connection.token_expires_at is None or connection.token_expires_at - timezone.now() < REFRESH_MARGIN:
        _store_tokens(connection, client.refresh(connection.refresh_token))
        connection.save(update_fields=["access_token", "refresh_token", "token_expires_at", "updated_at"])
    token = connection.access_token
    result = SyncResult()
    push_from = connection.pushed_until
    activities = client.last_activities(token)
    changed = [
        kind for kind in ACTIVITY_FIELDS if _stamp(activities, kind) != _stamp(connection.activities, kind)
    ]
    result.idle = not changed
    items: list[dict[str, Any]] = []
    for kind in changed:
        since = getattr(connection, f"{kind}_since")
        params = {"start_at": since.isoformat().replace("+00:00", "Z")} if kind == "history" and since else {}
        newest = since
        count = 0
        for page in client.list_pages(token, kind, params):
            for item in page:
                moment = _instant(item.get(ITEM_DATE[kind]))
                if since is not None and moment is not None and moment <= since:
                    continue  # already pulled (Trakt's start_at is inclusive; the others take no date)
                items.append(item)
                count += 1
                if moment is not None and (newest is None or moment > newest):
                    newest = moment
        setattr(connection, f"{kind}_since", newest)
        result.pulled[kind] = count
    if items:
        try:
            rows = parse_history(source="trakt", data=json.dumps(items).encode(), filename="trakt-sync.json")
        except ImportFormatError as exc:
            raise ProviderUnavailable(f"Trakt: unreadable items ({exc})") from None
        applied = history_apply(user=connection.user, rows=rows)
        result.created, result.updated, result.unmatched = (
            applied.created,
            applied.updated,
            applied.unmatched_total,
        )
    connection.activities = activities
    if connection.push:
        # Up to now, after the pull: what the pull wrote is left out by its ids, and a mark made from here
        # on goes next time.
        until = timezone.now()
        result.pushed = _push(client, connection, since=push_from, until=until, pulled=items)
        connection.pushed_until = until
    connection.save()
    return result


def _stamp(activities: dict[str, Any], kind: str) -> list[Any]:
    return [(activities.get(group) or {}).get(name) for group, name in ACTIVITY_FIELDS[kind]]


def _instant(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _push(
    client: TraktClient,
    connection: TraktConnection,
    *,
    since: datetime | None,
    until: datetime,
    pulled: Iterable[dict[str, Any]],
) -> dict[str, int]:
    """Our marks changed since the last push, each to the Trakt list it belongs to; titles just pulled from
    Trakt are not sent back (a second play in its history would be wrong)."""
    from_trakt: set[tuple[str, str]] = set()
    for item in pulled:
        for key in ("movie", "show"):
            ids = (item.get(key) or {}).get("ids") or {}
            for name in ("tmdb", "imdb"):
                if ids.get(name):
                    from_trakt.add((name, str(ids[name])))
    entries = Entry.objects.filter(user=connection.user, updated_at__lte=until).select_related("title")
    if since is not None:
        entries = entries.filter(updated_at__gt=since)
    entries = entries.filter(Q(status=Status.SEEN) | Q(status=Status.LATER))
    bodies: dict[str, dict[str, list[dict[str, Any]]]] = {"history": {}, "ratings": {}, "watchlist": {}}
    for entry in entries.iterator(chunk_size=1000):
        title = entry.title
        ids = {k: v for k, v in (("tmdb", title.tmdb_id), ("imdb", title.imdb_id)) if v}
        if not ids or any((k, str(v)) in from_trakt for k, v in ids.items()):
            continue
        media = "movies" if title.media_type == MediaType.MOVIE else "shows"
        if entry.status == Status.LATER:
            bodies["watchlist"].setdefault(media, []).append({"ids": ids})
            continue
        play: dict[str, Any] = {"ids": ids}
        if entry.watched_at is not None:
            play["watched_at"] = entry.watched_at.isoformat().replace("+00:00", "Z")
        bodies["history"].setdefault(media, []).append(play)
        if entry.rating is not None:
            bodies["ratings"].setdefault(media, []).append(
                {
                    "ids": ids,
                    "rating": entry.rating,
                    "rated_at": entry.updated_at.isoformat().replace("+00:00", "Z"),
                }
            )
    pushed: dict[str, int] = {}
    for kind, body in bodies.items():
        for media, items in body.items():
            for start in range(0, len(items), PUSH_BATCH):
                client.add(connection.access_token, kind, {media: items[start : start + PUSH_BATCH]})
                pushed[kind] = pushed.get(kind, 0) + len(items[start : start + PUSH_BATCH])
    return pushed


def trakt_connections_due(now: datetime | None = None) -> list[int]:
    """Connected accounts whose last sync is older than TRAKT_SYNC_HOURS (or that never synced)."""
    if not trakt_configured():
        return []
    cutoff = (now or timezone.now()) - timedelta(hours=settings.TRAKT_SYNC_HOURS)
    return list(
        TraktConnection.objects.filter(state=TraktConnection.State.CONNECTED)
        .filter(Q(last_sync_at__isnull=True) | Q(last_sync_at__lte=cutoff))
        .values_list("pk", flat=True)
    )
