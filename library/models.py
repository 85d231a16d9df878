from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Title
from core.models import TimeStampedModel


class Status(models.TextChoices):
    SEEN = "seen", _("Seen")
    LATER = "later", _("Watch later")
    HIDDEN = "hidden", _("Not interested")


class Entry(TimeStampedModel):
    """What a user said about a title: one row per (user, title), so a new status moves it between lists."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="entries"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="entries"
    )
    status = models.CharField(_("status"), max_length=6, choices=Status.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, help_text=_("1 to 10, when seen.")
    )
    watched_at = models.DateTimeField(_("watched on"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "title"], name="entry_user_title_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=10), name="entry_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(status="seen"), name="entry_rating_only_when_seen"
            ),
        ]
        indexes = [
            # A user's list: newest change first.
            models.Index(fields=["user", "status", "-updated_at"], name="entry_user_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title} · {self.status}"

    def clean(self) -> None:
        """The rating's rules in words, on the rating field (the constraints would only name themselves)."""
        super().clean()
        if self.rating is None:
            return
        if not 1 <= self.rating <= 10:
            raise ValidationError(
                {"rating": _("A rating is from 1 to 10, not %(value)d.") % {"value": self.rating}}
            )
        if self.status != Status.SEEN:
            raise ValidationError({"rating": _("Only a title marked seen can have a rating.")})

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # clean() checks the rating's two constraints and says what is wrong.
        super().validate_constraints(exclude={*(exclude or ()), "rating"})


class ImportJob(TimeStampedModel):
    """One uploaded history file and what became of it; the worker reads the file from here."""

    class Source(models.TextChoices):
        LETTERBOXD = "letterboxd", "Letterboxd"
        IMDB = "imdb", "IMDb"
        TRAKT = "trakt", "Trakt"

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # The uploaded file, deleted when the job ends; its SHA-256 stays to recognise the same file.
    payload = models.BinaryField(_("file"), editable=False, null=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.PENDING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    unmatched = models.JSONField(_("unmatched rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.user} · {self.status}"

    # `counts` holds the numbers and, beside them, the report's lines ("change_lines", "conflict_lines"):
    # one JSON document written once when the job ends.
    COUNT_NAMES = ("matched", "created", "updated", "unmatched", "conflicts")

    @property
    def count_values(self) -> dict[str, int]:
        """What became of the rows, 0 for a count an older job did not record."""
        return {name: int(self.counts.get(name) or 0) for name in self.COUNT_NAMES}

    @property
    def changes(self) -> list[dict]:
        """The entries the import changed: title, status and rating before and after (the first 1,000)."""
        return list(self.counts.get("change_lines") or [])

    @property
    def conflicts(self) -> list[dict]:
        """The statuses and ratings set here after the file's date, kept over the file's (the first 1,000)."""
        return list(self.counts.get("conflict_lines") or [])


class HideRule(TimeStampedModel):
    """ "Not interested" in a whole kind of title: a genre, a person, a franchise, an original language,
    titles before or after a year, or a TMDB keyword. Every list that leaves out the user's titles leaves
    these out too (`library.selectors.hide_rules_condition` compiles a user's rules into one SQL
    condition)."""

    class Kind(models.TextChoices):
        GENRE = "genre", _("Genre")
        PERSON = "person", _("Person")
        FRANCHISE = "franchise", _("Franchise")
        LANGUAGE = "language", _("Original language")
        BEFORE = "before", _("Released before")
        AFTER = "after", _("Released after")
        KEYWORD = "keyword", _("Keyword")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="hide_rules"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A genre's, person's or keyword's id, a language code, a year, or a franchise's stem ("alien").
    value = models.CharField(_("value"), max_length=200)
    label = models.CharField(_("shown as"), max_length=300, blank=True)
    # A franchise's titles, read from the catalog when the rule was made (the catalog has no collection ids).
    title_ids = models.JSONField(_("titles"), default=list, blank=True)

    class Meta:
        verbose_name = _("hide rule")
        verbose_name_plural = _("hide rules")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="hiderule_user_kind_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.value}"
