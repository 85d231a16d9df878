"""End to end through the real broker: a webhook from Plex, Jellyfin and Emby, answered 202 at once, is
applied by a Celery worker consuming through Redis, and the title is gone from everything that suggests titles
to that user: the feed, keyword search, similar titles, For you and the assistant."""

import json
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Title, TitleNeighbour
from integrations.models import WebhookEvent
from integrations.services import endpoint_create
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import UserFactory
from tests.fakes.mediaservers import emby_event, jellyfin_body, plex_event, plex_form

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def applied(event_count: int, timeout: float = 60) -> list[WebhookEvent]:
    """Wait for the worker to have processed `event_count` events (the HTTP answer came before the work)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            events = list(WebhookEvent.objects.order_by("pk"))
        except OperationalError:  # SQLite's table lock while the worker writes (CI runs PostgreSQL)
            events = []
        if len(events) == event_count and all(e.status != WebhookEvent.State.PENDING for e in events):
            return events
        time.sleep(0.1)
    raise AssertionError(f"the worker did not process {event_count} events in {timeout} s")


def suggested(client: APIClient, title: Title, anchor: Title) -> dict[str, bool]:
    """Whether each surface offers `title` to this client as a title they have not watched. Keyword search
    finds any title by its name (a lookup, not a suggestion): there it counts when not marked seen."""
    prefix = "movies" if title.media_type == "movie" else "tvshows"
    feed = client.post(f"/{prefix}/search-by-filters?page_size=100", {}, format="json").json()
    search = client.post(f"/{prefix}/search-by-keywords", {"query": title.title_en}, format="json").json()
    similar = client.get(f"/{prefix}/{anchor.pk}/similar?page_size=100").json()
    for_you = client.get("/me/recommendations?page_size=100").json()
    ids = lambda body: {card["id"] for card in body["results"]}  # noqa: E731
    chat = client.post("/chat", {"message": "crime movies"}, format="json").json()
    return {
        "feed": title.pk in ids(feed),
        "search": any(c["id"] == title.pk and c["user_status"] != "seen" for c in search["results"]),
        "similar": title.pk in ids(similar),
        "for_you": title.pk in ids(for_you),
        "assistant": title.pk in ids(chat),
    }


SENDERS: dict[str, Callable[[Title], tuple[object, dict]]] = {
    "plex": lambda t: (plex_form(plex_event(imdb_id=t.imdb_id, title=t.title_en, year=t.year)), {}),
    "jellyfin": lambda t: (
        jellyfin_body(name=t.title_en, year=t.year, imdb_id=t.imdb_id or ""),
        {"content_type": "application/json"},
    ),
    "emby": lambda t: (
        json.dumps(emby_event(name=t.title_en, year=t.year, provider_ids={"Imdb": t.imdb_id or ""})),
        {"content_type": "application/json"},
    ),
}


@pytest.mark.parametrize("kind", sorted(SENDERS))
def test_a_webhook_removes_the_title_everywhere_through_a_real_worker(
    kind: str, catalog: dict[str, Title], worker: None
) -> None:
    user: User = UserFactory()
    client = bearer_client(user)
    anchor, target = catalog["Heat"], catalog["The Godfather"]
    for rank, neighbour in enumerate(("The Godfather", "Pulp Fiction", "La Haine")):  # TMDB's list for Heat
        TitleNeighbour.objects.create(
            title=anchor, neighbour=catalog[neighbour], kind=TitleNeighbour.Kind.TMDB, score=1 - rank / 3
        )
    before = suggested(client, target, anchor)
    assert all(before.values()), before  # offered everywhere until the server says it was watched

    token = endpoint_create(user=user, kind=kind, name=kind).token
    data, extra = SENDERS[kind](target)
    started = time.perf_counter()
    answer = Client().post(f"/webhooks/{token}", data, **extra)
    answered_ms = (time.perf_counter() - started) * 1000
    assert answer.status_code == 202 and answer.json() == {"status": "queued"}
    assert answered_ms < 2000  # answered before the work, which the worker does

    [event] = applied(1)
    assert (event.status, event.title_id) == ("applied", target.pk)
    assert Entry.objects.get(user=user, title=target).status == Status.SEEN
    after = suggested(client, target, anchor)
    assert not any(after.values()), after
