"""Assistant benchmark: p95 of a chat turn with the offline interpreter, through the full stack.

    .venv/bin/python -m bench.assistant                              # embedded default (SQLite)
    DATABASE_URL=postgres://… .venv/bin/python -m bench.assistant
    .venv/bin/python -m bench.assistant --smoke                      # 2 calls a turn on a small catalog

Each conversation is five turns (a request, two refinements, a similarity, a reset) in English or French.
"""

import os

os.environ.setdefault("THROTTLE_CHAT_RATE", "100000/min")  # measured, not refused

from bench.common import api_client, arguments, percentiles, prepare_database  # sets Django up

import json

from django.db import connection

from accounts.models import User
from catalog.ingest.similarity import neighbours_rebuild
from catalog.models import TitleNeighbour

CONVERSATIONS = [
    [
        "a funny French film from the 90s",
        "only well rated ones",
        "shorter",
        "more like the second one",
        "something else entirely: a western",
    ],
    ["un polar des années 70", "pas d'horreur", "plus récent", "comme Heat", "autre chose"],
    ["something like Alien", "but from the 80s", "more", "by Kubrick", "start over"],
]


def main() -> None:
    smoke = arguments().smoke
    calls = 2 if smoke else 20
    prepare_database(smoke=smoke)
    if not TitleNeighbour.objects.exists():
        neighbours_rebuild()
    user, _ = User.objects.get_or_create(username="bench-chat", defaults={"email": "bench-chat@example.org"})
    client = api_client(user)
    print(f"database: {connection.vendor}")
    for conversation in CONVERSATIONS:
        session: dict[str, int] = {}

        def turn(message: str, session: dict[str, int] = session) -> None:
            body = {"message": message, **({"session_id": session["id"]} if session else {})}
            response = client.post("/chat", json.dumps(body), content_type="application/json")
            assert response.status_code == 200, response.content
            session["id"] = response.json()["session_id"]

        for message in conversation:
            p50, p95 = percentiles(lambda m=message: turn(m), n=calls)
            print(f"{message!r:<42} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
