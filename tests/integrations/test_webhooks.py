"""Media-server webhooks: the URLs a user makes, and what Plex, Jellyfin and Emby events do through them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import HttpResponse
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import endpoint_create, token_hash
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.mediaservers import emby_event, jellyfin_body, plex_event, plex_form

pytestmark = pytest.mark.django_db


def send(url: str, data: object, **extra: object) -> HttpResponse:
    """A server's call; the event's task, queued when the request's transaction commits, runs then (as a
    worker would: tests/integrations/test_webhook_worker.py runs a real one)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(url, data, **extra)


def url_for(user: User, kind: str, **extra: str) -> str:
    return f"/webhooks/{endpoint_create(user=user, kind=kind, name=kind, **extra).token}"


def entry(user: User, title: object) -> Entry | None:
    return Entry.objects.filter(user=user, title=title).first()


# ---------------------------------------------------------------- the URLs


def test_a_url_is_created_shown_once_listed_and_revoked(user: User, auth_client: APIClient) -> None:
    answer = auth_client.post(
        "/me/integrations", {"kind": "plex", "name": "Living room", "server_user": "alice"}, format="json"
    )
    assert answer.status_code == 201
    body = answer.json()
    token = body["url"].rsplit("/", 1)[1]
    assert len(token) >= 43 and body["kind"] == "plex" and body["active"] is True
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.token_hash == token_hash(token) and token not in endpoint.token_hash  # only the hash kept

    listed = auth_client.get("/me/integrations").json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]
    assert "url" not in listed["results"][0] and token not in str(listed)

    assert auth_client.delete(f"/me/integrations/{body['id']}").status_code == 204
    assert auth_client.get("/me/integrations").json()["results"][0]["active"] is False
    assert send(f"/webhooks/{token}", plex_form(plex_event())).status_code == 404


def test_bad_creation_input_names_the_field(auth_client: APIClient) -> None:
    answer = auth_client.post("/me/integrations", {"kind": "kodi", "name": ""}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"kind", "name"}


# ---------------------------------------------------------------- Plex


def test_plex_scrobble_marks_the_movie_seen_on_its_date(user: User) -> None:
    film = TitleFactory(imdb_id="tt0111161")
    answer = send(url_for(user, "plex"), plex_form(plex_event(imdb_id="tt0111161"), thumb=b"\xff\xd8"))
    assert answer.status_code == 202 and answer.json() == {"status": "queued"}
    seen = entry(user, film)
    assert seen is not None and seen.status == Status.SEEN and seen.rating is None
    assert seen.watched_at == datetime.fromtimestamp(1764880000, tz=UTC)
    event = WebhookEvent.objects.get()
    assert (event.status, event.title_id, event.event) == ("applied", film.pk, "media.scrobble")


def test_plex_rating_is_kept_on_our_scale_and_a_retry_changes_nothing(user: User) -> None:
    film = TitleFactory(tmdb_id=278)
    url = url_for(user, "plex")
    form = plex_form(plex_event("media.rate", tmdb_id=278, rating=8.0))
    assert send(url, form).json() == {"status": "queued"}
    assert send(url, form).json() == {"status": "duplicate"}
    seen = entry(user, film)
    assert seen is not None and (seen.status, seen.rating) == ("seen", 8)
    assert WebhookEvent.objects.count() == 1


def test_plex_events_that_mark_nothing_write_nothing(user: User) -> None:
    film = TitleFactory(imdb_id="tt0111161")
    url = url_for(user, "plex")
    for event in ("media.play", "media.pause", "media.stop"):
        assert send(url, plex_form(plex_event(event, imdb_id="tt0111161"))).json() == {"status": "ignored"}
    assert entry(user, film) is None and not WebhookEvent.objects.exists()


def test_plex_episode_marks_its_series_by_title(user: User) -> None:
    show = TitleFactory(media_type="tv", title_en="Slow Horses", year=2022, imdb_id="tt5875444")
    body = plex_event(kind="episode", title="Failure's Contagious", series="Slow Horses", imdb_id="tt9999991")
    assert send(url_for(user, "plex"), plex_form(body)).status_code == 202
    seen = entry(user, show)
    assert seen is not None and seen.status == Status.SEEN


def test_the_title_and_year_find_a_title_without_ids(user: User) -> None:
    film = TitleFactory(title_en="The Quiet Field", year=2019, imdb_id=None)
    TitleFactory(title_en="The Quiet Field", year=1971)
    send(url_for(user, "plex"), plex_form(plex_event(title="The Quiet Field", year=2019)))
    assert entry(user, film) is not None


def test_a_household_member_filter_keeps_only_that_server_user(user: User) -> None:
    film = TitleFactory(imdb_id="tt0111161")
    url = url_for(user, "plex", server_user="Alice")
    assert send(url, plex_form(plex_event(imdb_id="tt0111161", account="bob"))).json() == {
        "status": "ignored"
    }
    assert entry(user, film) is None
    send(url, plex_form(plex_event(imdb_id="tt0111161", account="alice")))
    assert entry(user, film) is not None


# ---------------------------------------------------------------- Jellyfin


def test_jellyfin_playback_stop_to_completion_marks_the_movie_seen(user: User) -> None:
    film = TitleFactory(tmdb_id=550, imdb_id=None, title_en='Say "Cheese"')
    url = url_for(user, "jellyfin")
    part_way = jellyfin_body(tmdb_id=550, completed=False)
    assert send(url, part_way, content_type="application/json").json() == {"status": "ignored"}
    assert entry(user, film) is None
    answer = send(url, jellyfin_body(tmdb_id=550), content_type="application/json")
    assert answer.status_code == 202
    seen = entry(user, film)
    assert seen is not None and seen.watched_at == datetime(2026, 12, 4, 20, 15, 31, 456789, tzinfo=UTC)


def test_jellyfin_marked_played_episode_marks_the_series_and_names_are_unescaped(user: User) -> None:
    show = TitleFactory(media_type="tv", title_en='Tom & Jerry\'s "Show"', year=2020)
    body = jellyfin_body(
        "UserDataSaved",
        item_type="Episode",
        series='Tom & Jerry\'s "Show"',
        played=True,
        completed=False,
        season=1,
        episode=2,
    )
    assert send(url_for(user, "jellyfin"), body, content_type="application/json").status_code == 202
    assert entry(user, show) is not None


# ---------------------------------------------------------------- Emby


def test_emby_playback_stop_and_mark_played(user: User) -> None:
    film, other = TitleFactory(imdb_id="tt0133093"), TitleFactory(tmdb_id=603, imdb_id=None)
    url = url_for(user, "emby")
    stopped = emby_event(provider_ids={"Imdb": "tt0133093", "Tmdb": "1"}, completed=True)
    assert send(url, stopped, content_type="application/json").status_code == 202
    assert entry(user, film) is not None
    marked = emby_event("item.markplayed", name="Other", provider_ids={"Tmdb": "603"})
    # Emby's form mode: the same JSON in a `data` field.
    assert send(url, {"data": __import__("json").dumps(marked)}).status_code == 202
    assert entry(user, other) is not None


def test_emby_stop_part_way_marks_nothing(user: User) -> None:
    film = TitleFactory(imdb_id="tt0133093")
    body = emby_event(provider_ids={"Imdb": "tt0133093"}, completed=False)
    assert send(url_for(user, "emby"), body, content_type="application/json").json() == {"status": "ignored"}
    assert entry(user, film) is None


# ---------------------------------------------------------------- what an event does to the library


def test_a_later_choice_made_here_wins_over_an_older_event(user: User) -> None:
    film = TitleFactory(imdb_id="tt0111161")
    Entry.objects.create(user=user, title=film, status=Status.LATER)
    old = int((timezone.now() - timedelta(days=3)).timestamp())
    send(url_for(user, "plex"), plex_form(plex_event(imdb_id="tt0111161", viewed_at=old)))
    assert entry(user, film).status == Status.LATER  # type: ignore[union-attr]
    event = WebhookEvent.objects.get()
    assert event.status == "unchanged" and "after the event" in event.reason


def test_a_seen_title_is_never_moved_back(user: User) -> None:
    film = TitleFactory(imdb_id="tt0111161")
    Entry.objects.create(user=user, title=film, status=Status.SEEN, rating=9)
    send(url_for(user, "plex"), plex_form(plex_event(imdb_id="tt0111161")))
    seen = entry(user, film)
    assert seen is not None and (seen.status, seen.rating) == ("seen", 9)


def test_an_unknown_title_is_listed_with_its_reason(user: User, auth_client: APIClient) -> None:
    send(url_for(user, "plex"), plex_form(plex_event(title="Home video", year=2019, imdb_id="tt0000001")))
    assert not Entry.objects.exists()
    events = auth_client.get("/me/integrations/events").json()["results"]
    assert [(e["status"], e["item"]["title"]) for e in events] == [("unmatched", "Home video")]
    assert "No title of the catalog" in events[0]["reason"]


def test_an_unknown_title_is_fetched_from_tmdb_when_a_key_is_set(user: User, fake_tmdb, fake_world) -> None:
    fake = fake_world(1)[0]
    fake_tmdb.add(fake)
    body = emby_event(name="whatever", provider_ids={"Imdb": fake.imdb_id})
    send(url_for(user, "emby"), body, content_type="application/json")
    seen = Entry.objects.select_related("title").get(user=user)
    assert (seen.title.imdb_id, seen.title.tmdb_id, seen.status) == (fake.imdb_id, fake.tmdb_id, "seen")


def test_the_last_season_rule_waits_for_the_last_season(user: User, settings) -> None:
    settings.WEBHOOK_SERIES_RULE = "last_season"
    show = TitleFactory(media_type="tv", title_en="Severance", year=2022, number_of_seasons=2)
    url = url_for(user, "plex")
    send(url, plex_form(plex_event(kind="episode", series="Severance", season=1)))
    assert entry(user, show) is None
    assert WebhookEvent.objects.get().status == "ignored"
    send(url, plex_form(plex_event(kind="episode", series="Severance", season=2, episode=4)))
    assert entry(user, show) is not None


# ---------------------------------------------------------------- safety


def test_a_body_over_the_limit_is_refused_unread(user: User, settings) -> None:
    settings.WEBHOOK_MAX_BODY_KB = 1
    body = jellyfin_body(name="x" * 2000)
    answer = send(url_for(user, "jellyfin"), body, content_type="application/json")
    assert answer.status_code == 413 and answer.json()["code"] == "request_too_large"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "content_type"),
    [
        ("plex", {"payload": "{not json"}, None),
        ("plex", {"other": "x"}, None),
        ("plex", {"payload": '{"event": "media.scrobble", "Metadata": []}'}, None),
        ("jellyfin", "{broken", "application/json"),
        ("jellyfin", '{"ItemType": "Movie"}', "application/json"),
        ("emby", '["a list"]', "application/json"),
        (
            "emby",
            '{"Event": "playback.stop", "Item": "x", "PlaybackInfo": {"PlayedToCompletion": true}}',
            "application/json",
        ),
    ],
)
def test_a_malformed_payload_is_400_with_nothing_written(user: User, kind: str, data, content_type) -> None:
    TitleFactory(imdb_id="tt0111161")
    extra = {"content_type": content_type} if content_type else {}
    answer = send(url_for(user, kind), data, **extra)
    assert answer.status_code == 400
    assert not WebhookEvent.objects.exists() and not Entry.objects.exists()


def test_every_url_is_rate_limited_on_its_own(user: User, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "webhook": "3/min"},
    }
    first, second = url_for(user, "plex"), url_for(user, "plex")
    codes = [send(first, plex_form(plex_event("media.play"))).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]
    assert send(second, plex_form(plex_event("media.play"))).status_code == 202


def test_an_unknown_token_reaches_nobody(user: User) -> None:
    url_for(user, "plex")
    assert send("/webhooks/not-a-token", plex_form(plex_event())).status_code == 404


def test_another_users_url_never_shows_or_revokes_mine(user: User) -> None:
    mine = endpoint_create(user=user, kind="plex", name="mine").endpoint
    intruder = bearer_client(UserFactory())
    assert intruder.get("/me/integrations").json()["results"] == []
    assert intruder.delete(f"/me/integrations/{mine.pk}").status_code == 404
    mine.refresh_from_db()
    assert mine.is_active
