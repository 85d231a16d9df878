"""The catalog's signals the library listens to (connected in `LibraryConfig.ready`)."""

from typing import Any

from django.dispatch import receiver

from catalog.models import Title
from catalog.signals import title_merging
from library.models import Entry, Status

# Which of a user's two entries for one merged title stays: what they watched over what they meant to
# watch over what they did not want; then the one with a rating, then the newer.
_STATUS_WEIGHT = {Status.SEEN: 2, Status.LATER: 1, Status.HIDDEN: 0}


def _weight(entry: Entry) -> tuple[int, bool, object]:
    return (_STATUS_WEIGHT.get(Status(entry.status), 0), entry.rating is not None, entry.updated_at)


@receiver(title_merging, dispatch_uid="library-title-merging")
def entries_merge(*, keep: Title, duplicate: Title, **_kwargs: Any) -> None:
    """Users' entries for the duplicate become entries for the kept title; a user with both keeps one."""
    kept = {e.user_id: e for e in Entry.objects.filter(title=keep)}
    for entry in Entry.objects.filter(title=duplicate):
        other = kept.get(entry.user_id)
        if other is not None:
            if _weight(other) >= _weight(entry):
                entry.delete()
                continue
            other.delete()
        Entry.objects.filter(pk=entry.pk).update(title=keep)
