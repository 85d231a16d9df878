"""The source read from the file itself (`source=auto`), and the dates rows carry for the import to compare
with what the user did here. Files written here in the shapes of real exports."""

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import User
from library.importers import AUTO, ImportFormatError, parse_history, source_of
from library.models import Entry, ImportJob
from tests.factories import TitleFactory

IMDB_V3 = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors\n"
    'tt0113277,8,2024-02-01,"Heat","Heat",https://www.imdb.com/title/tt0113277,Movie,8.3,170,1995,"Crime",'
    '700000,"1995-12-15","Michael Mann"\n'
)
IMDB_V1 = (
    '"position","const","created","modified","description","Title","Title type","Directors","You rated",'
    '"IMDb Rating","Runtime (mins)","Year","Genres","Num. Votes","Release Date (month/day/year)","URL"\n'
    '"1","tt0113277","Sat Apr 23 08:36:35 2011","Sat Apr 23 08:36:35 2011","","Heat","Feature Film",'
    '"Michael Mann","9","8.3","170","1995","crime","1","1995-12-15","http://www.imdb.com/title/tt0113277/"\n'
)
IMDB_WATCHLIST = (
    "Position,Const,Created,Modified,Description,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors\n"
    "1,tt0113277,2021-06-02,2021-06-02,,Heat,https://www.imdb.com/title/tt0113277/,movie,8.3,170,1995,"
    '"Crime",1,1995-12-15,Michael Mann\n'
)
LB_RATINGS = "\ufeffDate,Name,Year,Letterboxd URI,Rating\r\n2017-12-15,Heat,1995,https://boxd.it/h1,4\r\n"
LB_DIARY = (
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\r\n"
    "2021-04-13,Heat,1995,https://boxd.it/1N7EjP,3,Yes,,2003-04-13\r\n"
)
TRAKT_RATINGS = [
    {
        "rated_at": "2026-08-19T06:05:25.000Z",
        "rating": 7,
        "type": "movie",
        "movie": {"title": "Heat", "year": 1995, "ids": {"trakt": 1, "imdb": "tt0113277", "tmdb": 949}},
    }
]


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("ratings.csv", IMDB_V3.encode(), "imdb"),
        ("ratings.csv", IMDB_V1.encode(), "imdb"),
        ("WATCHLIST.CSV", IMDB_WATCHLIST.encode("cp1252"), "imdb"),
        ("ratings.csv", LB_RATINGS.encode(), "letterboxd"),
        ("export.csv", LB_DIARY.encode(), "letterboxd"),
        ("letterboxd-ann-2024-05-01-10-30-utc.zip", zipped({"ratings.csv": LB_RATINGS}), "letterboxd"),
        (
            "export.zip",
            zipped({"ann/diary.csv": LB_DIARY, "ann/profile.csv": "Username\r\nann\r\n"}),
            "letterboxd",
        ),
        ("ratings-movies.json", json.dumps(TRAKT_RATINGS).encode(), "trakt"),
        ("data.json", b"\xef\xbb\xbf \n" + json.dumps(TRAKT_RATINGS).encode(), "trakt"),
        ("trakt.zip", zipped({"ratings-movies.json": json.dumps(TRAKT_RATINGS)}), "trakt"),
    ],
)
def test_the_source_is_read_from_the_file(filename: str, data: bytes, expected: str) -> None:
    assert source_of(source=AUTO, data=data, filename=filename) == expected
    assert parse_history(source=AUTO, data=data, filename=filename)  # and the file reads as that source


@pytest.mark.parametrize(
    "data",
    [
        b"Title,Date\nBreaking Bad: Season 1,01/02/2021\n",  # Netflix viewing history
        zipped({"notes.txt": "hello"}),
        b"   ",
    ],
)
def test_a_file_of_no_known_service_is_refused_by_name(data: bytes) -> None:
    with pytest.raises(ImportFormatError):
        source_of(source=AUTO, data=data, filename="history.csv")


def test_an_explicit_source_overrides_the_detection() -> None:
    assert source_of(source="imdb", data=LB_RATINGS.encode(), filename="ratings.csv") == "imdb"


def test_rows_carry_the_dates_of_their_rating_and_status() -> None:
    [imdb] = parse_history(source="imdb", data=IMDB_V3.encode(), filename="ratings.csv")
    assert (imdb.rated_at, imdb.status_at) == (datetime(2024, 2, 1, tzinfo=UTC),) * 2
    [listed] = parse_history(source="imdb", data=IMDB_WATCHLIST.encode(), filename="watchlist.csv")
    assert (listed.status, listed.rated_at, listed.status_at) == (
        "later",
        None,
        datetime(2021, 6, 2, tzinfo=UTC),
    )
    [v1] = parse_history(source="imdb", data=IMDB_V1.encode(), filename="ratings.csv")
    assert v1.rated_at == datetime(2011, 4, 23, 8, 36, 35, tzinfo=UTC)
    # A diary's rating was given when the entry was logged (Date), not on the day watched years before.
    [diary] = parse_history(source="letterboxd", data=LB_DIARY.encode(), filename="diary.csv")
    assert (diary.watched_at, diary.rated_at, diary.status_at) == (
        datetime(2003, 4, 13, tzinfo=UTC),
        datetime(2021, 4, 13, tzinfo=UTC),
        datetime(2021, 4, 13, tzinfo=UTC),
    )
    [trakt] = parse_history(source="trakt", data=json.dumps(TRAKT_RATINGS).encode(), filename="r.json")
    assert trakt.rated_at == datetime(2026, 8, 19, 6, 5, 25, tzinfo=UTC)


def test_a_letterboxd_zips_name_dates_the_rows_that_have_no_date() -> None:
    data = zipped(
        {"watched.csv": "Date,Name,Year,Letterboxd URI\r\n,Heat,1995,x\r\n2020-01-02,Alien,1979,y\r\n"}
    )
    rows = parse_history(source=AUTO, data=data, filename="letterboxd-ann-2024-05-01-10-30-utc.zip")
    assert {r.title: r.status_at for r in rows} == {
        "Heat": datetime(2024, 5, 1, 10, 30, tzinfo=UTC),
        "Alien": datetime(2020, 1, 2, tzinfo=UTC),
    }
    undated = parse_history(source=AUTO, data=data, filename="export.zip")
    assert {r.title: r.status_at for r in undated}["Heat"] is None


# ---------------------------------------------------------------- through the API


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def _upload(client: APIClient, source: str, name: str, data: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/me/import", {"source": source, "file": SimpleUploadedFile(name, data)}, format="multipart"
            )

    return _upload


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("ratings.csv", IMDB_V3.encode(), "imdb"),
        ("letterboxd-ann-2024-05-01-10-30-utc.zip", zipped({"ratings.csv": LB_RATINGS}), "letterboxd"),
        ("ratings-movies.json", json.dumps(TRAKT_RATINGS).encode(), "trakt"),
    ],
)
def test_the_api_takes_source_auto_and_the_job_names_the_source_found(
    upload: Callable, auth_client: APIClient, user: User, name: str, data: bytes, expected: str
) -> None:
    heat = TitleFactory(title_en="Heat", year=1995, imdb_id="tt0113277", tmdb_id=949)
    response = upload(auth_client, "auto", name, data)
    assert response.status_code == 202, response.content
    body = auth_client.get(f"/me/import/{response.json()['id']}").json()
    assert (body["source"], body["status"]) == (expected, "done")
    assert Entry.objects.get(user=user).title == heat


@pytest.mark.django_db
def test_the_api_says_when_auto_finds_no_source(upload: Callable, auth_client: APIClient) -> None:
    response = upload(auth_client, "auto", "history.csv", b"Title,Date\nSomething,01/02/2021\n")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "choose its source" in body["errors"]["file"][0]
    assert not ImportJob.objects.exists()
