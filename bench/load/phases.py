"""The three phases: throughput (req/s and latencies per scenario), races (concurrent updates of the same
entries, then the database checked) and restart (the database stopped and started under load)."""

import bench.common  # noqa: F401 - sets Django up before the models are imported

import argparse
import os
import random
import threading
import time
from collections import Counter

import requests
from django.db.models import Count

from accounts.services import tokens_issue
from bench.load.clients import Call, run_threads, run_wrk
from bench.load.private_cluster import PrivateCluster
from bench.load.report import Result, print_summary
from bench.load.server import Server
from bench.load.workload import FEED, FEED_BODIES, STATUSES, UPDATE, bench_users, give_entries, movie_ids
from library.models import Entry, Status


def phase_throughput(server: Server, args: argparse.Namespace) -> dict[str, list[Result]]:
    """Each scenario for `--runs` runs of `--seconds`, after an unmeasured warm-up, from `--clients` clients."""
    users = bench_users("load", args.clients)
    give_entries(users, args.entries_per_user)
    tokens = [tokens_issue(user=u).access for u in users]
    ids = movie_ids()
    rng = random.Random(7)
    feed = [Call("POST", FEED, body) for body in FEED_BODIES]
    scenarios = {
        "feed (token)": (feed, tokens),
        "feed (anonymous)": (feed, []),
        "status updates": (
            [
                Call("POST", UPDATE, {"title_id": rng.choice(ids), "status": rng.choice(STATUSES)})
                for _ in range(4000)
            ],
            tokens,
        ),
        "lists": (
            [
                Call("GET", f"/me/movies/{name}?page={page}")
                for name in ("seen", "towatchlater", "hidden")
                for page in (1, 2, 3)
            ],
            tokens,
        ),
    }
    if args.scenarios:
        scenarios = {name: scenarios[name] for name in args.scenarios.split(",")}
    run = run_wrk if args.generator == "wrk" else run_threads
    print(f"load generator: {args.generator}, {args.clients} connections, {args.seconds} s a run")
    results: dict[str, list[Result]] = {name: [] for name in scenarios}
    for name, (calls, scenario_tokens) in scenarios.items():
        if args.warm_up_seconds:
            run(
                server,
                f"{name} (warm-up)",
                calls,
                scenario_tokens,
                clients=args.clients,
                seconds=args.warm_up_seconds,
            )
        for _ in range(args.runs):
            result = run(server, name, calls, scenario_tokens, clients=args.clients, seconds=args.seconds)
            print(result.line(), flush=True)
            results[name].append(result)
    print_summary(results)
    return results


def phase_races(server: Server, args: argparse.Namespace) -> bool:
    """500 updates at once from 50 threads; half on five (user, title) pairs with conflicting statuses."""
    users = bench_users("race", 10)
    Entry.objects.filter(user__in=users).delete()
    tokens = {u.pk: tokens_issue(user=u).access for u in users}
    rng = random.Random(11)
    contested = args.race_updates // 2
    single = args.race_updates - contested
    titles = rng.sample(movie_ids(), 5 + single)
    hot_pairs = [(users[k].pk, titles[k]) for k in range(5)]
    plan: list[tuple[int, int, str, int | None]] = []  # user, title, status, rating
    for i in range(contested):
        user_id, title_id = hot_pairs[i % 5]
        status = rng.choice(STATUSES)
        plan.append((user_id, title_id, status, rng.randint(1, 10) if status == Status.SEEN else None))
    for i in range(single):
        status = rng.choice(STATUSES)
        rating = rng.randint(1, 10) if status == Status.SEEN and i % 2 else None
        plan.append((users[5 + i % 5].pk, titles[5 + i], status, rating))
    rng.shuffle(plan)

    threads = args.race_threads
    barrier = threading.Barrier(threads)
    answers: list[tuple[tuple, int, dict]] = []
    lock = threading.Lock()

    def client(share: list[tuple[int, int, str, int | None]]) -> None:
        session = requests.Session()
        barrier.wait()  # every thread starts at once
        for user_id, title_id, status, rating in share:
            body = {"title_id": title_id, "status": status, **({"rating": rating} if rating else {})}
            response = session.post(
                server.url + UPDATE, json=body, headers={"Authorization": f"Bearer {tokens[user_id]}"}
            )
            with lock:
                answers.append(((user_id, title_id, status, rating), response.status_code, response.json()))
        session.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(plan[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started

    codes = Counter(code for _, code, _ in answers)
    rows = {(e.user_id, e.title_id): e for e in Entry.objects.filter(user__in=users)}
    duplicates = list(
        Entry.objects.filter(user__in=users).values("user", "title").annotate(n=Count("pk")).filter(n__gt=1)
    )
    wrong_answers = [
        sent
        for sent, code, body in answers
        if code == 200 and not _as_sent(sent, body["status"], body["rating"])
    ]
    lost = []
    for sent in plan:
        if sent[:2] in hot_pairs:
            continue
        row = rows.get(sent[:2])
        if row is None or not _as_sent(sent, row.status, row.rating):
            lost.append((sent, row and (row.status, row.rating)))
    print(
        f"{len(answers)} concurrent status updates from {threads} threads in {elapsed:.1f} s: {dict(codes)}"
    )
    print(f"  rows for the 5 contested pairs and {single} single ones: {len(rows)} (expected {5 + single})")
    print(f"  duplicate (user, title) rows: {len(duplicates)}")
    print(f"  single updates missing or different in the database: {len(lost)}")
    print(f"  answers reporting another status or rating than the one sent: {len(wrong_answers)}")
    contested_ok = True
    for pair in hot_pairs:
        mine = [body for a, code, body in answers if code == 200 and (a[0], a[1]) == pair]
        latest = max(mine, key=lambda body: body["updated_at"])
        last_writes = {(b["status"], b["rating"]) for b in mine if b["updated_at"] == latest["updated_at"]}
        row = rows.get(pair)
        in_db = (row.status, row.rating) if row else None
        ok = last_writes == {in_db}
        contested_ok &= ok
        print(
            f"  contested pair user {pair[0]}, title {pair[1]}: {len(mine)} updates, last acknowledged "
            f"{sorted(last_writes)} at {latest['updated_at']}, database {in_db} -> {'same' if ok else 'LOST UPDATE'}"
        )
    passed = (
        codes == {200: len(plan)}
        and len(rows) == 5 + single
        and not duplicates
        and not lost
        and not wrong_answers
        and contested_ok
    )
    print(f"  {'PASS' if passed else 'FAIL'}: no duplicates, no lost updates")
    return passed


def _as_sent(sent: tuple[int, int, str, int | None], status: str, rating: int | None) -> bool:
    """Whether a status and rating are what this update asked for (no rating sent keeps the old one)."""
    _user, _title, sent_status, sent_rating = sent
    if status != sent_status:
        return False
    if status != Status.SEEN:
        return rating is None
    return sent_rating is None or rating == sent_rating


def phase_restart(args: argparse.Namespace) -> bool:
    """Stop the database under load, start it again, and watch the app answer 503s and then recover."""
    users = bench_users("load", 16)
    tokens = [tokens_issue(user=u).access for u in users]
    ids = movie_ids()
    with PrivateCluster(port=args.private_port) as cluster:
        print(
            f"private PostgreSQL cluster in {cluster.directory} on port {cluster.port}; copying the bench database"
        )
        cluster.copy_database(os.environ["DATABASE_URL"], "myw_bench_load")
        with Server.for_options(cluster.url("myw_bench_load"), args) as server:
            return _restart_under_load(server, cluster, tokens, ids, args)


def _restart_under_load(
    server: Server, cluster: PrivateCluster, tokens: list[str], ids: list[int], args: argparse.Namespace
) -> bool:
    log: list[tuple[float, str, int | str]] = []  # (time, route, status code or transport error)
    lock = threading.Lock()
    stop = threading.Event()
    origin = time.monotonic()

    def client(index: int) -> None:
        session = requests.Session()
        rng = random.Random(index)
        headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
        while not stop.is_set():
            route = ("feed", "update", "list")[rng.randrange(3)]
            try:
                if route == "feed":
                    response = session.post(
                        server.url + FEED, json=rng.choice(FEED_BODIES), headers=headers, timeout=30
                    )
                elif route == "update":
                    body = {"title_id": rng.choice(ids), "status": rng.choice(STATUSES)}
                    response = session.post(server.url + UPDATE, json=body, headers=headers, timeout=30)
                else:
                    response = session.get(server.url + "/me/movies/seen", headers=headers, timeout=30)
                outcome: int | str = response.status_code
                if outcome == 503 and "Retry-After" not in response.headers:
                    outcome = "503 without Retry-After"
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with lock:
                log.append((time.monotonic() - origin, route, outcome))

    workers = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for worker in workers:
        worker.start()
    time.sleep(args.warm_seconds)
    went_down = time.monotonic() - origin
    cluster.pg_ctl("stop", "-m", "fast")
    stopped = time.monotonic() - origin
    time.sleep(args.outage_seconds)
    cluster.pg_ctl("start")
    back_up = time.monotonic() - origin
    time.sleep(args.after_seconds)
    stop.set()
    for worker in workers:
        worker.join()

    with lock:
        entries = sorted(log)
    before = [o for t, _, o in entries if t < went_down]
    during = [o for t, _, o in entries if went_down <= t < back_up]
    after = [(t, o) for t, _, o in entries if t >= back_up]
    failures_after = [t for t, o in after if o != 200]
    first_ok = next((t for t, o in after if o == 200), None)
    last_failure = max(failures_after, default=back_up)
    all_outcomes = Counter(o for _, _, o in entries)
    print(
        f"{args.clients} clients (feed, status updates, lists); database stopped at {went_down:.1f} s "
        f"(down at {stopped:.1f} s), started again at {back_up:.1f} s, load until {back_up + args.after_seconds:.1f} s"
    )
    print(f"  before the stop:        {dict(Counter(before))}")
    print(f"  while stopped/starting: {dict(Counter(during))}")
    print(f"  after it was back:      {dict(Counter(o for _, o in after))}")
    print(f"  503 answers in all: {all_outcomes.get(503, 0)}; 500 answers: {all_outcomes.get(500, 0)}")
    recovered = first_ok is not None and all(o == 200 for t, o in after if t > last_failure)
    print(
        f"  first success {first_ok - back_up:.2f} s after the database was back; last failure "
        f"{last_failure - back_up:.2f} s after it; every request succeeded from then on: {recovered}"
        if first_ok is not None
        else "  NO request succeeded after the database came back"
    )
    unexpected = {o for o in all_outcomes if o not in (200, 503)}
    passed = recovered and all_outcomes.get(500, 0) == 0 and not unexpected and all_outcomes.get(503, 0) > 0
    print(
        f"  {'PASS' if passed else 'FAIL'}: 503s during the outage, no 500, recovery without any action"
        + (f"; unexpected outcomes: {unexpected}" if unexpected else "")
    )
    return passed
