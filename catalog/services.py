"""Staff's writes to the catalog: hiding titles from it, and merging a duplicate into the title kept."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.curation import curated_bulk_edit, fields_lock, recorded_change
from catalog.ingest.sources import SourceInfo, data_source_sync
from catalog.models import DataSource, Title, TitleNeighbour
from catalog.signals import title_merging, titles_changed


class MergeError(ValueError):
    """Two titles that cannot be one: the same title twice, or a movie and a TV show."""


# A title's own values a merge fills in from the duplicate when the kept title has none.
MERGE_FILLED = (
    "title_fr",
    "original_title",
    "original_language",
    "overview_en",
    "overview_fr",
    "trailer_url_en",
    "trailer_url_fr",
    "poster_path",
    "year",
    "release_date",
    "runtime",
    "first_air_year",
    "last_air_year",
    "number_of_seasons",
    "imdb_id",
    "tmdb_id",
    "movielens_id",
    "directors",
    "writers",
    "cast",
    "countries",
)


def titles_hide(pks: Iterable[int], *, hidden: bool = True, user: Any = None) -> int:
    """Take titles out of the public catalog (or put them back), whatever their number; the titles this
    changes get a history record with `user` as its author, and the change time moves, so each process's
    search index and the feed's cache forget them."""
    pks = list(pks)
    changing = list(Title.objects.filter(pk__in=pks).exclude(hidden=hidden).values_list("pk", flat=True))
    if not changing:
        return 0
    reason = "hidden from the catalog" if hidden else "shown in the catalog again"
    with curated_bulk_edit(Title, changing, [], user, reason=reason):  # nothing to lock: no loader hides
        Title.objects.filter(pk__in=changing).update(hidden=hidden, updated_at=timezone.now())
    titles_changed.send(sender=Title, pks=changing)
    return len(changing)


@transaction.atomic
def titles_merge(*, keep: Title, duplicate: Title, user: Any = None) -> Title:
    """Merge `duplicate` into `keep` and delete it: the kept title's values win, its blanks are filled from
    the duplicate's, genres and names are joined; the duplicate's similar-title rows, the users' entries and
    the community's ratings (each app, through `title_merging`) move to the kept title, where the kept
    title already has one, its own stays. The kept title's fields the merge changed are locked as a
    curator's edit (a reload would otherwise undo the merge) and both titles' history names `user`."""
    if keep.pk == duplicate.pk:
        raise MergeError(_("A title cannot be merged into itself."))
    if keep.media_type != duplicate.media_type:
        raise MergeError(_("A movie and a TV show cannot be merged: they are not the same title."))
    keep = Title.objects.select_for_update().get(pk=keep.pk)
    duplicate = Title.objects.select_for_update().get(pk=duplicate.pk)
    with recorded_change(keep, reason=f"merged with #{duplicate.pk} ({duplicate})", user=user) as change:
        title_merging.send(sender=Title, keep=keep, duplicate=duplicate)
        _move_neighbours(keep, duplicate)
        filled = {field: getattr(duplicate, field) for field in MERGE_FILLED if _blank(getattr(keep, field))}
        names = [n for n in duplicate.names if n not in keep.names]
        genres = list(duplicate.genres.all())
        # The ids are unique: the duplicate lets go of them before the kept title takes them.
        Title.objects.filter(pk=duplicate.pk).update(imdb_id=None, tmdb_id=None)
        duplicate._change_reason = f"merged into #{keep.pk} ({keep})"  # type: ignore[attr-defined]
        duplicate._history_user = user  # type: ignore[attr-defined]
        duplicate_pk = duplicate.pk
        duplicate.delete()
        for field, value in filled.items():
            setattr(keep, field, value)
        keep.alternate_titles = [*keep.alternate_titles, *names]
        keep.save()
        keep.genres.add(*genres)
    fields_lock(keep, change.fields, user)
    titles_changed.send(sender=Title, pks=[keep.pk, duplicate_pk])
    return keep


def _blank(value: object) -> bool:
    return value is None or value in ("", [], {})


def _move_neighbours(keep: Title, duplicate: Title) -> None:
    """The duplicate's similar lists become the kept title's where it has none of that kind; lists that
    named the duplicate name the kept title, unless they name it already (or are its own)."""
    own_kinds = set(TitleNeighbour.objects.filter(title=keep).values_list("kind", flat=True))
    TitleNeighbour.objects.filter(title=duplicate).exclude(kind__in=own_kinds).exclude(neighbour=keep).update(
        title=keep
    )
    pointing = TitleNeighbour.objects.filter(neighbour=duplicate).exclude(title=keep)
    already = TitleNeighbour.objects.filter(neighbour=keep).values_list("title_id", "kind")
    taken = set(already)
    for row in pointing:
        if (row.title_id, row.kind) not in taken:
            row.neighbour = keep
            row.save(update_fields=["neighbour"])
            taken.add((row.title_id, row.kind))


STAFF = SourceInfo(
    key="staff",
    name="Staff",
    licence="CC0-1.0",
    url="",
    attribution="Titles added by hand by the MoviesYouDidntWatch team.",
)


def staff_source() -> DataSource:
    """The source of titles staff add in the admin: curated by hand, no loader writes them."""
    return DataSource.objects.filter(key=STAFF.key).first() or data_source_sync(STAFF)
