"""library.importers: real exports from /work/shared/import-samples, plus files built here for the rules."""

import io
import json
import random
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from library.importers import SOURCES, HistoryRow, ImportFormatError, parse_history
from library.importers import common as importers

MB = 1024 * 1024

SAMPLES = Path("/work/shared/import-samples")
EN_DASH = "\u2013"  # in Letterboxd titles, e.g. "Mission: Impossible <en dash> Fallout"
LB_HEADER = {
    "watched": "Date,Name,Year,Letterboxd URI",
    "watchlist": "Date,Name,Year,Letterboxd URI",
    "ratings": "Date,Name,Year,Letterboxd URI,Rating",
    "diary": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
    "reviews": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
}
IMDB_V2_RATINGS = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    "Release Date,Directors"
)


def samples(*parts: str) -> Path:
    """A folder of real exports; the tests that read it are skipped on machines without it."""
    folder = SAMPLES.joinpath(*parts)
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    return folder


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    return zip_bytes(
        {prefix + p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.csv")}
    )


def lb_csv(kind: str, *rows: str) -> str:
    """A Letterboxd CSV as exported: CRLF line endings, a CRLF at the end."""
    return "\r\n".join([LB_HEADER[kind], *rows]) + "\r\n"


def by_title(rows: list[HistoryRow]) -> dict[str, HistoryRow]:
    titles = [r.title for r in rows]
    assert len(titles) == len(set(titles)), "one row per title"
    return {r.title: r for r in rows}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- Letterboxd: real exports


def test_letterboxd_2021_export_zip_merges_films_across_files() -> None:
    folder = samples("letterboxd", "2021-export-zip")
    rows = by_title(parse_history(source="letterboxd", data=zip_folder(folder), filename="letterboxd.zip"))

    assert len(rows) == 50  # 14 watched + 14 rated + 13 diary + 12 watchlist, 3 films in two files
    assert all(r.media_type == "movie" and r.imdb_id is None and r.tmdb_id is None for r in rows.values())
    # Logged twice in the diary (two entry URIs): one film, the latest viewing.
    flowers = rows["The Flowers of War"]
    assert (flowers.status, flowers.rating, flowers.watched_at) == ("seen", 10, utc(2021, 4, 14))
    assert (flowers.file, flowers.line) == ("diary.csv", 8)
    # In ratings.csv (5 stars) and the diary: ratings.csv's rating, the diary's Watched Date.
    totoro = rows["My Neighbor Totoro"]
    assert (totoro.rating, totoro.watched_at, totoro.file, totoro.line) == (
        10,
        utc(2014, 1, 13),
        "ratings.csv",
        8,
    )
    # A quoted title with a comma, watched and rated: first row is watched.csv's, date from watched.csv.
    above = rows["As Above, So Below"]
    assert (above.file, above.line, above.rating, above.year) == ("watched.csv", 11, 6, 2014)
    assert above.watched_at == utc(2021, 4, 13)
    assert rows["Grown Ups 2"].rating == 2  # "1" star
    assert rows["Zoolander 2"].rating == 3  # "1.5"
    assert rows["Johnny English Reborn"].rating == 5  # "2.5"
    assert rows["Blackadder: Back & Forth"].rating == 7  # "3.5"
    assert rows["Ratatouille"].rating == 9  # "4.5"
    assert rows["Brokeback Mountain"].watched_at is None  # ratings.csv's Date is not a viewing
    fargo = rows["Fargo"]
    assert (fargo.status, fargo.rating, fargo.watched_at, fargo.year) == ("later", None, None, 1996)
    assert rows["Good Morning, Vietnam"].status == "later"
    assert sum(r.status == "later" for r in rows.values()) == 12


def test_letterboxd_2024_export_in_a_top_folder_ignores_likes() -> None:
    folder = samples("letterboxd", "2024-export")
    data = zip_folder(folder, prefix="letterboxd-extratone-2024-04-27-03-00-utc/")
    rows = by_title(parse_history(source="letterboxd", data=data))

    assert len(rows) == 37
    assert "Titanic II" not in rows  # only in likes/films.csv
    # 0.5 stars in both ratings.csv and the diary: the bottom of our scale, not 0.
    pixels = rows["Pixels"]
    assert (pixels.rating, pixels.watched_at) == (1, utc(2017, 12, 28))
    # Empty Year, in watched.csv and the diary: merged; the diary's Watched Date beats the watched Date.
    roughs = rows["One of the Roughs, a Kosmos"]
    assert (roughs.year, roughs.file, roughs.watched_at) == (None, "watched.csv", utc(2017, 3, 6))
    assert rows["Summer with Monika"].watched_at == utc(2017, 12, 14)
    assert rows["Amélie"].year == 2001
    assert rows["Homecoming: A Film by Beyoncé"].rating == 10
    assert rows[f"Mission: Impossible {EN_DASH} Fallout"].rating == 9
    assert rows["Three Billboards Outside Ebbing, Missouri"].rating == 4
    assert rows["Pulp Fiction"].rating == 4  # "2" in ratings.csv
    constantine = rows["Constantine"]  # a rewatch logged without a rating
    assert (constantine.status, constantine.rating, constantine.watched_at) == (
        "seen",
        None,
        utc(2020, 12, 15),
    )
    assert rows["The Luck of the Irish"].watched_at == utc(2022, 1, 10)  # tags "sierra, parables"
    assert rows[f"Lara Croft: Tomb Raider {EN_DASH} The Cradle of Life"].status == "later"


@pytest.mark.parametrize(
    ("name", "count", "status"),
    [
        ("watched.csv", 12, "seen"),
        ("ratings.csv", 12, "seen"),
        ("diary.csv", 14, "seen"),
        ("watchlist.csv", 11, "later"),
    ],
)
def test_letterboxd_single_csv_files_of_the_2024_export(name: str, count: int, status: str) -> None:
    data = (samples("letterboxd", "2024-export") / name).read_bytes()
    rows = parse_history(source="letterboxd", data=data, filename=name)
    assert len(rows) == count
    assert {r.status for r in rows} == {status}
    assert {r.file for r in rows} == {name}


# ---------------------------------------------------------------- Letterboxd: rules


def test_letterboxd_watched_and_on_the_watchlist_is_seen() -> None:
    data = zip_bytes(
        {
            "watchlist.csv": lb_csv("watchlist", "2020-01-01,Heat,1995,https://boxd.it/a"),
            "watched.csv": lb_csv("watched", "2021-02-03,Heat,1995,https://boxd.it/a"),
        }
    )
    [heat] = parse_history(source="letterboxd", data=data)
    assert (heat.status, heat.watched_at, heat.file, heat.line) == ("seen", utc(2021, 2, 3), "watched.csv", 1)


def test_letterboxd_rating_comes_from_ratings_csv_else_the_latest_diary_entry() -> None:
    data = zip_bytes(
        {
            "diary.csv": lb_csv(
                "diary",
                "2020-01-01,Heat,1995,https://boxd.it/e1,2,,,2019-05-01",
                "2020-01-01,Heat,1995,https://boxd.it/e2,4,Yes,,2020-06-01",
                "2020-01-01,Heat,1995,https://boxd.it/e3,,Yes,,2018-01-01",
                "2020-01-01,Alien,1979,https://boxd.it/e4,3,,,2015-01-01",
                "2020-01-01,Alien,1979,https://boxd.it/e5,1.5,Yes,,2016-01-01",
            ),
            "ratings.csv": lb_csv("ratings", "2020-01-02,Heat,1995,https://boxd.it/f,5"),
        }
    )
    rows = by_title(parse_history(source="letterboxd", data=data))
    assert (rows["Heat"].rating, rows["Heat"].watched_at) == (10, utc(2020, 6, 1))
    assert (rows["Heat"].file, rows["Heat"].line) == (
        "ratings.csv",
        1,
    )  # ratings.csv is read before the diary
    assert (rows["Alien"].rating, rows["Alien"].watched_at) == (3, utc(2016, 1, 1))


def test_letterboxd_same_name_other_year_is_another_film() -> None:
    data = lb_csv("watched", "2020-01-01,Dune,1984,u", "2020-01-01,Dune,2021,u", "2020-01-01,Dune,1984,u")
    rows = parse_history(source="letterboxd", data=data.encode(), filename="watched.csv")
    assert [(r.title, r.year, r.line) for r in rows] == [("Dune", 1984, 1), ("Dune", 2021, 2)]


@pytest.mark.parametrize(
    ("stars", "ours"),
    [("0.5", 1), ("1", 2), ("1.5", 3), ("2.5", 5), ("3", 6), ("4.5", 9), ("5", 10)],
)
def test_letterboxd_half_stars_become_our_ten_point_scale(stars: str, ours: int) -> None:
    data = lb_csv("ratings", f"2020-01-01,Heat,1995,https://boxd.it/a,{stars}").encode()
    [row] = parse_history(source="letterboxd", data=data, filename="ratings.csv")
    assert (row.status, row.rating) == ("seen", ours)


@pytest.mark.parametrize("stars", ["", "0", "5.5", "7", "-1", "nan", "inf", "three", "4,5", "\u0661"])
def test_letterboxd_bad_rating_is_none_and_the_film_still_seen(stars: str) -> None:
    data = lb_csv("ratings", f'2020-01-01,Heat,1995,https://boxd.it/a,"{stars}"', "2020-01-01,Alien,1979,u,4")
    rows = by_title(parse_history(source="letterboxd", data=data.encode(), filename="ratings.csv"))
    assert (rows["Heat"].status, rows["Heat"].rating) == ("seen", None)
    assert rows["Alien"].rating == 8


def test_letterboxd_bad_year_and_date_become_none_and_rows_without_name_are_skipped() -> None:
    data = lb_csv(
        "diary",
        "2020-01-01,Heat,19x5,https://boxd.it/a,4,,,2020-02-30",
        "2020-01-01,,1979,https://boxd.it/b,4,,,2020-01-01",
        "",
        "2020-01-01,Alien,99999,https://boxd.it/c,4,,,yesterday",
        "2020-01-01,Short Row",
    )
    rows = parse_history(source="letterboxd", data=data.encode(), filename="diary.csv")
    assert [(r.title, r.year, r.watched_at, r.line) for r in rows] == [
        ("Heat", None, None, 1),
        ("Alien", None, None, 4),
        ("Short Row", None, None, 5),
    ]


def test_letterboxd_ignores_deleted_orphaned_lists_likes_and_reviews() -> None:
    row = "2020-01-01,Ghost,1990,https://boxd.it/a,4,,,2020-01-01"
    data = zip_bytes(
        {
            "export/watched.csv": lb_csv("watched", "2020-01-01,Heat,1995,https://boxd.it/h"),
            "export/deleted/diary.csv": lb_csv("diary", row),
            "export/orphaned/diary.csv": lb_csv("diary", row),
            "export/likes/films.csv": lb_csv("watched", "2020-01-01,Ghost,1990,https://boxd.it/a"),
            "export/lists/my-list.csv": "Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n",
            "export/reviews.csv": lb_csv("reviews", "2020-01-01,Ghost,1990,u,4,,<b>Wow</b>,,2020-01-01"),
            "export/comments.csv": "Date,Content,Comment\r\n2020-01-01,x,y\r\n",
            "export/profile.csv": "Date Joined,Username\r\n2020-01-01,someone\r\n",
            "__MACOSX/export/._watched.csv": b"\x00\x05\x16\x07binary",
        }
    )
    assert [r.title for r in parse_history(source="letterboxd", data=data)] == ["Heat"]


def test_letterboxd_quoted_multiline_fields_lf_endings_and_bom() -> None:
    text = (
        "\ufeffDate,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        '2020-01-01,"A ""Quoted""\r\nTitle, Really",2001,u,4,,"a, b",2020-01-02\n'
    )
    [row] = parse_history(source="letterboxd", data=text.encode(), filename="diary.csv")
    assert (row.title, row.year, row.rating) == ('A "Quoted"\r\nTitle, Really', 2001, 8)


def test_letterboxd_lone_csv_kind_comes_from_its_header_or_name() -> None:
    row = "2020-01-01,Heat,1995,https://boxd.it/a"
    [plain] = parse_history(source="letterboxd", data=lb_csv("watched", row).encode())
    [later] = parse_history(
        source="letterboxd",
        data=lb_csv("watchlist", row).encode(),
        filename=r"C:\Downloads\watchlist (1).csv",
    )
    assert (plain.status, plain.file, later.status, later.file) == (
        "seen",
        "letterboxd.csv",
        "later",
        "watchlist (1).csv",
    )
    [rated] = parse_history(
        source="letterboxd", data=lb_csv("ratings", row + ",3").encode(), filename="x.csv"
    )
    assert (rated.status, rated.rating) == ("seen", 6)


def test_letterboxd_reviews_csv_alone_is_refused_with_advice() -> None:
    data = lb_csv("reviews", "2020-01-01,Heat,1995,u,4,,Great,,2020-01-01").encode()
    with pytest.raises(ImportFormatError, match=r"reviews\.csv"):
        parse_history(source="letterboxd", data=data, filename="reviews.csv")


def test_letterboxd_csv_with_a_wrong_header_names_the_missing_columns() -> None:
    with pytest.raises(ImportFormatError, match=r"no Name, Year columns"):
        parse_history(source="letterboxd", data=b"Title,Released\r\nHeat,1995\r\n", filename="films.csv")
    with pytest.raises(ImportFormatError, match=r"ratings\.csv .*no Rating column"):
        parse_history(source="letterboxd", data=b"Date,Name,Year\r\n", filename="ratings.csv")


def test_letterboxd_zip_member_with_a_wrong_header_is_refused() -> None:
    data = zip_bytes({"watched.csv": lb_csv("watched"), "diary.csv": "Date,Name,Year\r\n"})
    with pytest.raises(ImportFormatError, match=r"diary\.csv .*no Watched Date column"):
        parse_history(source="letterboxd", data=data)


def test_letterboxd_zip_without_history_files_is_refused() -> None:
    data = zip_bytes({"profile.csv": "Date Joined,Username\r\n", "deleted/watched.csv": lb_csv("watched")})
    with pytest.raises(
        ImportFormatError, match=r"no watched\.csv, ratings\.csv, watchlist\.csv or diary\.csv"
    ):
        parse_history(source="letterboxd", data=data)


def test_letterboxd_header_only_export_has_no_rows() -> None:
    data = zip_bytes({"watched.csv": lb_csv("watched"), "watchlist.csv": lb_csv("watchlist")})
    assert parse_history(source="letterboxd", data=data) == []


# ---------------------------------------------------------------- IMDb: real exports

IMDB_COUNTS = {
    "v1-2011-ratings-style.csv": (13, 9, 4),  # rows, seen, later (one TV Episode skipped)
    "v1-2015-watchlist.csv": (12, 0, 12),
    "v2-2021-ratings.latin1.csv": (11, 11, 0),
    "v2-2021-watchlist.latin1.csv": (13, 0, 13),
    "v2-2022-watchlist.csv": (13, 1, 12),
    "v2-2022-watchlist.no-rating-cols.csv": (9, 0, 9),
    "v2-2023-ratings.csv": (12, 12, 0),
    "v3-2024-watchlist.csv": (16, 1, 15),
    "v3-2025-ratings.csv": (9, 9, 0),
    "v3-2025-ratings.it-localized.csv": (15, 15, 0),
}


def imdb_sample(name: str) -> list[HistoryRow]:
    return parse_history(source="imdb", data=(samples("imdb") / name).read_bytes(), filename=name)


@pytest.mark.parametrize("name", sorted(IMDB_COUNTS))
def test_imdb_every_sample_parses_into_sensible_rows(name: str) -> None:
    rows = imdb_sample(name)
    assert (len(rows), sum(r.status == "seen" for r in rows), sum(r.status == "later" for r in rows)) == (
        IMDB_COUNTS[name]
    )
    for row in rows:
        assert row.file == name
        assert row.imdb_id and row.imdb_id.startswith("tt")
        assert row.tmdb_id is None
        assert row.title
        assert row.media_type in ("movie", "tv")
        if row.status == "seen":
            assert row.rating is not None and 1 <= row.rating <= 10
        else:
            assert (row.rating, row.watched_at) == (None, None)
        assert row.watched_at is None or row.watched_at.tzinfo == UTC
    assert len(IMDB_COUNTS) == len(list(samples("imdb").glob("*.csv")))


def test_imdb_v1_ratings_list_reads_ctime_dates_and_skips_episodes() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v1-2011-ratings-style.csv")}
    inception = rows["tt1375666"]
    assert (inception.title, inception.year, inception.rating, inception.media_type) == (
        "Inception",
        2010,
        10,
        "movie",
    )
    assert inception.watched_at == utc(2011, 4, 23, 8, 36, 35)
    assert rows["tt0436058"].watched_at == utc(2011, 11, 3, 1, 33, 20)  # "Thu Nov  3 01:33:20 2011"
    assert rows["tt0468569"].title == "Il cavaliere oscuro"  # v1 titles follow the account language
    assert rows["tt1821681"].media_type == "tv"  # TV Series
    assert rows["tt0470982"].media_type == "movie"  # Video
    assert rows["tt0427342"].media_type == "movie"  # TV Movie
    assert rows["tt0300471"].status == "later"  # "You rated" empty
    assert "tt2450064" not in rows  # TV Episode: an episode's id


def test_imdb_v1_watchlist_greek_titles_and_types() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v1-2015-watchlist.csv")}
    assert rows["tt0861739"].title == "Οι επίλεκτοι"  # noqa: RUF001 (Greek letters, on purpose)
    assert rows["tt0099864"].media_type == "tv"  # Mini-Series
    assert rows["tt1682181"].media_type == "movie"  # Documentary
    odyssey = rows["tt4171100"]  # most fields empty
    assert (odyssey.year, odyssey.media_type, odyssey.status) == (2017, "tv", "later")


def test_imdb_v2_latin1_files_are_decoded_as_cp1252() -> None:
    ratings = {r.imdb_id: r for r in imdb_sample("v2-2021-ratings.latin1.csv")}
    birdman = ratings["tt2562232"]  # the row directed by Iñárritu (0xF1 0xE1)
    assert (birdman.title, birdman.rating, birdman.watched_at) == (
        "Birdman or (The Unexpected Virtue of Ignorance)",
        10,
        utc(2020, 4, 23),
    )
    watchlist = {r.imdb_id: r for r in imdb_sample("v2-2021-watchlist.latin1.csv")}
    assert watchlist["tt1149362"].title == "Das weiße Band - Eine deutsche Kindergeschichte"
    assert watchlist["tt7740510"].year == 2021  # Antlers: empty IMDb Rating / Num Votes
    assert watchlist["tt0115195"].media_type == "tv"  # tvMiniSeries


def test_imdb_cp1252_director_and_title_bytes_decode() -> None:
    data = (
        IMDB_V2_RATINGS + "\ntt2562232,10,2020-04-23,Amores perros (Iñárritu),u,movie,7.7,1,2000,D,1,,A\n"
    ).encode("cp1252")
    [row] = parse_history(source="imdb", data=data, filename="ratings.csv")
    assert row.title == "Amores perros (Iñárritu)"


def test_imdb_v2_watchlist_rated_title_is_seen_and_episode_skipped() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v2-2022-watchlist.csv")}
    travesty = rows["tt0157262"]
    assert (travesty.status, travesty.rating, travesty.watched_at) == ("seen", 6, utc(2020, 9, 7))
    assert "tt0708691" not in rows  # tvEpisode
    assert rows["tt7133084"].year is None  # empty Year
    assert rows["tt16301388"].media_type == "movie"  # tvSpecial
    assert rows["tt2390219"].media_type == "movie"  # short
    assert rows["tt0070904"].media_type == "tv"  # tvMiniSeries


def test_imdb_v2_ratings_map_every_type() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v2-2023-ratings.csv")}
    assert rows["tt0897387"].media_type == "movie"  # tvShort
    assert rows["tt1055366"].media_type == "movie"  # tvMovie
    assert rows["tt10326928"].media_type == "movie"  # video
    assert rows["tt1079959"].media_type == "tv"  # tvMiniSeries
    assert "tt0329200" not in rows  # tvEpisode
    assert rows["tt1002966"].title == "Ca$h"


def test_imdb_v3_prefers_the_original_title() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v3-2024-watchlist.csv")}
    assert rows["tt0070904"].title == "Welt am Draht"  # Title "World on a Wire"
    assert rows["tt0064781"].title == "Ovoce stromu rajských jíme"
    assert rows["tt0131461"].title == "The Life and Death of 9413, a Hollywood Extra"
    assert rows["tt17078368"].year is None
    assert "tt0708691" not in rows  # TV Episode
    assert rows["tt0157262"].rating == 6


def test_imdb_v3_italian_localised_types_are_mapped() -> None:
    rows = {r.imdb_id: r for r in imdb_sample("v3-2025-ratings.it-localized.csv")}
    assert rows["tt1074638"].media_type == "movie"  # Film
    assert rows["tt3647998"].media_type == "tv"  # Serie TV
    assert rows["tt31806037"].media_type == "tv"  # Mini serie TV
    assert rows["tt13623136"].media_type == "movie"  # Speciale TV
    assert rows["tt0009611"].media_type == "movie"  # Corto
    assert rows["tt0238414"].media_type == "movie"  # Video
    assert "tt1942612" not in rows  # Episodio TV
    assert (
        rows["tt0066995"].title == "Diamonds Are Forever"
    )  # Title is "Agente 007 - Una cascata di diamanti"
    assert rows["tt0102510"].title == "The Naked Gun 2½: The Smell of Fear"
    assert (rows["tt0066995"].rating, rows["tt0066995"].watched_at) == (5, utc(2025, 11, 29))


# ---------------------------------------------------------------- IMDb: rules


def test_imdb_columns_are_found_by_name_in_any_order_and_case() -> None:
    data = b"TITLE TYPE,your rating,Year,const,title,date added\r\nmovie,7,1995,tt0113277,Heat,2018-01-02\r\n"
    [row] = parse_history(source="imdb", data=data, filename="ratings.csv")
    assert (row.imdb_id, row.title, row.rating, row.year, row.watched_at) == (
        "tt0113277",
        "Heat",
        7,
        1995,
        utc(2018, 1, 2),
    )


def test_imdb_utf8_bom_is_stripped() -> None:
    data = (
        "\ufeff" + IMDB_V2_RATINGS + "\ntt0113277,8,2020-01-01,Heat,u,movie,8.3,170,1995,Crime,1,,M\n"
    ).encode()
    [row] = parse_history(source="imdb", data=data)
    assert (row.imdb_id, row.rating, row.file) == ("tt0113277", 8, "imdb.csv")


@pytest.mark.parametrize(
    ("title_type", "media_type"),
    [
        ("movie", "movie"),
        ("Feature Film", "movie"),
        ("TV MOVIE", "movie"),
        ("tvSpecial", "movie"),
        ("Film TV", "movie"),
        ("tvSeries", "tv"),
        ("TV Mini Series", "tv"),
        ("Mini-Series", "tv"),
        ("mini serie tv", "tv"),
        ("Video Game", None),
        ("", None),
    ],
)
def test_imdb_title_types_map_case_insensitively(title_type: str, media_type: str | None) -> None:
    data = f"Const,Your Rating,Title,Title Type\ntt0113277,8,Heat,{title_type}\n".encode()
    [row] = parse_history(source="imdb", data=data)
    assert row.media_type == media_type


@pytest.mark.parametrize("title_type", ["tvEpisode", "TV Episode", "Episodio TV"])
def test_imdb_episode_rows_are_skipped(title_type: str) -> None:
    data = f"Const,Your Rating,Title,Title Type\ntt0708691,8,Star Trek: Conspiracy,{title_type}\n".encode()
    assert parse_history(source="imdb", data=data) == []


def test_imdb_bad_values_become_none_without_losing_the_row() -> None:
    data = (
        b"Const,Your Rating,Date Rated,Title,Original Title,Title Type,Year\n"
        b"tt0113277,eleven,2020-13-01,Heat,,movie,19x5\n"
        b"tt0078748,11,,Alien,  ,movie,\n"
        b"nm0000123,7,2020-01-01,Not A Title Id,,movie,2001\n"
        b",,,,,,\n"
        b"tt0133093,7.0,2020-01-01,The Matrix,,movie,1999-2003\n"
    )
    rows = parse_history(source="imdb", data=data)
    assert [(r.line, r.imdb_id, r.title, r.status, r.rating, r.year, r.watched_at) for r in rows] == [
        (1, "tt0113277", "Heat", "seen", None, None, None),
        (2, "tt0078748", "Alien", "seen", None, None, None),
        (3, None, "Not A Title Id", "seen", 7, 2001, utc(2020, 1, 1)),
        (5, "tt0133093", "The Matrix", "seen", 7, 1999, utc(2020, 1, 1)),
    ]


def test_imdb_file_without_const_column_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no Const column"):
        parse_history(source="imdb", data=lb_csv("watched", "2020-01-01,Heat,1995,u").encode())


def test_imdb_zip_upload_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="ZIP"):
        parse_history(source="imdb", data=zip_bytes({"ratings.csv": IMDB_V2_RATINGS}))


def test_imdb_header_only_export_has_no_rows() -> None:
    assert parse_history(source="imdb", data=(IMDB_V2_RATINGS + "\r\n").encode()) == []


# ---------------------------------------------------------------- Trakt: real responses


def trakt_sample(name: str) -> list[HistoryRow]:
    return parse_history(source="trakt", data=(samples("trakt") / name).read_bytes(), filename=name)


def test_trakt_watched_movies_both_shapes() -> None:
    before = {r.title: r for r in trakt_sample("sync-watched-movies.2025-05.json")}
    assert len(before) == 8
    fight_club = before["Fight Club"]
    assert (
        fight_club.status,
        fight_club.media_type,
        fight_club.imdb_id,
        fight_club.tmdb_id,
        fight_club.year,
    ) == (
        "seen",
        "movie",
        "tt0137523",
        550,
        1999,
    )
    assert fight_club.watched_at == utc(2021, 8, 23, 20, 55, 31)
    # last_updated_at is before last_watched_at here: the watch date is last_watched_at.
    assert before["Licence to Kill"].watched_at == utc(2024, 7, 3, 3, 28, 50)

    paginated = {r.title: r for r in trakt_sample("sync-watched-movies.2026-08-paginated.json")}
    assert len(paginated) == 8
    assert paginated["Postcard from Earth"].year is None
    assert (paginated["Tenet"].tmdb_id, paginated["Tenet"].watched_at) == (577922, utc(2026, 7, 24, 2, 42))


@pytest.mark.parametrize(
    ("name", "count"),
    [("sync-watched-shows.2025-05.json", 3), ("sync-watched-shows.2026-08-paginated.json", 5)],
)
def test_trakt_watched_shows_with_and_without_seasons(name: str, count: int) -> None:
    rows = trakt_sample(name)
    assert len(rows) == count
    assert {(r.media_type, r.status) for r in rows} == {("tv", "seen")}
    assert all(r.tmdb_id and r.imdb_id and r.watched_at for r in rows)


def test_trakt_ratings_keep_the_rating_but_no_watch_date() -> None:
    movies = trakt_sample("sync-ratings-movies.2026-08.json")
    assert sorted(r.rating for r in movies) == [1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10]
    assert all(r.status == "seen" and r.watched_at is None and r.media_type == "movie" for r in movies)
    shows = {r.title: r for r in trakt_sample("sync-ratings-shows.2026-08.json")}
    assert (
        shows["The Lost Room"].media_type,
        shows["The Lost Room"].rating,
        shows["The Lost Room"].tmdb_id,
    ) == (
        "tv",
        9,
        3868,
    )


def test_trakt_episode_ratings_are_skipped() -> None:
    assert trakt_sample("sync-ratings-episodes.2026-08.json") == []


def test_trakt_watchlist_is_later() -> None:
    rows = trakt_sample("sync-watchlist.2026-08.json")
    assert [(r.media_type, r.status) for r in rows] == [("movie", "later")] * 4 + [("tv", "later")] * 3
    assert sum(r.year is None for r in rows) == 3
    assert all(r.watched_at is None and r.rating is None for r in rows)


def test_trakt_history_movies_and_episodes_merged_per_show() -> None:
    movies = trakt_sample("sync-history-movies.FIXTURE-trakt.py.json")
    assert [(r.title, r.watched_at) for r in movies] == [
        ("The Dark Knight", utc(2014, 3, 31, 9, 28, 53)),
        ("Thor: The Dark World", utc(2013, 12, 7, 9, 4, 59)),
        ("TRON: Legacy", utc(2013, 6, 15, 5, 54, 27)),
    ]
    [show] = trakt_sample("sync-history-shows.FIXTURE-trakt.py.json")  # three episodes of one show
    assert (show.title, show.media_type, show.tmdb_id, show.imdb_id, show.line) == (
        "Parks and Recreation",
        "tv",
        8592,
        "tt1266020",
        1,
    )


def test_trakt_export_history_element() -> None:
    element = json.loads(
        (samples("trakt") / "export-zip.watched-history-N.ONE-ELEMENT.from-issue.json").read_bytes()
    )
    [row] = parse_history(
        source="trakt", data=json.dumps([element]).encode(), filename="watched-history-1.json"
    )
    assert (row.file, row.line, row.title, row.tmdb_id, row.imdb_id, row.year) == (
        "watched-history-1.json",
        1,
        "The Dark Knight",
        155,
        "tt0468569",
        2008,
    )
    assert row.watched_at == utc(2014, 4, 5, 15, 27)


def test_trakt_export_zip_of_the_real_responses_merges_titles() -> None:
    folder = samples("trakt")
    data = zip_bytes(
        {
            "watched/watched-movies.json": (
                folder / "sync-watched-movies.2026-08-paginated.json"
            ).read_bytes(),
            "watched/watched-shows.json": (folder / "sync-watched-shows.2025-05.json").read_bytes(),
            "ratings/ratings-movies.json": (folder / "sync-ratings-movies.2026-08.json").read_bytes(),
            "ratings/ratings-episodes.json": b"not even json",
            "lists/lists-watchlist.json": (folder / "sync-watchlist.2026-08.json").read_bytes(),
            "watched-history-1.json": (folder / "sync-history-movies.FIXTURE-trakt.py.json").read_bytes(),
            "user-settings.json": b"{}",
            "collection-movies.json": b"[]",
        }
    )
    rows = by_title(parse_history(source="trakt", data=data, filename="trakt-export.zip"))
    # Watched (paginated) and rated: one row with both facts.
    tenet = rows["Tenet"]
    assert (tenet.status, tenet.rating, tenet.watched_at, tenet.file) == (
        "seen",
        10,
        utc(2026, 7, 24, 2, 42),
        "watched-movies.json",
    )
    assert rows["Is God Is"].rating == 5
    assert rows["HIM"].watched_at is None  # rated only
    assert rows["Adolescence"].media_type == "tv"
    assert rows["Polaris"].status == "later"
    assert rows["The Dark Knight"].file == "watched-history-1.json"
    assert len(rows) == 8 + 3 + 12 - 5 + 7 + 3  # five rated movies were also watched


# ---------------------------------------------------------------- Trakt: rules


def movie(
    title: str, *, tmdb: object = 1, imdb: object = "tt0000001", year: object = 2000
) -> dict[str, object]:
    return {"title": title, "year": year, "ids": {"trakt": 9, "imdb": imdb, "tmdb": tmdb}}


def trakt(items: object, filename: str = "items.json") -> list[HistoryRow]:
    return parse_history(source="trakt", data=json.dumps(items).encode(), filename=filename)


def test_trakt_seen_beats_later_and_the_latest_watch_date_wins() -> None:
    heat = movie("Heat", tmdb=949, imdb="tt0113277")
    rows = trakt(
        [
            {"listed_at": "2020-01-01T00:00:00.000Z", "type": "movie", "movie": heat},
            {"watched_at": "2021-01-01T10:00:00.000Z", "action": "watch", "type": "movie", "movie": heat},
            {"watched_at": "2023-05-01T10:00:00.000Z", "action": "scrobble", "type": "movie", "movie": heat},
            {"plays": 2, "last_watched_at": "2022-01-01T00:00:00.000Z", "movie": heat},
            {"rated_at": "2024-01-01T23:59:59.000Z", "rating": 8, "type": "movie", "movie": heat},
        ]
    )
    assert rows == [
        HistoryRow(
            file="items.json",
            line=1,
            media_type="movie",
            status="seen",
            rating=8,
            imdb_id="tt0113277",
            tmdb_id=949,
            title="Heat",
            year=2000,
            watched_at=utc(2023, 5, 1, 10),
            # The rating's own date; "seen" as of the latest item saying so (the rating counts: rated, seen).
            rated_at=utc(2024, 1, 1, 23, 59, 59),
            status_at=utc(2024, 1, 1, 23, 59, 59),
        )
    ]


def test_trakt_tmdb_zero_falls_back_to_imdb_then_title_and_year() -> None:
    rows = trakt(
        [
            {
                "listed_at": "2020-01-01T00:00:00Z",
                "type": "movie",
                "movie": movie("A", tmdb=0, imdb="tt0000002"),
            },
            {"plays": 1, "last_watched_at": None, "movie": movie("A again", tmdb=None, imdb="tt0000002")},
            {"listed_at": "2020-01-01T00:00:00Z", "movie": movie("B", tmdb=0, imdb=None, year=None)},
            {"watched_at": "2020-01-01T00:00:00Z", "movie": movie("b", tmdb="12", imdb="nm1", year=None)},
            {"listed_at": "2020-01-01T00:00:00Z", "movie": movie("B", tmdb=0, imdb=None, year=1999)},
        ]
    )
    assert [(r.title, r.tmdb_id, r.imdb_id, r.year, r.status) for r in rows] == [
        ("A", None, "tt0000002", 2000, "seen"),
        ("B", None, None, None, "seen"),
        ("B", None, None, 1999, "later"),
    ]


def test_trakt_same_ids_as_movie_and_show_stay_apart() -> None:
    rows = trakt(
        [
            {"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie("Fargo", tmdb=275)},
            {"listed_at": "2020-01-01T00:00:00Z", "type": "show", "show": movie("Fargo", tmdb=275)},
        ]
    )
    assert [r.media_type for r in rows] == ["movie", "tv"]


def test_trakt_season_episode_and_person_items_are_skipped() -> None:
    show = movie("Lost", tmdb=4607)
    episode = {"season": 1, "number": 1, "ids": {"tmdb": 0}}
    rows = trakt(
        [
            {
                "rated_at": "2020-01-01T00:00:00Z",
                "rating": 9,
                "type": "season",
                "season": {"number": 1},
                "show": show,
            },
            {
                "rated_at": "2020-01-01T00:00:00Z",
                "rating": 9,
                "type": "episode",
                "episode": episode,
                "show": show,
            },
            {"listed_at": "2020-01-01T00:00:00Z", "type": "episode", "episode": episode, "show": show},
            {"listed_at": "2020-01-01T00:00:00Z", "type": "person", "person": {"name": "X"}},
            {"watched_at": "2020-02-01T00:00:00Z", "type": "episode", "episode": episode, "show": show},
        ]
    )
    assert [(r.title, r.media_type, r.status, r.rating, r.line) for r in rows] == [
        ("Lost", "tv", "seen", None, 5)
    ]


def test_trakt_bad_values_become_none() -> None:
    rows = trakt(
        [
            {"rated_at": "yesterday", "rating": 11, "type": "movie", "movie": movie("A", year="1999")},
            {
                "rated_at": "2020-01-01T00:00:00Z",
                "rating": True,
                "type": "movie",
                "movie": movie("B", tmdb=2),
            },
            {"watched_at": "2020-99-01", "type": "movie", "movie": movie("C", tmdb=-3, imdb="tt1", year=[1])},
            {"listed_at": 5, "type": "movie", "movie": {"title": None, "ids": "?"}},
            {"listed_at": 5, "type": "movie", "movie": "Heat"},
        ]
    )
    assert [(r.title, r.rating, r.tmdb_id, r.imdb_id, r.year, r.watched_at) for r in rows] == [
        ("A", None, 1, "tt0000001", 1999, None),
        ("B", None, 2, "tt0000001", 2000, None),
        ("C", None, None, None, None, None),
    ]


def test_trakt_timestamps_become_utc() -> None:
    [row] = trakt([{"watched_at": "2020-01-01T01:30:00+02:00", "type": "movie", "movie": movie("A")}])
    assert row.watched_at == utc(2019, 12, 31, 23, 30)
    assert row.watched_at.tzinfo == UTC


def test_trakt_empty_array_is_an_empty_export() -> None:
    assert trakt([]) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"plays": 1}', "expected a JSON array"),
        (b"{}", "expected a JSON array"),
        (b'"text"', "expected a JSON array"),
        (b"[1, 2]", "item 1 is not an object"),
        (b'[{"foo": 1}, {"bar": 2}]', "not watched, ratings, watchlist or history items"),
        (b'[{"collected_at": "2020-01-01T00:00:00Z", "movie": {}}]', "not watched, ratings"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"[" + b"9" * 5000 + b"]", "not valid JSON"),
        (b"\xff\xfe[\x00]\x00", "not UTF-8 JSON"),
    ],
)
def test_trakt_refuses_what_is_not_an_array_of_items(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_history(source="trakt", data=data, filename="ratings-movies.json")


def test_trakt_zip_without_history_files_is_refused() -> None:
    data = zip_bytes(
        {"user-settings.json": "{}", "ratings-episodes.json": "[]", "collection-movies.json": "[]"}
    )
    with pytest.raises(ImportFormatError, match="not a Trakt export"):
        parse_history(source="trakt", data=data)


def test_trakt_zip_member_with_invalid_json_is_named() -> None:
    data = zip_bytes({"watched-movies.json": "[]", "watched-history-3.json": "[{"})
    with pytest.raises(ImportFormatError, match=r"watched-history-3\.json is not valid JSON"):
        parse_history(source="trakt", data=data)


def test_trakt_zip_history_files_in_numeric_order() -> None:
    def history(title: str, tmdb: int) -> str:
        return json.dumps(
            [{"watched_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie(title, tmdb=tmdb)}]
        )

    data = zip_bytes(
        {"watched-history-10.json": history("Ten", 10), "watched-history-2.json": history("Two", 2)}
    )
    assert [r.file for r in parse_history(source="trakt", data=data)] == [
        "watched-history-2.json",
        "watched-history-10.json",
    ]


# ---------------------------------------------------------------- every source: bad input and guards


def test_unknown_source_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="Unknown import source 'netflix'"):
        parse_history(source="netflix", data=b"Title,Date\n")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("data", [b"", b" \r\n\t"])
def test_empty_file_is_refused(source: str, data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        parse_history(source=source, data=data)


@pytest.mark.parametrize("source", ["letterboxd", "trakt"])
@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 this is not really a zip",
        zip_bytes({"watched.csv": lb_csv("watched", "2020-01-01,Heat,1995,u"), "watched-movies.json": "[]"})[
            :-30
        ],
    ],
)
def test_corrupt_zip_is_refused(source: str, data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="ZIP file is damaged"):
        parse_history(source=source, data=data)


def test_zip_member_with_a_bad_checksum_is_refused() -> None:
    content = lb_csv("watched", *[f"2020-01-01,Film {i},2000,u" for i in range(50)]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("watched.csv", content)
    data = buffer.getvalue().replace(b"Film 25,", b"Film 26,", 1)
    with pytest.raises(ImportFormatError, match="ZIP file is damaged"):
        parse_history(source="letterboxd", data=data)


def test_zip_member_over_16_mb_uncompressed_is_refused(settings) -> None:
    settings.IMPORT_MAX_UPLOAD_MB = 16
    data = zip_bytes({"watched.csv": lb_csv("watched") + " " * (16 * 1024 * 1024)})
    assert len(data) < 200_000  # a zip bomb: small on the wire
    with pytest.raises(ImportFormatError, match="more than 16 MB"):
        parse_history(source="letterboxd", data=data)


def test_zip_members_over_the_total_budget_are_refused(settings) -> None:
    settings.IMPORT_MAX_UPLOAD_MB = 1  # four files of 1 MB in all
    data = zip_bytes({f"watched-history-{i}.json": "[]" + " " * (MB - 100) for i in range(5)})
    with pytest.raises(ImportFormatError, match="ZIP file is too large"):
        parse_history(source="trakt", data=data)


def test_a_file_plain_or_zipped_is_at_most_the_upload_limit_uncompressed(settings) -> None:
    """One setting, IMPORT_MAX_UPLOAD_MB: the upload, each file of a ZIP once uncompressed, four of them."""
    settings.IMPORT_MAX_UPLOAD_MB = 1
    count = (MB - 24) // 17
    at_limit = b"Const,Your Rating,Title\n" + b"tt0113277,8,Heat\n" * count
    assert len(at_limit) <= MB
    assert len(parse_history(source="imdb", data=at_limit)) == count
    over = at_limit + b"tt0113277,8,Heat\n"
    with pytest.raises(ImportFormatError, match=r"^The file is too large \(more than 1 MB\)\.$"):
        parse_history(source="imdb", data=over)
    member = "[]" + " " * MB
    with pytest.raises(
        ImportFormatError, match=r"watched-movies\.json is too large \(more than 1 MB uncompressed"
    ):
        parse_history(source="trakt", data=zip_bytes({"watched-movies.json": member}))
    five = {f"watched-history-{i}.json": member[: MB - 100] for i in range(5)}
    with pytest.raises(ImportFormatError, match=r"ZIP file is too large \(more than 4 MB uncompressed"):
        parse_history(source="trakt", data=zip_bytes(five))
    assert parse_history(source="trakt", data=zip_bytes(dict(list(five.items())[:4]))) == []


def test_csv_with_more_than_100000_rows_is_refused() -> None:
    data = b"Const,Your Rating,Title\n" + b"tt0113277,8,Heat\n" * 100_001
    with pytest.raises(ImportFormatError, match="more than 100,000 rows"):
        parse_history(source="imdb", data=data)


def test_the_row_limit_counts_every_file_of_a_zip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_ROWS", 3)
    watched = lb_csv("watched", "2020-01-01,A,2000,u", "2020-01-01,B,2000,u")
    data = zip_bytes({"watched.csv": watched, "watchlist.csv": watched.replace("A,", "C,")})
    with pytest.raises(ImportFormatError, match="more than 3 rows and items in all"):
        parse_history(source="letterboxd", data=data)


def test_csv_at_the_row_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_ROWS", 3)
    data = lb_csv("watched", "2020-01-01,A,2000,u", "2020-01-01,B,2000,u", "2020-01-01,C,2000,u").encode()
    assert len(parse_history(source="letterboxd", data=data)) == 3
    with pytest.raises(ImportFormatError, match="more than 3 rows"):
        parse_history(source="letterboxd", data=data + b"2020-01-01,D,2000,u\r\n")


def test_json_with_too_many_items_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_ROWS", 2)
    item = {"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie("A")}
    assert len(trakt([item, item])) == 1
    with pytest.raises(ImportFormatError, match="more than 2 items"):
        trakt([item, item, item])


@pytest.mark.parametrize(
    ("source", "data"),
    [
        ("letterboxd", b"Date,Name,Year\n\x00\x81\x8d\x8f\x90\x9d\n"),
        ("imdb", b"Const\ntt0113277\n\x81"),
        ("imdb", b'Const,Title\ntt0113277,"' + b"x" * 200_000 + b'"\n'),
    ],
)
def test_undecodable_or_malformed_text_is_refused(source: str, data: bytes) -> None:
    with pytest.raises(ImportFormatError):
        parse_history(source=source, data=data)


def test_nul_characters_are_dropped_from_titles() -> None:
    [lb] = parse_history(source="letterboxd", data=b"Date,Name,Year\n2020-01-01,\x00He\x00at,1995\n")
    [tr] = trakt([{"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie("He\u0000at")}])
    assert lb.title == tr.title == "Heat"


def sample_files(source: str) -> list[tuple[str, bytes]]:
    folder = samples(source)
    return [(p.name, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


@pytest.mark.parametrize("source", SOURCES)
def test_damaged_copies_of_the_samples_fail_only_with_import_format_error(source: str) -> None:
    """Flipped, dropped and cut bytes, zipped or not: a row, a None, or ImportFormatError, nothing else."""
    rng = random.Random(f"importers-{source}")
    files = sample_files(source)
    for _ in range(300):
        name, content = rng.choice(files)
        damaged = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(damaged))
            if rng.random() < 0.5:
                damaged[position] = rng.randrange(256)
            else:
                del damaged[position]
        data = bytes(damaged[: rng.randint(1, len(damaged))] if rng.random() < 0.3 else damaged)
        if rng.random() < 0.3:
            data = zip_bytes({name: data})
            if rng.random() < 0.5:
                flipped = bytearray(data)
                flipped[rng.randrange(len(flipped))] ^= 0xFF
                data = bytes(flipped)
        try:
            rows = parse_history(source=source, data=data, filename=name)
        except ImportFormatError:
            continue
        for row in rows:
            assert row.status in ("seen", "later")
            assert row.rating is None or 1 <= row.rating <= 10
            assert row.watched_at is None or row.watched_at.tzinfo == UTC


# ---------------------------------------------------------------- bounded memory, hostile files


def peak_mb(action: Callable[[], object]) -> float:
    """The peak of memory Python allocated while `action` ran, in MB (the input was built before)."""
    tracemalloc.start()
    try:
        action()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1024 / 1024


def refused(source: str, data: bytes, message: str) -> Callable[[], None]:
    def action() -> None:
        with pytest.raises(ImportFormatError, match=message):
            parse_history(source=source, data=data, filename="upload")

    return action


def test_the_largest_plain_file_the_upload_takes_is_read_in_bounded_memory() -> None:
    """IMPORT_MAX_UPLOAD_MB (20) of IMDb ratings, 100,000 rows: once over the importers' own 16 MB cap."""
    row = "tt{:07d},8,2020-01-01,{} {:06d},movie,{}\n"
    header = "Const,Your Rating,Date Rated,Title,Title Type,Genres\n"
    data = (header + "".join(row.format(i, "T" * 60, i, "g" * 110) for i in range(100_000))).encode()
    assert 19 * MB < len(data) <= 20 * MB
    rows: list[HistoryRow] = []
    assert peak_mb(lambda: rows.extend(parse_history(source="imdb", data=data))) < 100
    assert len(rows) == 100_000


def test_zip_of_comma_lines_is_refused_at_the_first_row_in_bounded_memory() -> None:
    """Each member nearly 16 MB of commas: once 2 GB of empty cells before it was refused."""
    line = "," * (1024 * 1024 - 1) + "\n"
    member = lb_csv("watched") + line * 15
    data = zip_bytes(dict.fromkeys(("watched.csv", "ratings.csv", "diary.csv", "watchlist.csv"), member))
    assert len(data) < 100_000
    assert peak_mb(refused("letterboxd", data, r"watched\.csv, line 2: the row is longer than")) < 8


def test_csv_row_with_more_cells_than_any_export_is_refused_naming_file_and_line() -> None:
    data = lb_csv("watched", "2020-01-01,Heat,1995,u", "2020-01-01,Heat,1995,u" + "," * 64).encode()
    with pytest.raises(ImportFormatError, match=r"watched\.csv, line 3: the row has more than 64 cells"):
        parse_history(source="letterboxd", data=data, filename="watched.csv")
    at_limit = lb_csv("watched", "2020-01-01,Heat,1995,u" + "," * 60).encode()
    assert [r.title for r in parse_history(source="letterboxd", data=at_limit)] == ["Heat"]


def test_quoted_line_breaks_cannot_make_one_endless_row() -> None:
    """Cells of "a<newline>" are short lines, but all one row: it is cut off by its length."""
    data = zip_bytes({"watched.csv": lb_csv("watched") + '"a\n",' * (3 * 1024 * 1024) + "\n"})
    assert peak_mb(refused("letterboxd", data, "the row is longer than 262,144 characters")) < 8


def test_trakt_array_of_empty_objects_is_refused_while_it_is_read() -> None:
    """16 million "{}" once cost 1.5 GB: items are counted as they are decoded."""
    bomb = b"[" + b"{}," * (5 * 1024 * 1024) + b"{}]"
    assert peak_mb(refused("trakt", zip_bytes({"watched-movies.json": bomb}), "more than 100,000 items")) < 8
    assert peak_mb(refused("trakt", bomb[: 15 * 1024 * 1024] + b"{}]", "more than 100,000 items")) < 8


def test_one_huge_trakt_item_is_refused() -> None:
    item = b'{"plays": 1, "movie": {"title": "A", "ids": {"tmdb": 1}}, "junk": [' + b"{}," * 400_000 + b"{}]}"
    data = zip_bytes({"watched-movies.json": b"[" + item + b"]"})
    assert peak_mb(refused("trakt", data, r"watched-movies\.json: item 1 is larger than 1 MB")) < 40


def test_deeply_nested_trakt_json_is_refused_in_bounded_memory() -> None:
    data = zip_bytes({"watched-movies.json": b"[" * (15 * 1024 * 1024)})
    assert peak_mb(refused("trakt", data, "nested too deeply")) < 8


def test_zip_with_too_long_a_list_of_files_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importers, "MAX_ZIP_DIRECTORY_BYTES", 2000)
    data = zip_bytes({f"folder/{i}/watched-history-{i}.json": "[]" for i in range(40)})
    with pytest.raises(ImportFormatError, match="lists too many files"):
        parse_history(source="trakt", data=data)


def test_long_cells_do_not_fill_the_parsers_caches() -> None:
    """Distinct 100 KB dates and title types, one per row: none of them may stay in memory."""
    rows = [f"tt{1000000 + i},8,{i:06d}{'-' * 100_000},Film {i},{'x' * 100_000}{i}" for i in range(80)]
    data = ("Const,Your Rating,Date Rated,Title,Title Type\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 15_000_000
    peak = peak_mb(lambda: parse_history(source="imdb", data=data))
    assert peak < 8


def test_a_title_over_300_characters_is_cut_and_marked() -> None:
    long_title = "The Longest Title " * 30  # 540 characters
    [lb] = parse_history(
        source="letterboxd", data=lb_csv("watched", f'2020-01-01,"{long_title}",2000,u').encode()
    )
    [imdb] = parse_history(
        source="imdb", data=f'Const,Your Rating,Title\ntt0113277,8,"{long_title}"\n'.encode()
    )
    [tr] = trakt([{"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie(long_title)}])
    for row in (lb, imdb, tr):
        assert row.title_too_long
        assert row.title == long_title.strip()[: importers.MAX_TITLE_CHARS]
    [short] = parse_history(source="letterboxd", data=lb_csv("watched", "2020-01-01,Heat,1995,u").encode())
    assert not short.title_too_long


def test_a_million_character_title_is_read_in_linear_time() -> None:
    title = "()" * 500_000
    rows = trakt([{"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie(title)}])
    assert [(r.title, r.title_too_long) for r in rows] == [("()" * 150, True)]


def test_lone_surrogates_are_dropped_from_strings() -> None:
    """JSON may escape half of a surrogate pair; no database can store it."""
    item = b'{"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": {"title": "He\\ud800at\\udfff"}}'
    data = b"[" + item + b"]"
    [row] = parse_history(source="trakt", data=data, filename="watch\udc80list.json")
    assert (row.title, row.file) == ("Heat", "watchlist.json")


@pytest.mark.parametrize(
    ("tmdb", "kept"), [(2**31 - 1, 2**31 - 1), (2**31, None), (2**63, None), (10**30, None), (-5, None)]
)
def test_trakt_tmdb_ids_outside_the_column_range_count_as_absent(tmdb: int, kept: int | None) -> None:
    [row] = trakt([{"listed_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie("A", tmdb=tmdb)}])
    assert row.tmdb_id == kept
