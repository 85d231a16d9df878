"""`python -m bench.load`: the options, then each phase asked for in turn; exits 1 when a check failed."""

from bench.common import arguments, prepare_database  # sets Django up (bench.load set its defaults first)

import argparse
import os
import shutil
import sys

from django.conf import settings
from django.db import connection

import bench.load
from bench.load.phases import phase_races, phase_restart, phase_throughput
from bench.load.private_cluster import restart_unavailable
from bench.load.server import Server, free_port

# The smoke run's options: every phase in seconds (see main()).
SMOKE = {
    "clients": 4,
    "seconds": 1,
    "runs": 1,
    "warm_up_seconds": 0,
    "workers": 2,
    "entries_per_user": 20,
    "race_updates": 40,
    "race_threads": 8,
    "warm_seconds": 1.0,
    "outage_seconds": 1.0,
    "after_seconds": 2.0,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=bench.load.__doc__.split("\n\n")[0]
    )
    parser.add_argument("--phase", choices=["all", "throughput", "races", "restart"], default="all")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20, help="length of one throughput run")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per scenario (best and median)")
    parser.add_argument("--scenarios", help='throughput scenarios to run, e.g. "feed (token),lists"')
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread when > 1)")
    parser.add_argument(
        "--reuse-port",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a listening socket per worker (SO_REUSEPORT), as in the Dockerfile",
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE of the server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument(
        "--generator", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    parser.add_argument(
        "--private-port", type=int, default=5477, help="port of the private cluster (restart)"
    )
    parser.add_argument("--warm-seconds", type=float, default=5, help="load before the outage (restart)")
    parser.add_argument("--outage-seconds", type=float, default=3)
    parser.add_argument("--after-seconds", type=float, default=10)
    parser.add_argument("--warm-up-seconds", type=int, default=3, help="unmeasured run before each scenario")
    parser.add_argument(
        "--entries-per-user", type=int, default=300, help="best-ranked films each user marked"
    )
    parser.add_argument("--race-updates", type=int, default=500, help="concurrent updates (races)")
    parser.add_argument("--race-threads", type=int, default=50)
    args = arguments(parser)
    if args.smoke:
        # The cache the environment has, if any; a free port for the private cluster (the test suite runs
        # in parallel, and a fixed port may be another run's).
        vars(args).update(SMOKE, redis_url=settings.REDIS_URL, private_port=free_port())

    print(
        f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"cache: {args.redis_url or 'in-process'}"
    )
    prepare_database(smoke=args.smoke)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    passed = True
    if args.phase in ("all", "throughput", "races"):
        with Server.for_options(os.environ["DATABASE_URL"], args) as server:
            mode = f"gthread, {args.threads} threads" if args.threads > 1 else "sync"
            sockets = "a socket per worker" if args.reuse_port else "one shared socket"
            print(
                f"gunicorn: {args.workers} workers ({mode}, {sockets}) on {server.url}, "
                f"CONN_MAX_AGE={args.conn_max_age}\n"
            )
            if args.phase in ("all", "throughput"):
                phase_throughput(server, args)
                print()
            if args.phase in ("all", "races"):
                passed &= phase_races(server, args)
                print()
    if args.phase in ("all", "restart"):
        cannot = restart_unavailable()
        if cannot and args.phase == "all":
            print(f"restart phase skipped: {cannot}")
        else:
            passed &= phase_restart(args)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
