"""The pages' marks: watch dates, undo back to exactly the entry there was (or none), lists' orders."""

from datetime import UTC, date, datetime

import pytest

from catalog.models import Title
from core.exceptions import ApplicationError
from library.marks import EntryState, entry_mark, entry_restore, entry_set_watched, entry_state
from library.models import Entry, Status
from library.selectors import entries_list, ratings_for
from library.services import entry_set_status
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


def snapshot(entry: Entry | None) -> tuple | None:
    if entry is None:
        return None
    entry.refresh_from_db()
    return (entry.status, entry.rating, entry.watched_at, entry.created_at, entry.updated_at)


def test_undo_of_a_first_mark_leaves_no_entry() -> None:
    user, title = UserFactory(), TitleFactory()
    before = entry_state(user=user, title=title)
    assert before is None
    entry_mark(user=user, title=title, status=Status.SEEN, rating=9, today=TODAY)
    assert entry_restore(user=user, title=title, state=before) is None
    assert not Entry.objects.filter(user=user).exists()


def test_undo_puts_back_status_rating_watch_date_and_times() -> None:
    user, title = UserFactory(), TitleFactory()
    watched = datetime(2019, 5, 1, tzinfo=UTC)
    entry = Entry.objects.create(user=user, title=title, status=Status.SEEN, rating=7, watched_at=watched)
    Entry.objects.filter(pk=entry.pk).update(
        created_at=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2021, 6, 7, 8, 9, 10, tzinfo=UTC),
    )
    original = snapshot(entry)
    state = entry_state(user=user, title=title)

    entry_mark(user=user, title=title, status=Status.HIDDEN, today=TODAY)  # rating and date dropped
    assert snapshot(Entry.objects.get(user=user, title=title))[:3] == ("hidden", None, None)
    restored = entry_restore(user=user, title=title, state=state)
    assert snapshot(restored) == original

    entry_mark(user=user, title=title, status=None, today=TODAY)  # a Clear: the row is gone…
    entry_restore(user=user, title=title, state=state)  # …and comes back as it was, times included
    assert snapshot(Entry.objects.get(user=user, title=title)) == original


def test_an_entry_state_travels_as_plain_data_and_refuses_anything_else() -> None:
    user, title = UserFactory(), TitleFactory()
    Entry.objects.create(user=user, title=title, status=Status.SEEN, rating=8)
    state = entry_state(user=user, title=title)
    assert state is not None and EntryState.from_data(state.as_data()) == state
    for bad in (
        {**state.as_data(), "status": "loved"},
        {**state.as_data(), "rating": 11},
        {"status": "seen"},
    ):
        with pytest.raises((ValueError, KeyError)):
            EntryState.from_data(bad)
    with pytest.raises(ValueError, match="seen title"):
        EntryState.from_data({**state.as_data(), "status": "later"})  # a rating only goes with seen


def test_a_title_marked_seen_is_dated_today_and_keeps_its_date_while_seen() -> None:
    user, title = UserFactory(), TitleFactory()
    entry = entry_mark(user=user, title=title, status=Status.LATER, today=TODAY)
    assert entry is not None and entry.watched_at is None
    entry = entry_mark(user=user, title=title, status=Status.SEEN, today=TODAY)
    assert entry is not None and entry.watched_at == datetime(2026, 12, 4, tzinfo=UTC)
    entry = entry_mark(user=user, title=title, status=Status.SEEN, rating=6, today=date(2026, 12, 9))
    assert entry is not None and entry.watched_at == datetime(2026, 12, 4, tzinfo=UTC) and entry.rating == 6
    entry = entry_mark(user=user, title=title, status=Status.LATER, today=TODAY)
    assert entry is not None and entry.watched_at is None


def test_the_api_mark_leaves_watch_dates_alone() -> None:
    user, title = UserFactory(), TitleFactory()
    assert entry_set_status(user=user, title=title, status=Status.SEEN).watched_at is None  # type: ignore[union-attr]


def test_watch_date_changes_only_for_a_seen_title_and_within_reason() -> None:
    user, title = UserFactory(), TitleFactory()
    with pytest.raises(ApplicationError):
        entry_set_watched(user=user, title=title, watched_on=date(2026, 1, 1), today=TODAY)  # no entry
    entry_mark(user=user, title=title, status=Status.SEEN, today=TODAY)
    for day in (date(2026, 12, 5), date(1850, 1, 1)):
        with pytest.raises(ApplicationError) as refused:
            entry_set_watched(user=user, title=title, watched_on=day, today=TODAY)
        assert refused.value.field == "watched_on"
    entry = entry_set_watched(user=user, title=title, watched_on=date(2024, 2, 29), today=TODAY)
    assert entry.watched_at == datetime(2024, 2, 29, tzinfo=UTC)


def test_lists_sort_by_watch_date_rating_score_and_title() -> None:
    user = UserFactory()
    a = TitleFactory(title_en="Zodiac", title_fr="Zodiaque", score=6.0)
    b = TitleFactory(title_en="alien", title_fr="", score=8.0)
    c = TitleFactory(title_en="Memento", title_fr="Amnésie", score=None)
    rows = [(a, 5, date(2020, 1, 1)), (b, None, date(2024, 1, 1)), (c, 9, None)]
    for title, rating, day in rows:
        Entry.objects.create(
            user=user,
            title=title,
            status=Status.SEEN,
            rating=rating,
            watched_at=datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None,
        )

    def order(sort: str, language: str = "en") -> list[Title]:
        return [
            e.title
            for e in entries_list(user=user, media_type="movie", status="seen", order=sort, language=language)
        ]

    assert order("date") == [b, a, c]  # undated last
    assert order("rating") == [c, a, b]  # unrated last
    assert order("score") == [b, a, c]
    assert order("title") == [b, c, a]  # alien, Memento, Zodiac: case does not matter
    assert order("title", "fr") == [b, c, a]  # alien, Amnésie, Zodiaque
    assert ratings_for(user=user, title_ids=[a.pk, b.pk, c.pk]) == {a.pk: 5, c.pk: 9}
