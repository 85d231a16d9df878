"""Many parallel status updates for one title, on PostgreSQL with real threads and connections."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.services import tokens_issue
from library.models import Entry
from tests.factories import TitleFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL (CI)")


def _run_in_parallel(bodies: list[dict], token: str) -> list[int]:
    barrier = threading.Barrier(len(bodies))

    def call(body: dict) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()  # all requests leave together
        try:
            return client.post("/me/movies/update_status", body, format="json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(call, bodies))


def test_parallel_identical_updates_make_one_row() -> None:
    user, title = UserFactory(), TitleFactory()
    statuses = _run_in_parallel(
        [{"title_id": title.pk, "status": "seen", "rating": 8}] * 16, tokens_issue(user=user).access
    )
    assert statuses == [200] * 16
    entry = Entry.objects.get(user=user, title=title)
    assert (entry.status, entry.rating) == ("seen", 8)


def test_parallel_conflicting_updates_end_in_one_of_the_requested_states() -> None:
    user, title = UserFactory(), TitleFactory()
    bodies = [
        {"title_id": title.pk, "status": "seen", "rating": 1 + i % 10}
        if i % 3 == 0
        else {"title_id": title.pk, "status": "later" if i % 3 == 1 else "hidden"}
        for i in range(24)
    ]
    statuses = _run_in_parallel(bodies, tokens_issue(user=user).access)
    assert statuses == [200] * 24
    entries = list(Entry.objects.filter(user=user, title=title))
    assert len(entries) == 1
    final = entries[0]
    requested = {(b["status"], b.get("rating")) for b in bodies}
    assert (final.status, final.rating) in requested  # no torn write: status and rating from one request


def test_parallel_updates_of_many_titles_lose_none() -> None:
    user = UserFactory()
    titles = [TitleFactory() for _ in range(20)]
    statuses = _run_in_parallel(
        [{"title_id": t.pk, "status": "later"} for t in titles], tokens_issue(user=user).access
    )
    assert statuses == [200] * 20
    assert Entry.objects.filter(user=user, status="later").count() == 20
