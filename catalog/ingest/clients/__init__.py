"""The configured TMDB and OMDb clients: one of each per process and configuration, so one HTTP session
(and its pool of kept-alive connections) serves every call instead of a new session per call."""

import os
import threading
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from catalog.ingest.clients.types import OmdbClient, TmdbClient

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def _client(class_path: str, *configuration: Any) -> Any:
    """The client of this class and configuration in this process, built on first use. The process id is
    part of the key: a client built before a fork (gunicorn, Celery) is never shared with the children."""
    key = (os.getpid(), class_path, *configuration)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = import_string(class_path)()
    return client


@receiver(setting_changed)
def _forget_clients(**kwargs: Any) -> None:
    """Settings change in tests only (another fake server, timeout or rate): the next call builds anew."""
    with _clients_lock:
        stale = list(_clients.values())
        _clients.clear()
    for client in stale:
        session = getattr(client, "session", None)
        if session is not None:
            session.close()


def get_tmdb_client() -> TmdbClient:
    """The configured TMDB client (`TMDB_CLIENT_CLASS`, a dotted path read at call time, so tests can select
    another), shared by every call with the same base URL and credentials."""
    return _client(
        settings.TMDB_CLIENT_CLASS, settings.TMDB_BASE_URL, settings.TMDB_API_KEY, settings.TMDB_READ_TOKEN
    )


def tmdb_is_configured() -> bool:
    return bool(settings.TMDB_API_KEY or settings.TMDB_READ_TOKEN)


def get_omdb_client() -> OmdbClient:
    """The configured OMDb client (`OMDB_CLIENT_CLASS`, read at call time and shared like TMDB's)."""
    return _client(settings.OMDB_CLIENT_CLASS, settings.OMDB_BASE_URL, settings.OMDB_API_KEY)


def omdb_is_configured() -> bool:
    return bool(settings.OMDB_API_KEY)
