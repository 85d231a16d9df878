"""Search and ranking indexes that SQLite and PostgreSQL spell differently, and the search columns' data.

- Ranking: discovery walks (media type, score|rating|votes|year descending, NULLs last, id) in order,
  skipping the caller's titles, and stops after a page. SQLite puts NULLs last in a descending index by
  itself and rejects "NULLS LAST" there; PostgreSQL needs it said.
- Search: trigram (pg_trgm) GIN indexes on PostgreSQL; SQLite searches in-process instead.
"""

from django.db import migrations

from catalog.text import normalize_text

INDEXES = {
    "title_search_title_trgm": "search_title",
    "title_search_people_trgm": "search_people",
    "title_overview_en_trgm": "overview_en",
    "title_overview_fr_trgm": "overview_fr",
}


def fill_search_columns(apps, schema_editor):
    title_model = apps.get_model("catalog", "Title")
    batch = []
    for title in title_model.objects.all().iterator(chunk_size=2000):
        names = [title.title_en, title.title_fr, title.original_title, *title.alternate_titles]
        people = [*title.directors, *title.writers, *title.cast]
        title.search_title = normalize_text(" | ".join(dict.fromkeys(n for n in names if n)))
        title.search_people = normalize_text(" | ".join(dict.fromkeys(people)))
        batch.append(title)
        if len(batch) >= 2000:
            title_model.objects.bulk_update(batch, ["search_title", "search_people"])
            batch = []
    title_model.objects.bulk_update(batch, ["search_title", "search_people"])


RANKED = ("score", "rating", "votes", "year")


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for column in RANKED:
        nulls = " NULLS LAST" if postgres else ""
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS title_rank_{column}_idx ON catalog_title "
            f"(media_type, {column} DESC{nulls}, id)"
        )
    if not postgres:
        return
    # The feed's excluded_count probes the catalog once per entry of the user: an index-only lookup
    # with the filter columns at hand, instead of a visit to each title's row.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS title_filter_cover_idx ON catalog_title (id) "
        "INCLUDE (media_type, year, rating, votes, runtime, original_language)"
    )
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_title USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    for column in RANKED:
        schema_editor.execute(f"DROP INDEX IF EXISTS title_rank_{column}_idx")
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, "title_filter_cover_idx"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_rank_neighbours")]
    operations = [
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
