"""Load test: gunicorn on 127.0.0.1 against PostgreSQL, driven by 32 concurrent keep-alive clients.

    .venv/bin/python -m bench.load                          # every phase below
    .venv/bin/python -m bench.load --phase throughput --runs 3
    .venv/bin/python -m bench.load --phase races
    .venv/bin/python -m bench.load --phase restart          # root: starts its own PostgreSQL cluster
    .venv/bin/python -m bench.load --smoke                  # every phase in seconds: 4 clients, 1 s runs

Phases:

- throughput: the discovery feed (POST /movies/search-by-filters, with a token, so the caller's titles
  are excluded; and anonymously), status updates and the lists, each for `--seconds` with `--clients`
  connections; req/s, p50/p95/p99 and errors. The load comes from wrk when it is installed (`apt-get
  install wrk`; it costs a few percent of a core), else from Python threads. The CPU that the load
  generator, gunicorn and the whole machine used is printed, to show what the bottleneck is.
- races: 500 status updates from 50 threads at once, half of them on five (user, title) pairs with
  conflicting statuses; then the database is checked: no duplicate rows, no lost update.
- restart: a private PostgreSQL cluster (initdb in a temporary folder, `--private-port`, never the shared
  server) behind a second gunicorn; under load it is stopped for `--outage-seconds` and started again.
  Counts the 503s and 500s and the seconds until requests succeed again, with no action on the app.

The bench database (`DATABASE_URL`, default myw_bench_load on the local server) is migrated and loaded
with the embedded catalog when empty. The server shares `--redis-url` (default Redis database 11) as its
cache, so the throttles count across workers as in production; their rates are raised so that the load
is measured, not refused.

`--smoke` runs the same phases on tiny sizes against whatever the environment has: SQLite works (each
gunicorn process then counts for itself), the cache is `REDIS_URL` or in-process, and the restart phase
runs only where it can (PostgreSQL, root, PostgreSQL's own binaries), else it says why it is skipped.

Modules: `server` (gunicorn and the CPU it uses), `private_cluster` (the restart phase's own PostgreSQL),
`workload` (routes, bodies, users and their entries), `clients` (wrk and the thread load generator),
`report` (one run's figures), `phases` (throughput, races, restart), `__main__` (options, the phases in turn).
"""

import os
import secrets

# Before any submodule imports bench.common, which sets Django up from the environment.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/myw_bench_load")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))  # shared with the server: tokens
