from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class TimeStampedModel(models.Model):
    """Creation and last-change times for every row we own."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(TimeStampedModel):
    """The first answer to a POST sent with an `Idempotency-Key`, kept 24 hours so that a retry replays it.

    One row per (user, route, key): the unique constraint is what lets only one of two concurrent requests
    with the same key run. A row without a status is a request still being answered.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=50)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of what the request asked for (its body, a file)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(default=dict, blank=True)  # the ones a replay needs: Location, Retry-After

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "route", "key"), name="idempotency_record_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.key}"
