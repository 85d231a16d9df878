"""Test settings: the same environment-driven settings, with fast hashing and a private cache."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-with-enough-length-for-hmac-sha256")
# The suite and the fuzzer send many requests from one address: throttle tests set small rates themselves.
os.environ.setdefault("THROTTLE_ANON_RATE", "100000/min")
os.environ.setdefault("THROTTLE_USER_RATE", "100000/min")
os.environ.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", "0")  # tests change the catalog between requests

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
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
