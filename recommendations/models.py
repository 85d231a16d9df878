"""What the recommender learns from and what it learned: community ratings in, item neighbours out.

The learned tables are replaced whole by each training (recommendations.services.recommender_train);
serving only reads them (recommendations.selectors).
"""

import uuid

import numpy as np
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import MediaType, Title
from core.models import TimeStampedModel


class CommunityRating(models.Model):
    """A rating by someone outside our user base (MovieLens in the embedded catalog), matched to a title.

    MovieLens gives 0.5 to 5 stars; stored doubled, on our 1 to 10 scale. MovieLens users whose id is
    divisible by 5 are never stored: they are kept aside to evaluate the recommender (bench/quality.py).
    """

    pk = models.CompositePrimaryKey("user_key", "title")
    user_key = models.PositiveIntegerField(_("community user"))
    title = models.ForeignKey(Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), help_text=_("1 to 10."))

    class Meta:
        verbose_name = _("community rating")
        verbose_name_plural = _("community ratings")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=10), name="community_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user_key} · {self.title_id} · {self.rating}"


class NeighbourVector(models.Model):
    """One title's learned neighbours of one media type: how much having liked `title` speaks for each.

    A user's score for a title is the sum, over their own titles, of these weights times how they felt
    about each one (negative for hidden titles and low ratings). Packed in one value per row (12-byte
    records of a little-endian int64 title id and its float32 weight, `NEIGHBOUR_RECORD`): compact to
    store, and quick for each serving process to decode whole once per training (NeighbourGeneration).
    """

    pk = models.CompositePrimaryKey("title", "media_type")
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+", db_index=False)
    media_type = models.CharField(max_length=5, choices=MediaType.choices)
    packed = models.BinaryField()

    class Meta:
        verbose_name = _("learned neighbours")
        verbose_name_plural = _("learned neighbours")

    def __str__(self) -> str:
        return (
            f"{self.title_id} ({self.media_type}): {len(self.packed) // NEIGHBOUR_RECORD.itemsize} neighbours"
        )


class NeighbourGeneration(models.Model):
    """A new token each time the neighbour vectors are replaced, in the same transaction (one row).

    Serving decodes the vectors once per process and keeps them until the token changes.
    """

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("learned neighbours generation")
        verbose_name_plural = _("learned neighbours generations")

    def __str__(self) -> str:
        return str(self.token)


class SequelLink(models.Model):
    """A numbered sequel and the instalment it continues, so a sequel is not suggested before it."""

    sequel = models.OneToOneField(
        Title, verbose_name=_("sequel"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    original = models.ForeignKey(
        Title, verbose_name=_("continues"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("sequel")
        verbose_name_plural = _("sequels")

    def __str__(self) -> str:
        return f"{self.sequel_id} continues {self.original_id}"


class ModelRun(TimeStampedModel):
    """One training of the recommender: what it saw, what it wrote, and what it cost."""

    users = models.PositiveIntegerField(_("users"))
    interactions = models.PositiveIntegerField(_("interactions"))
    community_ratings = models.PositiveIntegerField(_("community ratings"))
    collaborative_items = models.PositiveIntegerField(
        _("collaborative items"), help_text=_("Titles with enough interactions for the item-item model.")
    )
    neighbours = models.PositiveIntegerField(_("neighbour weights"))
    sequels = models.PositiveIntegerField(_("sequel links"))
    seconds = models.FloatField(_("seconds"))
    peak_memory_mb = models.FloatField(_("peak memory (MB)"), help_text=_("Of the model computation."))
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("recommender training")
        verbose_name_plural = _("recommender trainings")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.collaborative_items} items · {self.seconds:.1f} s"


NEIGHBOUR_RECORD = np.dtype([("title", "<i8"), ("weight", "<f4")])  # unaligned: 12 bytes


def pack_neighbours(neighbours: np.ndarray, weights: np.ndarray) -> bytes:
    """The stored form of a NeighbourVector."""
    records = np.empty(len(neighbours), dtype=NEIGHBOUR_RECORD)
    records["title"], records["weight"] = neighbours, weights
    return records.tobytes()


def unpack_neighbours(packed: bytes | memoryview) -> tuple[np.ndarray, np.ndarray]:
    """(neighbour ids, weights) of one packed vector, or of several joined end to end."""
    records = np.frombuffer(packed, dtype=NEIGHBOUR_RECORD)
    return records["title"], records["weight"]


class Adventurousness(models.IntegerChoices):
    """How far from the most-watched titles a user's picks may reach: the "familiar ↔ adventurous" dial."""

    FAMILIAR = 0, _("Familiar")
    RATHER_FAMILIAR = 1, _("Rather familiar")
    BALANCED = 2, _("Balanced")
    RATHER_ADVENTUROUS = 3, _("Rather adventurous")
    ADVENTUROUS = 4, _("Adventurous")


class RecommenderSettings(models.Model):
    """A user's own settings of the recommender; a user without a row has the defaults."""

    user = models.OneToOneField(
        "accounts.User", primary_key=True, on_delete=models.CASCADE, related_name="recommender_settings"
    )
    adventurousness = models.PositiveSmallIntegerField(
        _("familiar or adventurous"), choices=Adventurousness.choices, default=Adventurousness.BALANCED
    )

    class Meta:
        verbose_name = _("recommender settings")
        verbose_name_plural = _("recommender settings")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.adventurousness}"


class NotForMeReason(models.TextChoices):
    SEEN_ELSEWHERE = "seen_elsewhere", _("Seen it elsewhere")
    NOT_MY_GENRE = "not_my_genre", _("Not my genre")
    NOT_THIS_PERSON = "not_this_person", _("Not this person")
    NOT_NOW = "not_now", _("Not now")


class NotForMe(TimeStampedModel):
    """A pick the user turned down, and why: the latest reason per title.

    What it does to the library is done by `recommendations.services.not_for_me` (seen, hidden or later);
    this row keeps the reason, so later picks can say a title counted against them.
    """

    pk = models.CompositePrimaryKey("user", "title")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    title = models.ForeignKey(Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=NotForMeReason.choices)

    class Meta:
        verbose_name = _("pick turned down")
        verbose_name_plural = _("picks turned down")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.title_id} · {self.reason}"
