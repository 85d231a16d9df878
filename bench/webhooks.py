"""The webhook receiver's throughput, and the worker's: events a second on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_webhooks REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python -m bench.webhooks
    .venv/bin/python -m bench.webhooks --smoke

1. The receiver: distinct Plex scrobbles (multipart, a film of the catalog each) posted one after another to one
   URL through Django's test client (no network), each answered 202 with its task queued (to Redis when
   REDIS_URL is set; without it the embedded mode's background threads share the process, so the figure is
   lower). The per-URL throttle is lifted for the run.
2. The work: the queued events applied one after another in this process, as one worker would (matched by
   IMDb id, written as a history import row).
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import json
import time

from django.conf import settings
from django.test import Client

from accounts.models import User
from catalog.models import MediaType, Title
from integrations.models import WebhookEvent
from integrations.services import endpoint_create, webhook_event_process
from library.models import Entry


def main() -> None:
    args = arguments()
    prepare_database(smoke=args.smoke)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "webhook": None},
    }
    settings.EAGER_TASKS_IN_BACKGROUND = True
    films = list(
        Title.objects.filter(media_type=MediaType.MOVIE, imdb_id__isnull=False)
        .order_by("pk")
        .values_list("imdb_id", "title_en", "year")[:1000]
    )
    count = 20 if args.smoke else 500  # the films again when fewer: each play is its own event
    User.objects.filter(username="bench-webhooks").delete()
    user = User.objects.create_user(username="bench-webhooks", email="bench-webhooks@example.org")
    url = f"/webhooks/{endpoint_create(user=user, kind='plex', name='bench').token}"
    client = Client(HTTP_HOST="localhost")
    queued_to = "Redis" if settings.REDIS_URL else "in-process threads"

    started = time.perf_counter()
    client.post(url, {"payload": "{}"})  # the first request's one-time costs (imports, connections) aside
    for i in range(count):
        imdb_id, title, year = films[i % len(films)]
        payload = {
            "event": "media.scrobble",
            "Account": {"id": 1, "title": "bench"},
            "Metadata": {
                "type": "movie",
                "title": title,
                "year": year,
                "Guid": [{"id": f"imdb://{imdb_id}"}],
                "lastViewedAt": 1764000000 + i,
            },
        }
        answer = client.post(url, {"payload": json.dumps(payload)})
        assert answer.status_code == 202, answer.content
    received = time.perf_counter() - started
    print(
        f"receiver: {count} events in {received:.2f} s = {count / received:.0f} events/s "
        f"(202 each, tasks queued to {queued_to}, {connection_vendor()})"
    )

    if not settings.REDIS_URL:
        time.sleep(1)  # the in-process threads finish what they took
    pending = list(
        WebhookEvent.objects.filter(endpoint__user=user, status="pending").values_list("pk", flat=True)
    )
    started = time.perf_counter()
    for pk in pending:
        webhook_event_process(event_id=pk)
    worked = time.perf_counter() - started
    if pending:
        print(
            f"worker: {len(pending)} events applied in {worked:.2f} s = {len(pending) / worked:.0f} events/s"
        )
    seen = Entry.objects.filter(user=user).count()
    print(f"summary: {seen} of {min(count, len(films))} films marked seen")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
