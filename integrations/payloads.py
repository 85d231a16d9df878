"""What Plex, Jellyfin and Emby send when something was played, read into one `Watch`.

Each reader takes the JSON document the server sent (already decoded) and returns a `Watch` when the event
means "watched" (or "rated"), `None` for the many events that do not (play, pause, a stop part-way), and
raises `PayloadError` when the document is not the server's shape: the route answers 400 and writes nothing.
"""

import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from catalog.models import MediaType

IMDB_ID = re.compile(r"^tt\d{5,10}$")
MAX_TITLE_CHARS = 300


class PayloadError(ValueError):
    """The body is not what this server sends; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class Watch:
    """One event that marks a title seen: a movie, or the series of an episode."""

    event: str  # the server's own name for it: "media.scrobble", "PlaybackStop", "item.markplayed"
    media_type: str  # "movie" | "tv" (an episode's series)
    episode: bool
    title: str
    year: int | None
    imdb_id: str | None
    tmdb_id: int | None
    server_user: str
    watched_at: datetime | None  # when the server says it happened, UTC
    rating: int | None = None  # 1..10, only from a rating event
    season: int | None = None
    number: int | None = None

    def excerpt(self) -> dict[str, Any]:
        """The event as kept on the row (JSON), and what its fingerprint is made of."""
        values = asdict(self)
        values["watched_at"] = self.watched_at.isoformat() if self.watched_at else None
        return values


def fingerprint(kind: str, document: object) -> str:
    """SHA-256 of the document as sent (keys sorted): a server's retry of one delivery has the same."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()


# ---------------------------------------------------------------- shared readers


def _object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(_("%(name)s must be a JSON object.") % {"name": name})
    return value


def _text(value: object, name: str, *, entities: bool = False) -> str:
    """Text of at most MAX_TITLE_CHARS; with `entities`, HTML entities read back (Handlebars writes them)."""
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise PayloadError(_("%(name)s must be text.") % {"name": name})
    text = html.unescape(str(value)) if entities else str(value)
    return text.strip()[:MAX_TITLE_CHARS]


def _year(value: object) -> int | None:
    try:
        year = int(str(value).strip()[:4]) if value not in (None, "") else None
    except ValueError:
        return None
    return year if year and 1870 <= year <= 2100 else None


def _imdb(value: object) -> str | None:
    text = str(value or "").strip()
    return text if IMDB_ID.match(text) else None


def _tmdb(value: object) -> int | None:
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _when(value: object) -> datetime | None:
    """An ISO 8601 time (a trailing Z, fractions of any length) or epoch seconds; None when unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # .NET writes 7 digits of fractions
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# ---------------------------------------------------------------- Plex


PLEX_WATCHED = {"media.scrobble", "media.rate"}


def plex_watch(document: object) -> Watch | None:
    """Plex's webhook (`payload`, a JSON field of a multipart form): `media.scrobble` (played past 90 %)
    and `media.rate` (`rating` 0-10, Plex's five stars doubled; 0 or absent clears, which we ignore)."""
    payload = _object(document, "payload")
    event = _text(payload.get("event"), "event")
    if not event:
        raise PayloadError(_("%(name)s is missing.") % {"name": "payload.event"})
    metadata = payload.get("Metadata")
    if event not in PLEX_WATCHED or metadata is None:
        return None
    metadata = _object(metadata, "payload.Metadata")
    item_type = _text(metadata.get("type"), "Metadata.type")
    account = payload.get("Account")
    server_user = _text(_object(account, "payload.Account").get("title"), "Account.title") if account else ""
    rating = None
    if event == "media.rate":
        try:
            value = float(payload.get("rating") or 0)
        except (TypeError, ValueError) as exc:
            raise PayloadError(_("payload.rating must be a number from 0 to 10.")) from exc
        if not 0 <= value <= 10:
            raise PayloadError(_("payload.rating must be a number from 0 to 10."))
        rating = round(value) or None
        if rating is None:
            return None  # a rating removed: nothing to mark
    when = _when(metadata.get("lastViewedAt")) or _when(metadata.get("lastRatedAt"))
    if item_type == "movie":
        ids = _plex_guids(metadata.get("Guid"))
        return Watch(
            event=event,
            media_type=MediaType.MOVIE,
            episode=False,
            title=_text(metadata.get("title"), "Metadata.title"),
            year=_year(metadata.get("year")),
            imdb_id=ids.get("imdb"),
            tmdb_id=_tmdb(ids.get("tmdb")),
            server_user=server_user,
            watched_at=when,
            rating=rating,
        )
    if item_type == "episode":
        # The episode's own Guid list names the episode; the series is its grandparent, known by title
        # (and by ids only when its guid is one, as the older agents wrote it).
        ids = _plex_guids([{"id": metadata.get("grandparentGuid")}])
        return Watch(
            event=event,
            media_type=MediaType.TV,
            episode=True,
            title=_text(metadata.get("grandparentTitle"), "Metadata.grandparentTitle"),
            year=None,
            imdb_id=ids.get("imdb"),
            tmdb_id=_tmdb(ids.get("tmdb")),
            server_user=server_user,
            watched_at=when,
            rating=None,  # an episode's rating is not the series'
            season=_tmdb(metadata.get("parentIndex")),
            number=_tmdb(metadata.get("index")),
        )
    return None  # a track, a photo, a clip


def _plex_guids(value: object) -> dict[str, str]:
    """`[{"id": "imdb://tt0111161"}, {"id": "tmdb://278"}]` as {"imdb": "tt0111161", "tmdb": "278"}."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise PayloadError(_("Metadata.Guid must be a list."))
    found: dict[str, str] = {}
    for item in value:
        guid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(guid, str) or "://" not in guid:
            continue
        scheme, _sep, rest = guid.partition("://")
        scheme = scheme.rsplit(".", 1)[-1]  # "com.plexapp.agents.imdb" → "imdb"
        key = rest.split("/", 1)[0].split("?", 1)[0]
        if scheme == "imdb" and _imdb(key):
            found.setdefault("imdb", key)
        elif scheme in {"tmdb", "themoviedb"} and _tmdb(key):
            found.setdefault("tmdb", key)
    return found


# ---------------------------------------------------------------- Jellyfin (our template)


def jellyfin_watch(document: object) -> Watch | None:
    """Jellyfin's Webhook plugin with our template (README, Integrations page): `PlaybackStop` when
    `PlayedToCompletion`, or `UserDataSaved` when `Played`; `ItemType` Movie or Episode."""
    payload = _object(document, "body")
    event = _text(payload.get("NotificationType"), "NotificationType")
    if not event:
        raise PayloadError(_("NotificationType is missing: use the template of the Integrations page."))
    finished = (event == "PlaybackStop" and _flag(payload.get("PlayedToCompletion"))) or (
        event == "UserDataSaved" and _flag(payload.get("Played"))
    )
    item_type = _text(payload.get("ItemType"), "ItemType")
    if not finished or item_type not in {"Movie", "Episode"}:
        return None
    episode = item_type == "Episode"
    return Watch(
        event=event,
        media_type=MediaType.TV if episode else MediaType.MOVIE,
        episode=episode,
        title=_text(payload.get("SeriesName" if episode else "Name"), "Name", entities=True),
        year=None if episode else _year(payload.get("Year")),
        # An episode's provider ids are the episode's: the series is matched by its name.
        imdb_id=None if episode else _imdb(payload.get("Provider_imdb")),
        tmdb_id=None if episode else _tmdb(payload.get("Provider_tmdb")),
        server_user=_text(payload.get("NotificationUsername"), "NotificationUsername", entities=True),
        watched_at=_when(payload.get("UtcTimestamp")),
        season=_tmdb(payload.get("SeasonNumber")) if episode else None,
        number=_tmdb(payload.get("EpisodeNumber")) if episode else None,
    )


# ---------------------------------------------------------------- Emby


def emby_watch(document: object) -> Watch | None:
    """Emby's webhook (JSON, or a multipart form's `data` field): `playback.stop` when
    `PlaybackInfo.PlayedToCompletion`, and `item.markplayed`; ids in `Item.ProviderIds`."""
    payload = _object(document, "body")
    event = _text(payload.get("Event"), "Event")
    if not event:
        raise PayloadError(_("%(name)s is missing.") % {"name": "Event"})
    playback = payload.get("PlaybackInfo") or {}
    finished = (
        event == "playback.stop" and _flag(_object(playback, "PlaybackInfo").get("PlayedToCompletion"))
    ) or event == "item.markplayed"
    item = payload.get("Item")
    if not finished or item is None:
        return None
    item = _object(item, "Item")
    item_type = _text(item.get("Type"), "Item.Type")
    if item_type not in {"Movie", "Episode"}:
        return None
    episode = item_type == "Episode"
    ids = item.get("ProviderIds") or {}
    ids = {str(k).lower(): v for k, v in _object(ids, "Item.ProviderIds").items()}
    user = payload.get("User")
    return Watch(
        event=event,
        media_type=MediaType.TV if episode else MediaType.MOVIE,
        episode=episode,
        title=_text(item.get("SeriesName" if episode else "Name"), "Item.Name"),
        year=None if episode else _year(item.get("ProductionYear")),
        imdb_id=None if episode else _imdb(ids.get("imdb")),
        tmdb_id=None if episode else _tmdb(ids.get("tmdb")),
        server_user=_text(_object(user, "User").get("Name"), "User.Name") if user else "",
        watched_at=_when(payload.get("Date")),
        season=_tmdb(item.get("ParentIndexNumber")) if episode else None,
        number=_tmdb(item.get("IndexNumber")) if episode else None,
    )


READERS = {"plex": plex_watch, "jellyfin": jellyfin_watch, "emby": emby_watch}
