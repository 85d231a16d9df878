"""Read-only checks of the infrastructure the app depends on."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: str  # "ok" | "down"
    broker: str  # "ok" | "eager" | "down"

    @property
    def is_healthy(self) -> bool:
        return self.database == "ok"


def health_check() -> Health:
    return Health(database=_database_status(), broker=_broker_status())


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: database unreachable", exc_info=True)
        return "down"
    return "ok"


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from celery import current_app  # the project's app (moviesyoudidntwatch/celery.py), which core sits under

    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport failure means "down"; kombu raises many types
        logger.warning("Health check: broker unreachable", exc_info=True)
        return "down"
    return "ok"
