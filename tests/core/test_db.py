"""core.db.bulk_insert: COPY on PostgreSQL, batched inserts on SQLite, the same rows either way."""

import pytest
from django.db import transaction

from catalog.models import Genre
from core.db import bulk_insert


@pytest.mark.django_db
def test_bulk_insert_writes_every_row_of_a_generator_in_batches() -> None:
    rows = ((9000 + i, f"Genre {i}", f"Genre é{i}\t«{i}»", i % 2 == 0, True) for i in range(7))
    with transaction.atomic():
        bulk_insert(
            Genre._meta.db_table,
            ("tmdb_id", "name_en", "name_fr", "for_movies", "for_tv"),
            rows,
            batch_size=3,
        )
    stored = list(Genre.objects.order_by("tmdb_id").values_list("tmdb_id", "name_fr", "for_movies", "for_tv"))
    assert stored == [(9000 + i, f"Genre é{i}\t«{i}»", i % 2 == 0, True) for i in range(7)]


@pytest.mark.django_db
def test_bulk_insert_of_nothing_writes_nothing() -> None:
    bulk_insert(Genre._meta.db_table, ("tmdb_id", "name_en", "name_fr", "for_movies", "for_tv"), [])
    assert not Genre.objects.exists()
