"""Import of IMDb's non-commercial dataset files: millions of movies and TV shows without any API.

    title.basics   tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres
    title.ratings  tconst averageRating numVotes
    title.akas     titleId ordering title region language types attributes isOriginalTitle

Gzipped TSV with a header row and `\\N` for null (https://developer.imdb.com/non-commercial-datasets/).

How: every file's header is checked before anything is written. The files are then streamed line by line
(constant memory) into temporary staging tables — PostgreSQL COPY, batched executemany on SQLite — one
transaction per file. The catalog is not touched until all of them have been read to the end, so a missing,
corrupt or truncated file leaves it as it was. The merge is one transaction: titles already in the catalog
(matched by IMDb id) get current ratings and only fill their blanks; new titles are inserted set-wise
(INSERT … SELECT … ON CONFLICT DO NOTHING) with their genre links; then the ranking scores are recomputed.
A second run with the same files changes nothing.

reader.py opens and checks the files, staging.py fills the temporary tables, merge.py writes the catalog.
"""

import logging
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from django.db import transaction

from catalog.ingest.imdb.merge import Merger
from catalog.ingest.imdb.reader import AKAS, BASICS, RATINGS, ImdbDatasetError, TsvFile, file_date
from catalog.ingest.imdb.report import ImdbImportReport
from catalog.ingest.imdb.staging import Staging, stage_akas, stage_basics, stage_ratings

__all__ = ["AKAS", "BASICS", "RATINGS", "ImdbDatasetError", "ImdbImportReport", "imdb_datasets_import"]

logger = logging.getLogger(__name__)


def imdb_datasets_import(
    *,
    basics: Path,
    ratings: Path,
    akas: Path | None = None,
    as_of: date | None = None,
    progress: bool = False,
) -> ImdbImportReport:
    """Import movies and TV shows, their current IMDb ratings and French titles from IMDb's dataset files.

    `as_of` is the files' date (default: the ratings file's modification date). Idempotent.
    """
    started = time.monotonic()
    report = ImdbImportReport()
    with ExitStack() as stack:
        # Every header is checked before anything is written.
        files = {
            spec.name: stack.enter_context(TsvFile(path, spec))
            for spec, path in ((BASICS, basics), (RATINGS, ratings), (AKAS, akas))
            if path is not None
        }
        report.as_of = as_of or file_date(ratings)
        staging = stack.enter_context(Staging())
        if AKAS.name in files:
            with report.timed(AKAS.name):
                stage_akas(files[AKAS.name], staging, report, progress=progress)
        with report.timed(RATINGS.name):
            stage_ratings(files[RATINGS.name], staging, progress=progress)
        with report.timed(BASICS.name):
            stage_basics(files[BASICS.name], staging, report, has_akas=AKAS.name in files, progress=progress)
        for name, tsv in files.items():
            report.lines[name] = tsv.lines
            if tsv.malformed_lines:
                report.skipped[f"malformed line in {name}"] += tsv.malformed_lines
        with report.timed("merge"):
            with transaction.atomic():
                Merger(staging, report, as_of=report.as_of, progress=progress).run()
                commit_started = time.monotonic()
            report.seconds["merge: commit"] = time.monotonic() - commit_started
    report.elapsed = time.monotonic() - started
    logger.info(
        "IMDb datasets imported: %s created, %s updated, %s unchanged in %.1f s",
        report.created,
        report.updated,
        report.unchanged,
        report.elapsed,
    )
    return report
