"""`manage.py import_imdb_datasets` on PostgreSQL: files in IMDb's format with 1,000,000 title.basics rows.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE myw_bench_imdb'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_imdb DJANGO_DEBUG=true \\
        .venv/bin/python -m bench.imdb_datasets [--rows 1000000] [--mix real|heavy]
    .venv/bin/python -m bench.imdb_datasets --smoke     # 2,000 rows in a fresh folder, SQLite or PostgreSQL

Writes title.basics / title.ratings / title.akas .tsv.gz (gzip level 6, as IMDb's) into a temporary folder
(kept and reused between runs), with the embedded catalog's own IMDb ids among them so that part of the
import updates existing titles. `--mix real` follows IMDb's own proportions (three basics rows in four are
episodes, under 10 % are movies or series; about 4.5 akas rows per title); `--mix heavy` makes half the
basics rows movies or series, the harder case for writing. Then it times a first import (the database
holds the embedded catalog) and a second one with the same files (nothing changes). Synthetic titles
("<word> <word> <n>") stay in this database only: they are made up, never shown to anyone.
"""

from bench.common import arguments, prepare_database  # first: it sets Django up

import argparse
import gzip
import random
import resource
import tempfile
from pathlib import Path

from django.db import connection

from catalog.ingest.imdb import AKAS, BASICS, RATINGS, imdb_datasets_import
from catalog.models import Title
from catalog.ingest.sources import IMDB_DATASETS

WORDS = (
    "night day river city dark light love war king queen ghost lost last first blood stone fire ice "
    "shadow dream road home sea star moon sun iron gold silver secret silent broken wild golden "
    "midnight summer winter storm heart hunter empire island garden mirror"
).split()
MOTS = "nuit jour fleuve ville ombre amour guerre roi reine étoile été hiver cœur île jardin miroir".split()
GENRES = "Action Adventure Animation Biography Comedy Crime Documentary Drama Family Fantasy History Horror Music Mystery Romance Sci-Fi Sport Thriller War Western".split()
# (titleType, share of basics rows). "real": roughly IMDb's own file, where three rows in four are episodes
# and under 10 % are kept (movie, tvSeries, tvMiniSeries); "heavy": half the rows are kept.
MIXES = {
    "real": [
        ("tvEpisode", 0.745),
        ("short", 0.090),
        ("movie", 0.063),
        ("video", 0.026),
        ("tvSeries", 0.024),
        ("tvMovie", 0.013),
        ("tvMiniSeries", 0.0055),
        ("tvSpecial", 0.005),
        ("videoGame", 0.004),
        ("tvShort", 0.0025),
    ],
    "heavy": [
        ("movie", 0.40),
        ("tvSeries", 0.08),
        ("tvMiniSeries", 0.02),
        ("tvEpisode", 0.35),
        ("short", 0.10),
        ("video", 0.03),
        ("tvMovie", 0.02),
    ],
}
# akas rows per title beyond its original title, and the share of titles with a French title
AKAS_PER_TITLE = {True: (3, 12), False: (0, 6)}  # kept titles / others: about 4.5 rows per title in all
FRENCH_SHARE = {True: 0.4, False: 0.15}
REGIONS = ["US", "GB", "DE", "JP", "ES", "IT", "BR", "CA"]
N = "\\N"
SMOKE_ROWS = 2_000


def write_files(folder: Path, rows: int, mix: str, embedded_ids: list[str]) -> dict[str, Path]:
    paths = {name: folder / f"{name}.tsv.gz" for name in ("title.basics", "title.ratings", "title.akas")}
    if all(p.exists() for p in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261128)
    kinds, weights = zip(*MIXES[mix], strict=True)
    print(f"writing {rows:,} title.basics rows ({mix} mix) with ratings and akas into {folder}…", flush=True)
    with (
        gzip.open(paths["title.basics"], "wt", encoding="utf-8", newline="\n") as basics,
        gzip.open(paths["title.ratings"], "wt", encoding="utf-8", newline="\n") as ratings,
        gzip.open(paths["title.akas"], "wt", encoding="utf-8", newline="\n") as akas,
    ):
        basics.write("\t".join(BASICS.columns) + "\n")
        ratings.write("\t".join(RATINGS.columns) + "\n")
        akas.write("\t".join(AKAS.columns) + "\n")
        for i in range(1, rows + 1):
            tconst = embedded_ids[i - 1] if i <= len(embedded_ids) else f"tt{20_000_000 + i}"
            kind = "movie" if i <= len(embedded_ids) else rng.choices(kinds, weights)[0]
            kept = kind in ("movie", "tvSeries", "tvMiniSeries")
            name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
            adult = "1" if rng.random() < 0.02 else "0"
            start = str(rng.randint(1920, 2026)) if rng.random() < 0.95 else N
            end = (
                str(rng.randint(2000, 2026))
                if kind in ("tvSeries", "tvMiniSeries") and rng.random() < 0.6
                else N
            )
            runtime = str(rng.randint(5, 240)) if rng.random() < 0.8 else N
            genres = ",".join(rng.sample(GENRES, rng.randint(1, 3))) if rng.random() < 0.95 else N
            original = name if rng.random() < 0.7 else f"{rng.choice(MOTS).title()} {rng.choice(MOTS)} {i}"
            basics.write(
                f"{tconst}\t{kind}\t{name}\t{original}\t{adult}\t{start}\t{end}\t{runtime}\t{genres}\n"
            )
            if rng.random() < (0.6 if kept else 0.1):
                ratings.write(f"{tconst}\t{rng.randint(10, 100) / 10}\t{rng.randint(5, 2_000_000)}\n")
            akas.write(f"{tconst}\t1\t{original}\t{N}\t{N}\toriginal\t{N}\t1\n")
            low, high = AKAS_PER_TITLE[kept]
            for ordering in range(2, 2 + rng.randint(low, high)):
                region = rng.choice(REGIONS)
                akas.write(f"{tconst}\t{ordering}\t{name}\t{region}\t{N}\timdbDisplay\t{N}\t0\n")
            if rng.random() < FRENCH_SHARE[kept]:
                french = f"{rng.choice(MOTS).title()} {rng.choice(MOTS)} {i}"
                akas.write(f"{tconst}\t20\t{french}\tFR\t{N}\timdbDisplay\t{N}\t0\n")
                akas.write(f"{tconst}\t21\t{french} !\tFR\tfr\tworking\t{N}\t0\n")
    return paths


def reset() -> None:
    """Back to the embedded catalog: imported titles removed; titles rated by a previous run are marked so
    that the next import rewrites their ratings (reloading the embedded catalog would take minutes)."""
    imported = (
        "SELECT t.id FROM catalog_title t JOIN catalog_datasource d ON d.id = t.source_id WHERE d.key = %s"
    )
    with connection.cursor() as cursor:
        # In this database, imported titles are referenced by their genre links and similar titles only.
        cursor.execute(
            f"DELETE FROM catalog_title_genres WHERE title_id IN ({imported})", [IMDB_DATASETS.key]
        )
        cursor.execute(
            f"DELETE FROM catalog_titleneighbour WHERE title_id IN ({imported}) OR neighbour_id IN ({imported})",
            [IMDB_DATASETS.key, IMDB_DATASETS.key],
        )
        cursor.execute(f"DELETE FROM catalog_title WHERE id IN ({imported})", [IMDB_DATASETS.key])
    Title.objects.filter(rating_source__key=IMDB_DATASETS.key).update(rating_as_of=None, rating_source=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_title" if connection.vendor == "postgresql" else "ANALYZE")


def timed_import(label: str, paths: dict[str, Path]) -> None:
    report = imdb_datasets_import(
        basics=paths["title.basics"], ratings=paths["title.ratings"], akas=paths["title.akas"]
    )
    titles_per_second = (report.created + report.updated) / report.elapsed
    phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items())
    print(
        f"{label}: {report.rows_read:,} lines in {report.elapsed:.1f} s = {report.rows_per_second:,.0f} rows/s; "
        f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged "
        f"({titles_per_second:,.0f} titles written/s); {report.fr_titles:,} French titles\n    {phases}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="title.basics rows to generate")
    parser.add_argument("--mix", choices=MIXES, default="real", help="title types: IMDb's own mix or heavier")
    args = arguments(parser)
    if connection.vendor != "postgresql" and not args.smoke:
        raise SystemExit("Run this benchmark on PostgreSQL (set DATABASE_URL), or with --smoke.")
    prepare_database(smoke=args.smoke)
    reset()
    embedded_ids = sorted(
        Title.objects.exclude(imdb_id=None)
        .exclude(source__key=IMDB_DATASETS.key)
        .values_list("imdb_id", flat=True)
    )
    if args.smoke:  # files of its own, removed at the end
        with tempfile.TemporaryDirectory(prefix="myw-imdb-smoke-") as folder:
            measure(write_files(Path(folder), SMOKE_ROWS, args.mix, embedded_ids))
        return
    folder = Path(tempfile.gettempdir()) / f"myw-imdb-datasets-{args.mix}-{args.rows}"
    measure(write_files(folder, args.rows, args.mix, embedded_ids))


def measure(paths: dict[str, Path]) -> None:
    """A first import of the files, then the same files again (nothing changes), with peak memory."""
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in paths.values())
    print(f"files: {sizes}; catalog before: {Title.objects.count():,} titles", flush=True)

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timed_import("first import", paths)
    timed_import("same files again", paths)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"catalog after: {Title.objects.count():,} titles; peak memory of this process: {peak_before:,.0f} MB "
        f"before the imports (set-up), {peak:,.0f} MB after"
    )


if __name__ == "__main__":
    main()
