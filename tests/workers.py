"""What each pytest-xdist worker keeps to itself when the suite runs in parallel (`pytest -n 2`), and in
what order tests are handed out.

pytest-django gives each worker its own test database (test_<name>_gw0, _gw1…) and the test settings its
own Redis database (moviesyoudidntwatch/settings/test.py). The databases tests create beside those (the
benches', the stack's, `make serve`'s) take the worker's id here, and their Redis databases are the two
below the worker's own. Temporary folders come from pytest's tmp_path (a folder per worker) and ports are
picked free (tests/core/test_stack.py's free_port), never fixed.

Order: pytest-django runs transactional tests after all others, because the flush after each one empties
the database of what migrations put there (the beat schedule's tasks). Each worker keeps that order here:
`--dist loadfile` gives a file's tests to one worker (its module fixtures are built once), but a file's
transactional tests are a unit of their own, handed out after every non-transactional one.
"""

import os
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from xdist.scheduler import LoadFileScheduling

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1… under `pytest -n`; empty when serial
BENCH_REDIS_OFFSET = 1
STACK_REDIS_OFFSET = 2
# The files that take longest (a catalog load, the stack, the benches, `make serve`), longest first: handed
# out before the rest (their non-transactional tests), they do not leave one worker finishing a catalog load
# at the end while the other waits.
LONGEST_FIRST = (
    "tests/catalog/test_real_catalog.py",
    "tests/recommendations/test_real_catalog.py",
    "tests/core/test_stack.py",
    "tests/core/test_benches.py",
    "tests/core/test_make_run.py",
    "tests/web/test_layout.py",  # every page in a browser, six times over
)


def own_name(name: str) -> str:
    """A database name of this worker's own: myw_stack_test_gw1 (the name itself when serial)."""
    return f"{name}_{WORKER}" if WORKER else name


def own_redis_url(offset: int) -> str:
    """The Redis database `offset` below the worker's own (settings.REDIS_URL, which must be set)."""
    url = urlsplit(settings.REDIS_URL)
    return urlunsplit(url._replace(path=f"/{(int(url.path.strip('/') or 0) - offset) % 16}"))


def transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test in a transactional database (flushed after it)."""
    marker = item.get_closest_marker("django_db")
    if marker and (
        marker.args[:1] == (True,) or any(marker.kwargs.get(k) for k in ("transaction", "reset_sequences"))
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)  # after pytest-django's own order (transactional tests last)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, the longest files' non-transactional tests first; a serial run keeps pytest-django's
    order."""
    if WORKER:
        rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
        rest = len(rank)  # in pytest-django's order
        items.sort(
            key=lambda item: rest if transactional(item) else rank.get(item.nodeid.split("::")[0], rest)
        )


class FileRunScheduling(LoadFileScheduling):
    """`--dist loadfile`, where a unit is a file's run of consecutive tests in the collection: a file whose
    transactional tests pytest-django moved to the end is two units, handed out in the collection's order
    (`--no-loadscope-reorder`), so no worker runs a non-transactional test after a transactional one."""

    def _split_scope(self, nodeid: str) -> str:
        if not getattr(self, "scopes", None):
            self.scopes: dict[str, str] = {}
            runs: Counter[str] = Counter()
            previous = ""
            for test in self.collection or ():
                path = test.split("::", 1)[0]
                if path != previous:
                    runs[path] += 1
                self.scopes[test], previous = f"{path}#{runs[path]}", path
        return self.scopes[nodeid]


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own (the hook takes the first answer)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadFileScheduling | None:
    return FileRunScheduling(config, log) if config.getvalue("dist") == "loadfile" else None
