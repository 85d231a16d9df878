from bench.common import prepare_database
from pathlib import Path
from django.db import connection, transaction
from catalog import imdb_datasets as m
from catalog.imdb_datasets import *  # noqa
folder = Path("/tmp/myw-imdb-datasets-heavy-200000")
report = m.ImdbImportReport()
with m.TsvFile(folder/"title.akas.tsv.gz", m.AKAS) as akas, m.TsvFile(folder/"title.ratings.tsv.gz", m.RATINGS) as ratings, m.TsvFile(folder/"title.basics.tsv.gz", m.BASICS) as basics, m._Staging() as staging:
    m._stage_akas(akas, staging, report, progress=False)
    m._stage_ratings(ratings, staging, progress=False)
    m._stage_basics(basics, staging, report, has_akas=True, progress=False)
    try:
        with transaction.atomic():
            merger = m._Merger(staging, report, as_of=m.file_date(folder/"title.ratings.tsv.gz"), progress=False)
            merger.source = m.data_source_sync(m.sources.IMDB_DATASETS)
            merger._match()
            columns, expressions, params = merger._insert_columns()
            q = connection.ops.quote_name
            table = "catalog_title"
            insert = (f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) SELECT {', '.join(expressions)} FROM imdb_titles s LEFT JOIN imdb_ratings r ON r.tconst = s.tconst WHERE s.seq BETWEEN %s AND %s AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.imdb_id = s.tconst) ON CONFLICT DO NOTHING")
            link = ("INSERT INTO catalog_title_genres (title_id, genre_id) SELECT t.id, g.id FROM imdb_genres sg JOIN imdb_titles s ON s.seq = sg.seq JOIN catalog_title t ON t.imdb_id = s.tconst JOIN catalog_genre g ON g.tmdb_id = sg.tmdb_id WHERE sg.seq BETWEEN %s AND %s AND NOT EXISTS (SELECT 1 FROM imdb_matched m WHERE m.title_id = t.id) ON CONFLICT DO NOTHING")
            with connection.cursor() as c:
                for start in (1, 25001, 50001):
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + insert, [*params, start, start + 24999])
                    print("\n".join(r[0] for r in c.fetchall()[-12:]))
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + link, [start, start + 24999])
                    print("\n".join(r[0] for r in c.fetchall()))
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
