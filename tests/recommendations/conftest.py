from collections.abc import Callable

import numpy as np
import pytest
from django.db import transaction

from accounts.models import User
from catalog.ingest.genres import genres_import
from catalog.models import Genre, Title
from library.models import Entry, Status
from recommendations.services import neighbour_vectors_replace
from tests.factories import TitleFactory, UserFactory

CRIME, DRAMA, COMEDY, HORROR, WAR, WESTERN = 80, 18, 35, 27, 10752, 37


@pytest.fixture
def genres(db: None) -> dict[int, Genre]:
    genres_import(live=False)
    return {g.tmdb_id: g for g in Genre.objects.all()}


@pytest.fixture
def make_title(genres: dict[int, Genre]) -> Callable[..., Title]:
    def make(title: str, *, genre_ids: tuple[int, ...] = (DRAMA,), **fields: object) -> Title:
        made = TitleFactory(title_en=title, **fields)
        made.genres.set([genres[g] for g in genre_ids])
        return made

    return make


@pytest.fixture
def link(db: None) -> Callable[[Title, Title, float], None]:
    """A learned weight, written as training writes them (every vector is rewritten each time)."""
    learned: list[tuple[int, int, float]] = []

    def add(title: Title, neighbour: Title, weight: float) -> None:
        learned.append((title.pk, neighbour.pk, weight))
        with transaction.atomic():
            neighbour_vectors_replace(tuple(np.array(column) for column in zip(*learned, strict=True)))

    return add


@pytest.fixture
def mark() -> Callable[..., Entry]:
    def add(user: User, title: Title, status: str = Status.SEEN, rating: int | None = None) -> Entry:
        return Entry.objects.create(user=user, title=title, status=status, rating=rating)

    return add


@pytest.fixture
def member(db: None) -> User:
    return UserFactory()
