"""Test settings: the same environment-driven settings, with fast hashing and a private cache."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-with-enough-length-for-hmac-sha256")
# The suite and the fuzzer send many requests from one address: throttle tests set small rates themselves.
os.environ.setdefault("THROTTLE_ANON_RATE", "100000/min")
os.environ.setdefault("THROTTLE_USER_RATE", "100000/min")
os.environ.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", "0")  # tests change the catalog between requests

from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
# pytest-xdist runs the suite in processes gw0, gw1… (PYTEST_XDIST_WORKER). Each needs a Redis database of
# its own, not a key prefix: every test's cache.clear() flushes the whole database, a worker's broker queue
# and throttle counters with it. Worker n takes the database REDIS_URL names minus 3n; the two below are
# its benches' and its stack test's (tests/workers.py). Five workers fit in Redis's 16 databases.
REDIS_DATABASES_PER_WORKER = 3
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and XDIST_WORKER:
    _redis = urlsplit(REDIS_URL)
    _database = int(_redis.path.strip("/") or 0) - REDIS_DATABASES_PER_WORKER * int(XDIST_WORKER.lstrip("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_database % 16}"))
    CACHES["default"]["LOCATION"] = REDIS_URL
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
if REDIS_URL:
    # Tests share one Redis with a worker; a prefix keeps their keys apart from a running app's.
    CACHES["default"]["KEY_PREFIX"] = "test"
# Tasks run in-process unless a test starts a real worker (tests/core/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
SEARCH_INDEX_RECHECK_SECONDS = 0.0  # every test builds its own catalog
EAGER_TASKS_IN_BACKGROUND = False  # a test sees the result of the work it caused
# Provider retries without the production waits (tests of Retry-After raise the cap themselves).
HTTP_RETRY_BACKOFF_SECONDS = 0.01
HTTP_RETRY_AFTER_MAX_SECONDS = 0.05
