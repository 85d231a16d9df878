"""Trakt sync against a fake Trakt in its wire format: the device flow, the incremental pull through the
Trakt import's matcher, the push of our marks, and Trakt's refusals as messages instead of failing tasks."""

from datetime import UTC, datetime, timedelta

import pytest

import integrations.clients.trakt as trakt_client
from integrations.clients.trakt import TraktClient
from integrations.models import TraktConnection
from integrations.trakt import (
    trakt_connect,
    trakt_connections_due,
    trakt_disconnect,
    trakt_status,
    trakt_sync,
)
from integrations.trakt_tasks import trakt_sync_due_task
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.fixtures import TEST_TRAKT_CLIENT_ID as TEST_CLIENT_ID
from tests.fakes.http import Reply
from tests.fakes.trakt import movie_object
from tests.integrations.trakt_support import connected

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)


def _movie(title, trakt_id: int) -> dict:
    return movie_object(title.title_en, title.year, trakt=trakt_id, tmdb=title.tmdb_id, imdb=title.imdb_id)


def test_device_flow_polls_until_the_user_approves(fake_trakt) -> None:
    user = UserFactory()
    connection = trakt_connect(user=user)
    assert connection.state == TraktConnection.State.PENDING
    assert connection.user_code and connection.verification_url == "https://trakt.tv/activate"
    assert trakt_status(user=user).state == TraktConnection.State.PENDING  # Trakt said 400: pending
    fake_trakt.approve()
    assert trakt_status(user=user).state == TraktConnection.State.PENDING  # not asked again before interval
    TraktConnection.objects.filter(user=user).update(next_poll_at=None)
    connection = trakt_status(user=user)
    assert connection.state == TraktConnection.State.CONNECTED
    assert connection.access_token in fake_trakt.tokens and connection.token_expires_at > datetime.now(UTC)
    polls = [r for r in fake_trakt.requests if r.path == "/oauth/device/token"]
    assert len(polls) == 2
    assert polls[0].json() == {
        "code": polls[0].json()["code"],
        "client_id": TEST_CLIENT_ID,
        "client_secret": "trakt-test-secret",
    }


def test_a_refused_or_expired_code_says_so(fake_trakt) -> None:
    user = UserFactory()
    trakt_connect(user=user)
    fake_trakt.deny()
    connection = trakt_status(user=user)
    assert connection.state == TraktConnection.State.EXPIRED
    assert connection.message == "The access was refused at Trakt."
    other = UserFactory()
    trakt_connect(user=other)
    TraktConnection.objects.filter(user=other).update(
        code_expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert trakt_status(user=other).state == TraktConnection.State.EXPIRED


def test_pull_marks_history_ratings_and_watchlist_through_the_import_matcher(fake_trakt) -> None:
    seen, rated, later, unknown = (TitleFactory(tmdb_id=100 + i) for i in range(4))
    fake_trakt.watch(_movie(seen, 1), T0)
    fake_trakt.rate(_movie(rated, 2), 8, T0)
    fake_trakt.watchlist_add(_movie(later, 3), T0)
    fake_trakt.watch(movie_object("Nowhere Film", 1999, trakt=9, tmdb=999_999, imdb=None), T0)
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    result = trakt_sync(connection_id=connection.pk)
    assert result is not None and (result.created, result.unmatched) == (3, 1)
    entries = {e.title_id: e for e in Entry.objects.filter(user=user)}
    assert entries[seen.pk].status == Status.SEEN and entries[seen.pk].watched_at == T0
    assert (entries[rated.pk].status, entries[rated.pk].rating) == (Status.SEEN, 8)
    assert entries[later.pk].status == Status.LATER
    assert unknown.pk not in entries
    sync_get = [r for r in fake_trakt.requests if r.path.startswith("/sync/") and r.method == "GET"]
    assert {r.headers["trakt-api-key"] for r in sync_get} == {TEST_CLIENT_ID}
    assert {r.headers["trakt-api-version"] for r in sync_get} == {"2"}
    assert all(r.headers["authorization"] == f"Bearer {connection.access_token}" for r in sync_get)


def test_the_next_pull_asks_only_for_what_is_new_and_skips_an_idle_account(fake_trakt) -> None:
    first, second = TitleFactory(tmdb_id=201), TitleFactory(tmdb_id=202)
    fake_trakt.watch(_movie(first, 1), T0)
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    trakt_sync(connection_id=connection.pk)
    fake_trakt.requests.clear()
    idle = trakt_sync(connection_id=connection.pk)
    assert idle is not None and idle.idle and idle.pulled == {}
    assert [r.path for r in fake_trakt.requests] == ["/sync/last_activities"]
    fake_trakt.watch(_movie(second, 2), T0 + timedelta(days=1))
    fake_trakt.requests.clear()
    again = trakt_sync(connection_id=connection.pk)
    assert again is not None and again.pulled == {"history": 1} and again.created == 1
    history = [r for r in fake_trakt.requests if r.path == "/sync/history"]
    assert history[0].arg("start_at") == "2026-11-01T20:00:00Z"
    assert Entry.objects.filter(user=user, title=second, status=Status.SEEN).exists()


def test_a_long_history_is_read_page_by_page_from_the_pagination_headers(fake_trakt, monkeypatch) -> None:
    titles = [TitleFactory(tmdb_id=1000 + i) for i in range(5)]
    for i, title in enumerate(titles):
        fake_trakt.watch(_movie(title, i + 1), T0 + timedelta(minutes=i))
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    client = TraktClient()
    pages = list(client.list_pages(connection.access_token, "history", {"limit": "2"}))
    assert sum(len(page) for page in pages) == 5
    # Our pages are Trakt's largest (1,000 items); with pages of 2 the headers must lead to the third.
    monkeypatch.setattr(trakt_client, "PAGE_LIMIT", 2)
    pages = list(client.list_pages(connection.access_token, "history"))
    assert [len(page) for page in pages] == [2, 2, 1]
    last = [r for r in fake_trakt.requests if r.path == "/sync/history"][-1]
    assert (last.arg("page"), last.arg("limit")) == ("3", "2")


def test_push_sends_our_marks_once_and_never_echoes_what_came_from_trakt(fake_trakt) -> None:
    from_trakt, ours_seen, ours_later = (
        TitleFactory(tmdb_id=301),
        TitleFactory(tmdb_id=302),
        TitleFactory(tmdb_id=303),
    )
    user = UserFactory()
    Entry.objects.create(user=user, title=ours_seen, status=Status.SEEN, rating=9, watched_at=T0)
    Entry.objects.create(user=user, title=ours_later, status=Status.LATER)
    fake_trakt.watch(_movie(from_trakt, 1), T0)
    connection = connected(user, fake_trakt)
    result = trakt_sync(connection_id=connection.pk)
    assert result is not None and result.pushed == {"history": 1, "ratings": 1, "watchlist": 1}
    received = fake_trakt.account.received
    assert received["history"] == [
        {
            "type": "movie",
            "ids": {"tmdb": 302, "imdb": ours_seen.imdb_id},
            "watched_at": "2026-11-01T20:00:00Z",
        }
    ]
    assert [(item["ids"]["tmdb"], item["rating"]) for item in received["ratings"]] == [(302, 9)]
    assert [item["ids"]["tmdb"] for item in received["watchlist"]] == [303]
    again = trakt_sync(connection_id=connection.pk)
    assert again is not None and again.pushed == {}
    assert len(fake_trakt.account.received["history"]) == 1


def test_vip_required_and_a_revoked_app_become_a_message_not_a_failing_task(fake_trakt) -> None:
    user, other = UserFactory(), UserFactory()
    vip = connected(user, fake_trakt)
    fake_trakt.vip_required = True
    assert trakt_sync(connection_id=vip.pk) is None
    vip.refresh_from_db()
    assert vip.state == TraktConnection.State.VIP_REQUIRED and "VIP" in vip.message
    fake_trakt.vip_required = False
    revoked = connected(other, fake_trakt)
    fake_trakt.revoke_app()
    assert trakt_sync(connection_id=revoked.pk) is None
    revoked.refresh_from_db()
    assert revoked.state == TraktConnection.State.REVOKED and revoked.access_token == ""
    # Neither is due again: the hourly run leaves them alone until the user connects again.
    assert trakt_connections_due() == []
    assert trakt_sync_due_task.delay().get() == 0


def test_tokens_are_refreshed_before_they_expire(fake_trakt) -> None:
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    old = connection.access_token
    TraktConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    assert trakt_sync(connection_id=connection.pk) is not None
    connection.refresh_from_db()
    assert connection.access_token != old and connection.token_expires_at > datetime.now(UTC) + timedelta(
        hours=23
    )
    refresh = next(r for r in fake_trakt.requests if r.path == "/oauth/token").json()
    assert refresh["grant_type"] == "refresh_token" and refresh["redirect_uri"] == "urn:ietf:wg:oauth:2.0:oob"


def test_rate_limited_pull_waits_for_retry_after_then_succeeds(fake_trakt, settings) -> None:
    settings.HTTP_RETRY_AFTER_MAX_SECONDS = 1.0
    title = TitleFactory(tmdb_id=401)
    fake_trakt.watch(_movie(title, 1), T0)
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    fake_trakt.retry_after = 0
    fake_trakt.queue("/sync/history", fake_trakt.failure("429", fake_trakt.requests[-1]))
    result = trakt_sync(connection_id=connection.pk)
    assert result is not None and result.created == 1
    assert [r.path for r in fake_trakt.requests].count("/sync/history") == 2


def test_disconnect_revokes_the_token_at_trakt(fake_trakt) -> None:
    user = UserFactory()
    connection = connected(user, fake_trakt)
    assert trakt_disconnect(user=user) is True
    assert connection.access_token not in fake_trakt.tokens
    assert not TraktConnection.objects.filter(user=user).exists()
    assert trakt_disconnect(user=user) is False


def test_nothing_runs_without_an_api_app(fake_trakt, settings) -> None:
    user = UserFactory()
    connection = connected(user, fake_trakt)
    settings.TRAKT_CLIENT_ID = ""
    fake_trakt.requests.clear()
    assert trakt_connections_due() == []
    assert trakt_sync(connection_id=connection.pk) is None
    assert fake_trakt.requests == []


def test_the_api_connects_reports_and_disconnects(fake_trakt) -> None:
    user = UserFactory()
    client = bearer_client(user)
    assert client.get("/me/integrations/trakt").json()["state"] == "not_connected"
    made = client.post("/me/integrations/trakt", {"push": False}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert (body["state"], body["verification_url"], body["push"]) == (
        "pending",
        "https://trakt.tv/activate",
        False,
    )
    assert body["user_code"] == fake_trakt.devices[next(iter(fake_trakt.devices))]["user_code"]
    fake_trakt.approve()
    TraktConnection.objects.filter(user=user).update(next_poll_at=None)
    read = client.get("/me/integrations/trakt")
    assert "no-store" in read["Cache-Control"]
    status = read.json()
    assert status["state"] == "connected" and status["user_code"] is None
    assert client.delete("/me/integrations/trakt").status_code == 204
    assert [r.path for r in fake_trakt.requests][-1] == "/oauth/revoke"
    assert client.delete("/me/integrations/trakt").status_code == 404


def test_the_api_says_what_is_wrong_when_trakt_is_off_or_refuses(fake_trakt, settings) -> None:
    client = bearer_client(UserFactory())
    assert client.post("/me/integrations/trakt", {"push": "maybe"}, format="json").status_code == 400
    fake_trakt.queue("/oauth/device/code", Reply(426, "", headers={"Content-Type": "application/json"}))
    refused = client.post("/me/integrations/trakt", {}, format="json")
    assert refused.status_code == 400 and "VIP" in str(refused.json()["errors"])
    settings.TRAKT_CLIENT_ID = ""
    off = client.post("/me/integrations/trakt", {}, format="json")
    assert off.status_code == 400 and "not available" in str(off.json()["errors"])
    assert client.get("/me/integrations/trakt").json()["available"] is False


def test_trakt_down_leaves_the_account_due_with_a_message(fake_trakt, settings) -> None:
    settings.HTTP_RETRIES = 0
    title = TitleFactory(tmdb_id=501)
    fake_trakt.watch(_movie(title, 1), T0)
    user = UserFactory()
    connection = connected(user, fake_trakt, push=False)
    fake_trakt.queue("/sync/last_activities", Reply(503, "", headers={"Content-Type": "text/html"}))
    assert trakt_sync(connection_id=connection.pk) is None
    connection.refresh_from_db()
    assert connection.state == TraktConnection.State.CONNECTED and "tried again" in connection.message
    assert trakt_connections_due() == [connection.pk]
    assert trakt_sync(connection_id=connection.pk).created == 1  # the next run reads it all
    connection.refresh_from_db()
    assert connection.message == ""
