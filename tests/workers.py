"""What each pytest-xdist worker keeps to itself when the suite runs in parallel (`pytest -n 2`), and which
tests are handed out first.

pytest-django gives each worker its own test database (test_<name>_gw0, _gw1…) and the test settings its
own Redis database (moviesyoudidntwatch/settings/test.py). The databases tests create beside those (the
benches', the stack's, `make serve`'s) take the worker's id here, and their Redis databases are the two
below the worker's own. Temporary folders come from pytest's tmp_path (a folder per worker) and ports are
picked free (tests/core/test_stack.py's free_port), never fixed.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1… under `pytest -n`; empty when serial
BENCH_REDIS_OFFSET = 1
STACK_REDIS_OFFSET = 2
# `--dist loadfile` gives a file's tests to one worker (its module fixtures are built once). These files
# take longest (a catalog load, the stack, the benches…), longest first: handed out before the rest, they
# do not leave one worker finishing a catalog load at the end while the other waits.
LONGEST_FIRST = (
    "tests/catalog/test_real_catalog.py",
    "tests/recommendations/test_real_catalog.py",
    "tests/core/test_stack.py",
    "tests/core/test_benches.py",
    "tests/core/test_make_run.py",
    "tests/web/test_browser.py",
)


def own_name(name: str) -> str:
    """A database name of this worker's own: myw_stack_test_gw1 (the name itself when serial)."""
    return f"{name}_{WORKER}" if WORKER else name


def own_redis_url(offset: int) -> str:
    """The Redis database `offset` below the worker's own (settings.REDIS_URL, which must be set)."""
    url = urlsplit(settings.REDIS_URL)
    return urlunsplit(url._replace(path=f"/{(int(url.path.strip('/') or 0) - offset) % 16}"))


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering (database tests first)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, the longest files first (the scheduler keeps the collection's order: see pyproject.toml's
    `--no-loadscope-reorder`); a serial run keeps pytest-django's order."""
    if WORKER:
        rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
