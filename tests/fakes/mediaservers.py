"""Webhook bodies in the shapes Plex, Jellyfin (with our template) and Emby send, built from our own values.

Plex posts multipart/form-data whose `payload` field is the event as JSON (and, for some events, a `thumb`
JPEG part); Emby posts the event as JSON (or, in its form mode, a `data` field); Jellyfin's Webhook plugin
posts whatever its template renders, here `integrations.jellyfin.JELLYFIN_TEMPLATE` filled the way
Handlebars.Net fills it (C# booleans as "True"/"False", HTML entities for quotes).
"""

import html
import json
import re
from typing import Any

from integrations.jellyfin import JELLYFIN_TEMPLATE


def plex_event(
    event: str = "media.scrobble",
    *,
    kind: str = "movie",
    title: str = "A Film",
    year: int | None = 2001,
    imdb_id: str | None = None,
    tmdb_id: int | None = None,
    series: str = "",
    season: int = 1,
    episode: int = 1,
    account: str = "alice",
    rating: float | None = None,
    viewed_at: int = 1764880000,
) -> dict[str, Any]:
    guids = [{"id": f"imdb://{imdb_id}"}] if imdb_id else []
    guids += [{"id": f"tmdb://{tmdb_id}"}] if tmdb_id else []
    metadata: dict[str, Any] = {
        "librarySectionType": "movie" if kind == "movie" else "show",
        "ratingKey": "5012",
        "key": "/library/metadata/5012",
        "guid": "plex://movie/5d7768ba96b655001fdc0408" if kind == "movie" else "plex://episode/5d9c1",
        "type": kind,
        "title": title,
        "librarySectionTitle": "Films" if kind == "movie" else "TV",
        "librarySectionID": 1,
        "summary": "",
        "viewCount": 1,
        "lastViewedAt": viewed_at,
        "addedAt": 1700000000,
        "updatedAt": 1700000100,
        "Guid": guids,
    }
    if year is not None and kind == "movie":
        metadata["year"] = year
    if kind == "episode":
        metadata.update(
            {
                "grandparentTitle": series,
                "grandparentGuid": "plex://show/5d9c086c46115600200aa2fe",
                "grandparentKey": "/library/metadata/4000",
                "parentTitle": f"Season {season}",
                "parentIndex": season,
                "index": episode,
            }
        )
    body: dict[str, Any] = {
        "event": event,
        "user": True,
        "owner": True,
        "Account": {"id": 1, "thumb": "https://plex.tv/users/1/avatar", "title": account},
        "Server": {"title": "Office", "uuid": "54664a3d8acc39983675640ec9ce00b70af9cc36"},
        "Player": {"local": True, "publicAddress": "203.0.113.7", "title": "TV", "uuid": "r7k2"},
        "Metadata": metadata,
    }
    if rating is not None:
        body["rating"] = rating
    return body


def plex_form(document: dict[str, Any], *, thumb: bytes | None = None) -> dict[str, Any]:
    """The multipart form Plex posts (for Django's test client, which encodes a dict as multipart)."""
    form: dict[str, Any] = {"payload": json.dumps(document)}
    if thumb is not None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        form["thumb"] = SimpleUploadedFile("thumb.jpg", thumb, content_type="image/jpeg")
    return form


def jellyfin_body(
    notification: str = "PlaybackStop",
    *,
    item_type: str = "Movie",
    name: str = "A Film",
    series: str = "",
    year: int | None = 2001,
    imdb_id: str = "",
    tmdb_id: int | str = "",
    completed: bool = True,
    played: bool = False,
    user: str = "alice",
    season: int | str = "",
    episode: int | str = "",
    utc: str = "2026-12-04T20:15:31.4567891Z",
) -> str:
    """The template rendered as the plugin renders it."""
    values = {
        "NotificationType": notification,
        "ItemType": item_type,
        "Name": name,
        "SeriesName": series,
        "SeasonNumber": season,
        "EpisodeNumber": episode,
        "Year": "" if year is None else year,
        "Provider_imdb": imdb_id,
        "Provider_tmdb": tmdb_id,
        "PlayedToCompletion": "True" if completed else "False",
        "Played": "True" if played else "False",
        "NotificationUsername": user,
        "UtcTimestamp": utc,
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: html.escape(str(values.get(m.group(1), ""))), JELLYFIN_TEMPLATE)


def emby_event(
    event: str = "playback.stop",
    *,
    item_type: str = "Movie",
    name: str = "A Film",
    series: str = "",
    year: int | None = 2001,
    provider_ids: dict[str, str] | None = None,
    completed: bool = True,
    user: str = "alice",
    date: str = "2026-12-04T20:15:31.0000000Z",
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Name": name,
        "ServerId": "a1b2c3",
        "Id": "52471",
        "Type": item_type,
        "IsFolder": False,
        "RunTimeTicks": 71400000000,
        "ProviderIds": provider_ids or {},
    }
    if year is not None:
        item["ProductionYear"] = year
    if item_type == "Episode":
        item.update({"SeriesName": series, "SeriesId": "9001", "IndexNumber": 3, "ParentIndexNumber": 1})
    body: dict[str, Any] = {
        "Title": f"{user} has finished playing {name} on Living Room TV",
        "Date": date,
        "Event": event,
        "Severity": "Info",
        "User": {"Name": user, "Id": "d4f6"},
        "Item": item,
        "Server": {"Name": "Home", "Id": "a1b2c3", "Version": "4.8.10.0"},
    }
    if event.startswith("playback."):
        body["PlaybackInfo"] = {
            "PlayedToCompletion": completed,
            "PositionTicks": 71400000000 if completed else 1200000000,
            "PlaylistIndex": 0,
            "PlaylistLength": 1,
        }
    return body
