"""Assistant quality bench: the evaluation table's conversations, end to end through POST /chat on the
embedded catalog, judged on what they show.

    .venv/bin/python -m bench.assistant_quality            # embedded catalog (SQLite by default)
    .venv/bin/python -m bench.assistant_quality --smoke    # a few conversations on a small catalog
    .venv/bin/python -m bench.assistant_quality --table heldout   # conversations the rules never saw

A conversation passes when its last answer has the expected intent and what it shows meets the request:
every title has one of the genres asked for, all of the required ones and none of the refused ones, is in
the years, runtimes, original languages and rating asked for, and credits the people asked for by their
whole name (the catalog's spelling, so "Miyazaki" must be Hayao Miyazaki, "Jean Reno" never Jean Renoir);
a similarity is anchored on the expected title, a bare title's search puts it first, small talk answers
with examples and no list. A request that shows nothing fails, unless nothing was to be shown. The request
is the table's `final.filters`, else the only message's own meaning; a follow-up made only of an
adjustment ("older", "plus court") is judged on the request the answer states. Prints the share of
conversations that pass by category and by language, and a turn's p50 and p95 latency.
"""

import os

os.environ.setdefault("THROTTLE_CHAT_RATE", "1000000/min")  # measured, not refused

from bench.common import api_client, arguments, prepare_database  # sets Django up

import argparse
import json
import math
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from django.db import connection

from accounts.models import User
from catalog.models import Credit, Title, person_key
from catalog.search import Query, name_relevance

ROOT = Path(__file__).resolve().parents[1]
TABLES = {
    "evaluation": ROOT / "tests" / "assistant" / "conversations.yaml",  # written alongside the rules
    "heldout": ROOT / "bench" / "data" / "assistant_heldout.yaml",  # written after, never tuned on
}
WARM_UP = ("something like Heat", "with Jean Reno", "Heat", "a comedy")
SEARCH_RELEVANCE = 0.85  # a bare title's first answer must be named at least this well
# A group's picks and where titles stream need a member's groups, country and TMDB's offers, which the
# bench's member has none of: those rows are judged by tests/assistant/test_audience.py, not here.
ACCOUNT_FIELDS = ("group", "on_my_services", "services")


def needs_account(conversation: dict[str, Any]) -> bool:
    return any(meaning.get(name) for _message, meaning in conversation["turns"] for name in ACCOUNT_FIELDS)


def conversations(table_name: str, smoke: bool) -> list[dict[str, Any]]:
    table = yaml.safe_load(TABLES[table_name].read_text(encoding="utf-8"))["conversations"]
    table = [conversation for conversation in table if not needs_account(conversation)]
    if not smoke:
        return table
    seen: set[tuple[str, str]] = set()
    picked = []
    for conversation in table:  # the first conversation of each category and language
        key = (conversation["category"], conversation["lang"])
        if key not in seen:
            seen.add(key)
            picked.append(conversation)
    return picked


def expected(conversation: dict[str, Any], answer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The intent and the request a conversation's last answer must meet."""
    final = conversation.get("final")
    if final is None:
        meaning = dict(conversation["turns"][-1][1])
        intent = meaning.pop("intent")
        fields = {"genres", "required_genres", "exclude_genres", "year_from", "year_to", "min_rating"}
        fields |= {"runtime_min", "runtime_max", "languages", "people"}
        return intent, {k: v for k, v in meaning.items() if k in fields}
    if "filters" in final:
        return final["intent"], final["filters"]
    return final["intent"], answer["filters"] | {"genres": [], "required_genres": [], "exclude_genres": []}


def meets(title: Title, request: dict[str, Any], credited: set[str]) -> bool:
    genres = {g.tmdb_id for g in title.genres.all()}
    checks = [
        not request.get("genres") or bool(genres & set(request["genres"])),
        set(request.get("required_genres", [])) <= genres,
        not genres & set(request.get("exclude_genres", [])),
        request.get("year_from") is None or (title.year or 0) >= request["year_from"],
        request.get("year_to") is None or (title.year or 9999) <= request["year_to"],
        request.get("runtime_min") is None or (title.runtime or 0) >= request["runtime_min"],
        request.get("runtime_max") is None or (title.runtime or 9999) <= request["runtime_max"],
        not request.get("languages") or title.original_language in request["languages"],
        request.get("min_rating") is None or (title.rating or 0) >= request["min_rating"],
        all(person_key(name) in credited for name in request.get("people", [])),
    ]
    return all(checks)


def judge(conversation: dict[str, Any], answer: dict[str, Any]) -> bool:
    intent, request = expected(conversation, answer)
    if answer["intent"] != intent:
        return False
    ids = [card["id"] for card in answer["results"]]
    final = conversation.get("final") or {}
    if intent == "clarify":
        return not ids and "Alien" in answer["reply"]
    if intent == "similar" and "similar_to" not in final:
        return not ids  # "something like": which title? is asked back
    if not ids:
        return False
    titles = {t.pk: t for t in Title.objects.filter(pk__in=ids).prefetch_related("genres")}
    if "query" in final:
        first = titles[ids[0]]
        return name_relevance(Query.of(final["query"]), first.search_title) >= SEARCH_RELEVANCE
    if "similar_to" in final:
        anchor = Title.objects.filter(pk=answer["filters"].get("similar_to") or 0).first()
        if anchor is None or final["similar_to"] not in (anchor.title_en, anchor.title_fr):
            return False
    credits: dict[int, set[str]] = defaultdict(set)
    for title_id, name in Credit.objects.filter(title_id__in=ids).values_list(
        "title_id", "person__search_name"
    ):
        credits[title_id].add(name)
    return all(meets(titles[pk], request, credits[pk]) for pk in ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--table", choices=sorted(TABLES), default="evaluation", help="which conversations")
    options = arguments(parser)
    smoke = options.smoke
    prepare_database(smoke=smoke)
    user, _ = User.objects.get_or_create(username="bench-chat-quality", defaults={"email": "bq@example.org"})
    client = api_client(user)
    for message in WARM_UP:  # the process's search and person indexes are built once, not in a measured turn
        client.post("/chat", json.dumps({"message": message}), content_type="application/json")
    latencies: list[float] = []
    slowest: list[tuple[float, str]] = []
    passed: dict[tuple[str, str], list[bool]] = defaultdict(list)
    failures: list[str] = []
    for conversation in conversations(options.table, smoke):
        session: int | None = None
        answer: dict[str, Any] = {}
        for message, _meaning in conversation["turns"]:
            body = {"message": message, **({"session_id": session} if session else {})}
            started = time.perf_counter()
            response = client.post(
                "/chat", json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=""
            )
            latencies.append((time.perf_counter() - started) * 1000)
            slowest.append((latencies[-1], message))
            assert response.status_code == 200, response.content
            answer = response.json()
            session = answer["session_id"]
        ok = judge(conversation, answer)
        passed[(conversation["category"], conversation["lang"])].append(ok)
        if not ok:
            failures.append(" / ".join(m for m, _ in conversation["turns"]))
    print(
        f"database: {connection.vendor}; {sum(map(len, passed.values()))} conversations, {len(latencies)} turns"
    )
    categories = sorted({c for c, _ in passed})
    print(f"{'category':<12} {'en':>12} {'fr':>12} {'all':>12}")
    for category in categories:
        cells = []
        for languages in (("en",), ("fr",), ("en", "fr")):
            results = [r for lang in languages for r in passed.get((category, lang), [])]
            cells.append(f"{sum(results)}/{len(results)}" if results else "-")
        print(f"{category:<12} {cells[0]:>12} {cells[1]:>12} {cells[2]:>12}")
    share = {}
    for language in ("en", "fr"):
        results = [r for (_c, lang), rs in passed.items() if lang == language for r in rs]
        share[language] = sum(results) / len(results) if results else 0.0
    everything = [r for rs in passed.values() for r in rs]
    latencies.sort()
    p95 = latencies[math.ceil(len(latencies) * 0.95) - 1]
    for elapsed, message in sorted(slowest, reverse=True)[:5]:
        print(f"  slowest: {elapsed:6.1f} ms  {message}")
    for failure in failures:
        print(f"  failed: {failure}")
    print(
        f"summary: conversations meeting the request {sum(everything) / len(everything):.3f} "
        f"(en {share['en']:.3f}, fr {share['fr']:.3f}); turn p50 {statistics.median(latencies):.1f} ms "
        f"p95 {p95:.1f} ms"
    )


if __name__ == "__main__":
    main()
