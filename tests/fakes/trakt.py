"""A fake Trakt answering in Trakt's API v2 wire format, for one API app and its users' accounts.

What it keeps to, as Trakt does: every call carries `trakt-api-version: 2` and `trakt-api-key: <client id>`
(403 without a valid key), personal calls `Authorization: Bearer <access token>` (401 without a valid one);
the device flow (`POST /oauth/device/code`, then `POST /oauth/device/token` answering 400 while the user
has not approved, 404 for an unknown code, 409 once used, 410 expired, 418 denied, 429 polled too fast),
token refresh (`POST /oauth/token`, 401 `invalid_grant` for a revoked one) and revocation
(`POST /oauth/revoke`); `GET /sync/last_activities`; the `/sync/history`, `/sync/ratings` and
`/sync/watchlist` lists paginated by `page` and `limit` with the `X-Pagination-Page`, `-Limit`,
`-Page-Count` and `-Item-Count` headers, history filtered by `start_at`; `POST` of the same paths answering
201 with `added` and `not_found`. Failures: 429 with `Retry-After` (Trakt's rate limit), 426 when the app
needs a VIP account (`vip_required`), 401 everywhere once the app is revoked (`revoke_app`).
"""

import itertools
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.http import FakeHttpServer, RecordedRequest, Reply

JSON = {"Content-Type": "application/json"}
MAX_LIMIT = 1000  # larger `limit` values are cut to this, as Trakt does
DEFAULT_LIMIT = 10
TOKEN_SECONDS = 24 * 3600  # Trakt's access tokens last 24 hours


def trakt_time(moment: datetime) -> str:
    """Trakt's timestamps: UTC with milliseconds, "2026-12-04T21:00:00.000Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_trakt_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class FakeAccount:
    """One Trakt user's data: items in Trakt's list shapes, newest last (Trakt answers newest first)."""

    username: str = "viewer"
    history: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    watchlist: list[dict[str, Any]] = field(default_factory=list)
    activities: dict[str, dict[str, str]] = field(default_factory=dict)
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # pushed items, by path

    def touch(self, kind: str, field_name: str, moment: datetime) -> None:
        self.activities.setdefault(kind, {})[field_name] = trakt_time(moment)


def movie_object(title: str, year: int | None, *, trakt: int, tmdb: int | None, imdb: str | None) -> dict:
    """A movie as Trakt writes it inside list items (minimal `extended` level)."""
    return {
        "title": title,
        "year": year,
        "ids": {"trakt": trakt, "slug": title.lower().replace(" ", "-"), "imdb": imdb, "tmdb": tmdb},
    }


class FakeTrakt(FakeHttpServer):
    """Trakt's API for one app (`client_id`, `client_secret`); `account` is the user who approves."""

    def __init__(self, *, client_id: str = "trakt-client", client_secret: str = "trakt-secret") -> None:  # noqa: S107 - a test app's secret
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.account = FakeAccount()
        self.vip_required = False  # every personal call answers 426, as for an app of a non-VIP owner
        self.revoked = False  # the user revoked the app: every token is refused
        self.devices: dict[str, dict[str, Any]] = {}  # device_code -> its state
        self.tokens: dict[str, datetime] = {}  # access token -> expiry
        self.refresh_tokens: set[str] = set()
        self.token_seconds = TOKEN_SECONDS
        self._ids = itertools.count(1)
        self._state_lock = threading.Lock()
        self.route("/oauth/device/code", self._device_code)
        self.route("/oauth/device/token", self._device_token)
        self.route("/oauth/token", self._refresh)
        self.route("/oauth/revoke", self._revoke)
        self.route("/sync/last_activities", self._last_activities)
        for kind in ("history", "ratings", "watchlist"):
            self.route(f"/sync/{kind}", self._sync)

    # What tests do to the account.
    def approve(self, device_code: str | None = None) -> None:
        """The user enters the code at trakt.tv/activate and approves (the latest code by default)."""
        code = device_code or list(self.devices)[-1]
        self.devices[code]["state"] = "approved"

    def deny(self, device_code: str | None = None) -> None:
        code = device_code or list(self.devices)[-1]
        self.devices[code]["state"] = "denied"

    def revoke_app(self) -> None:
        self.revoked = True

    def watch(self, movie: dict[str, Any], at: datetime) -> None:
        """A play of `movie` (see `movie_object`) at `at`."""
        self.account.history.append(
            {
                "id": next(self._ids),
                "watched_at": trakt_time(at),
                "action": "watch",
                "type": "movie",
                "movie": movie,
            }
        )
        self.account.touch("movies", "watched_at", at)

    def rate(self, movie: dict[str, Any], rating: int, at: datetime) -> None:
        self.account.ratings.append(
            {"rated_at": trakt_time(at), "rating": rating, "type": "movie", "movie": movie}
        )
        self.account.touch("movies", "rated_at", at)

    def watchlist_add(self, movie: dict[str, Any], at: datetime) -> None:
        self.account.watchlist.append(
            {
                "rank": len(self.account.watchlist) + 1,
                "id": next(self._ids),
                "listed_at": trakt_time(at),
                "notes": None,
                "type": "movie",
                "movie": movie,
            }
        )
        self.account.touch("movies", "watchlisted_at", at)

    # Trakt's shapes of errors.
    def not_found(self, request: RecordedRequest) -> Reply:
        return Reply(404, "", headers={"Content-Type": "text/html"})

    def failure(self, kind: str, request: RecordedRequest) -> Reply:
        if kind == "429":  # Trakt's limit: a JSON-free 429 with the seconds to wait
            return Reply(
                429,
                "",
                headers={
                    "Retry-After": str(self.retry_after),
                    "X-Ratelimit": '{"name":"AUTHED_API_GET_LIMIT","period":300,"limit":1000,"remaining":0,'
                    '"until":"' + trakt_time(datetime.now(UTC) + timedelta(seconds=self.retry_after)) + '"}',
                },
            )
        return super().failure(kind, request)

    def _app_error(self, request: RecordedRequest) -> Reply | None:
        """403 for a missing or wrong API key or version (Trakt: "invalid API key or unapproved app")."""
        if (
            request.headers.get("trakt-api-key") != self.client_id
            or request.headers.get("trakt-api-version") != "2"
        ):
            return Reply(403, "", headers=JSON)
        return None

    def _user_error(self, request: RecordedRequest) -> Reply | None:
        app_error = self._app_error(request)
        if app_error is not None:
            return app_error
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        expiry = self.tokens.get(token)
        if self.revoked or expiry is None or expiry <= datetime.now(UTC):
            return Reply(
                401,
                {"error": "invalid_token", "error_description": "The access token is invalid"},
                headers={**JSON, "WWW-Authenticate": 'Bearer realm="trakt", error="invalid_token"'},
            )
        if self.vip_required:
            return Reply(
                426,
                "",
                headers={**JSON, "X-Upgrade-URL": "https://trakt.tv/vip", "X-VIP-User": "false"},
            )
        return None

    def _issue(self) -> dict[str, Any]:
        access, refresh = secrets.token_hex(32), secrets.token_hex(32)
        now = datetime.now(UTC)
        with self._state_lock:
            self.tokens[access] = now + timedelta(seconds=self.token_seconds)
            self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.token_seconds,
            "refresh_token": refresh,
            "scope": "public",
            "created_at": int(now.timestamp()),
        }

    # OAuth.
    def _device_code(self, request: RecordedRequest) -> Reply:
        body = request.json() or {}
        if request.method != "POST" or body.get("client_id") != self.client_id:
            return Reply(403, "", headers=JSON)
        device_code, user_code = secrets.token_hex(32), secrets.token_hex(4).upper()
        self.devices[device_code] = {
            "user_code": user_code,
            "state": "pending",
            "expires": datetime.now(UTC) + timedelta(seconds=600),
        }
        return Reply(
            200,
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_url": "https://trakt.tv/activate",
                "expires_in": 600,
                "interval": 5,
            },
            JSON,
        )

    def _device_token(self, request: RecordedRequest) -> Reply:
        body = request.json() or {}
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return Reply(401, {"error": "invalid_client"}, JSON)
        device = self.devices.get(str(body.get("code")))
        if device is None:
            return Reply(404, "", headers=JSON)  # Not Found: invalid device_code
        if device["expires"] <= datetime.now(UTC):
            return Reply(410, "", headers=JSON)  # Expired
        state = device["state"]
        if state == "pending":
            return Reply(400, "", headers=JSON)  # Pending: waiting for the user to authorize
        if state == "denied":
            return Reply(418, "", headers=JSON)  # Denied
        if state == "used":
            return Reply(409, "", headers=JSON)  # Already Used
        device["state"] = "used"
        return Reply(200, self._issue(), JSON)

    def _refresh(self, request: RecordedRequest) -> Reply:
        body = request.json() or {}
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return Reply(401, {"error": "invalid_client"}, JSON)
        token = body.get("refresh_token")
        if body.get("grant_type") != "refresh_token" or self.revoked or token not in self.refresh_tokens:
            return Reply(
                401,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, revoked, "
                    "does not match the redirection URI used in the authorization request, or was issued "
                    "to another client.",
                },
                JSON,
            )
        with self._state_lock:
            self.refresh_tokens.discard(token)
        return Reply(200, self._issue(), JSON)

    def _revoke(self, request: RecordedRequest) -> Reply:
        body = request.json() or {}
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return Reply(401, {"error": "invalid_client"}, JSON)
        with self._state_lock:
            self.tokens.pop(str(body.get("token")), None)
        return Reply(200, {}, JSON)

    # Sync.
    def _last_activities(self, request: RecordedRequest) -> Reply:
        if (error := self._user_error(request)) is not None:
            return error
        epoch = trakt_time(datetime(1970, 1, 1, tzinfo=UTC))
        kinds = ("movies", "episodes", "shows", "seasons")
        fields = ("watched_at", "collected_at", "rated_at", "watchlisted_at", "favorited_at", "paused_at")
        answer: dict[str, Any] = {
            kind: {name: self.account.activities.get(kind, {}).get(name, epoch) for name in fields}
            for kind in kinds
        }
        stamps = [value for kind in answer.values() for value in kind.values()]
        answer["all"] = max(stamps)
        answer["watchlist"] = {"updated_at": answer["movies"]["watchlisted_at"]}
        return Reply(200, answer, JSON)

    def _sync(self, request: RecordedRequest) -> Reply:
        if (error := self._user_error(request)) is not None:
            return error
        kind = request.path.rsplit("/", 1)[-1]
        if request.method == "POST":
            return self._sync_add(kind, request.json() or {})
        items = list(getattr(self.account, kind))
        if kind == "history" and (start := request.arg("start_at")):
            since = parse_trakt_time(start)
            items = [item for item in items if parse_trakt_time(item["watched_at"]) >= since]
        items.reverse()  # newest first
        try:
            page = max(1, int(request.arg("page", "1") or 1))
            limit = min(MAX_LIMIT, max(1, int(request.arg("limit", str(DEFAULT_LIMIT)) or DEFAULT_LIMIT)))
        except ValueError:
            return Reply(400, "", headers=JSON)
        count = len(items)
        pages = max(1, -(-count // limit))
        headers = {
            **JSON,
            "X-Pagination-Page": str(page),
            "X-Pagination-Limit": str(limit),
            "X-Pagination-Page-Count": str(pages),
            "X-Pagination-Item-Count": str(count),
        }
        return Reply(200, items[(page - 1) * limit : page * limit], headers)

    def _sync_add(self, kind: str, body: dict[str, Any]) -> Reply:
        added = {"movies": 0, "shows": 0, "seasons": 0, "episodes": 0}
        not_found: dict[str, list[Any]] = {
            "movies": [],
            "shows": [],
            "seasons": [],
            "episodes": [],
            "ids": [],
        }
        for media in ("movies", "shows"):
            for item in body.get(media) or []:
                ids = item.get("ids") or {}
                if not (ids.get("tmdb") or ids.get("imdb") or ids.get("trakt")):
                    not_found[media].append(item)
                    continue
                self.account.received.setdefault(kind, []).append({"type": media[:-1], **item})
                added[media] += 1
        answer: dict[str, Any] = {"added": added, "not_found": not_found}
        if kind == "watchlist":
            answer["existing"] = {"movies": 0, "shows": 0, "seasons": 0, "episodes": 0}
            answer["list"] = {
                "updated_at": trakt_time(datetime.now(UTC)),
                "item_count": len(self.account.watchlist),
            }
        if kind == "history":
            del added["shows"]
            del added["seasons"]
        return Reply(201, answer, JSON)
