"""Idempotency keys: a POST retried with the same key within 24 hours gets the first answer again instead of
being run twice (a second chat turn, a second import).

A request claims its (user, route, key) by inserting a row; the database's unique constraint lets one
request of any number sent at once win, and the others see the winner's row: its answer once it has one,
"in progress" until then, or a refusal when they asked for something else under the same key.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import IdempotencyRecord

KEPT_FOR = timedelta(hours=24)
# A claim with no answer after this long belongs to a request that died (a killed worker): the key is free.
ABANDONED_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(Exception):
    """The key was used for a different request (another body, another file)."""


class IdempotencyKeyInProgress(Exception):
    """The key's first request has not been answered yet."""


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: Any
    headers: dict[str, str]


def idempotency_key_is_valid(key: str) -> bool:
    """1 to 255 printable ASCII characters (space to tilde)."""
    return 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def fingerprint_of(*parts: object) -> str:
    """SHA-256 of what a request asks for: bytes as they are, anything else as canonical JSON."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = json.dumps(part, sort_keys=True, separators=(",", ":"), default=str).encode()
        digest.update(hashlib.sha256(data).digest())  # each part hashed first: no ambiguity between parts
    return digest.hexdigest()


def idempotency_claim(*, user_id: int, route: str, key: str, fingerprint: str) -> int | StoredAnswer:
    """Claim `key` for this request: the id of the claim (answer the request, then store its answer with
    `idempotency_answer_store`), or the answer already given under the key (send it again).

    Raises IdempotencyKeyReused when the key was used for another request, IdempotencyKeyInProgress while
    its first request is still running. Expired rows (and abandoned claims) are ignored and replaced.
    """
    now = timezone.now()
    same_key = IdempotencyRecord.objects.filter(user_id=user_id, route=route, key=key)
    same_key.filter(
        Q(created_at__lt=now - KEPT_FOR) | Q(status__isnull=True, created_at__lt=now - ABANDONED_AFTER)
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user_id=user_id, route=route, key=key, fingerprint=fingerprint
            )
        return record.pk
    except IntegrityError:
        existing = same_key.first()
    if existing is None:  # released by its request in between: that one failed, this one may retry later
        raise IdempotencyKeyInProgress
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    if existing.status is None:
        raise IdempotencyKeyInProgress
    return StoredAnswer(status=existing.status, body=existing.body, headers=existing.headers)


def idempotency_answer_store(*, record_id: int, status: int, body: Any, headers: dict[str, str]) -> None:
    """Keep the answer of the request that holds the claim, for its retries."""
    IdempotencyRecord.objects.filter(pk=record_id).update(status=status, body=body, headers=headers)


def idempotency_release(*, record_id: int) -> None:
    """Free a claim whose request failed: a retry with the key runs again (failures are not replayed)."""
    IdempotencyRecord.objects.filter(pk=record_id, status__isnull=True).delete()


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete the records older than 24 hours (they are ignored already); how many were deleted."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
