"""What every benchmark shares: Django set up from the environment, a migrated database, percentiles."""

import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moviesyoudidntwatch.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "true")
django.setup()

from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.services import tokens_issue


def prepare_database() -> None:
    """Migrate, import genres and load the embedded catalog when the database is empty."""
    call_command("migrate", verbosity=0)
    call_command("import_genres", "--offline", verbosity=0)
    call_command("load_catalog", "--if-empty", "--no-progress", verbosity=0)


def api_client(user: User) -> Client:
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access}")


def percentiles(call: Callable[[], object], n: int = 50) -> tuple[float, float]:
    """p50 and p95 of `n` calls, in milliseconds."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]
