"""Imports that respect what the user did here: a status or rating set on the site after the file's date is
kept, and the report lists each change and each choice kept (through the HTTP API, contract-checked)."""

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Title
from library.models import Entry, ImportJob, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db

IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors\n"
)


def imdb_row(imdb_id: str, rating: int, day: str, title: str, year: int) -> str:
    return (
        f'{imdb_id},{rating},{day},"{title}","{title}",https://www.imdb.com/title/{imdb_id},Movie,7.5,120,'
        f'{year},"Drama",1000,"{year}-01-01","Someone"\n'
    )


@pytest.fixture
def films() -> dict[str, Title]:
    return {
        "magnolia": TitleFactory(title_en="Magnolia", year=1999, imdb_id="tt0175880"),
        "argo": TitleFactory(title_en="Argo", year=2012, imdb_id="tt1024648"),
        "heat": TitleFactory(title_en="Heat", year=1995, imdb_id="tt0113277"),
    }


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def _upload(client: APIClient, source: str, name: str, data: bytes) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/me/import", {"source": source, "file": SimpleUploadedFile(name, data)}, format="multipart"
            )
        assert response.status_code == 202, response.content
        body = client.get(f"/me/import/{response.json()['id']}")
        assert body.status_code == 200
        return body.json()

    return _upload


def entry(user: User, title: Title, status: str, rating: int | None, changed: datetime) -> Entry:
    made = Entry.objects.create(user=user, title=title, status=status, rating=rating)
    Entry.objects.filter(pk=made.pk).update(updated_at=changed)  # auto_now: set the past by an update
    return made


def test_a_rating_given_here_after_the_files_date_is_kept_and_reported(
    upload: Callable, auth_client: APIClient, user: User, films: dict
) -> None:
    """The reported case: rated 9 here minutes ago, the IMDb file (rated 8 in March) must not replace it."""
    entry(user, films["magnolia"], Status.SEEN, 9, timezone.now())
    entry(user, films["argo"], Status.LATER, None, datetime(2025, 1, 5, 12, tzinfo=UTC))
    csv = IMDB_HEADER + imdb_row("tt0175880", 8, "2025-03-15", "Magnolia", 1999)
    csv += imdb_row("tt1024648", 9, "2025-03-15", "Argo", 2012)
    body = upload(auth_client, "imdb", "ratings.csv", csv.encode())

    assert body["status"] == "done"
    assert body["counts"] == {"matched": 2, "created": 0, "updated": 2, "unmatched": 0, "conflicts": 1}
    magnolia = Entry.objects.get(user=user, title=films["magnolia"])
    assert (magnolia.status, magnolia.rating) == ("seen", 9)
    assert body["changes"] == [
        {  # the rating kept; the watch date it had not, filled
            "title_id": films["magnolia"].pk,
            "title": "Magnolia",
            "year": 1999,
            "status_before": "seen",
            "status_after": "seen",
            "rating_before": 9,
            "rating_after": 9,
            "watched_before": None,
            "watched_after": "2025-03-15T00:00:00Z",
        },
        {
            "title_id": films["argo"].pk,
            "title": "Argo",
            "year": 2012,
            "status_before": "later",
            "status_after": "seen",
            "rating_before": None,
            "rating_after": 9,
            "watched_before": None,
            "watched_after": "2025-03-15T00:00:00Z",
        },
    ]
    [conflict] = body["conflicts"]
    assert conflict["changed_here_at"].endswith("Z")
    del conflict["changed_here_at"]
    assert conflict == {
        "title_id": films["magnolia"].pk,
        "title": "Magnolia",
        "year": 1999,
        "field": "rating",
        "kept": 9,
        "file_value": 8,
        "file_date": "2025-03-15T00:00:00Z",
    }


def test_a_rating_given_in_the_file_after_the_change_here_replaces_it_and_says_so(
    upload: Callable, auth_client: APIClient, user: User, films: dict
) -> None:
    entry(user, films["heat"], Status.SEEN, 6, datetime(2020, 2, 1, tzinfo=UTC))
    body = upload(
        auth_client,
        "imdb",
        "ratings.csv",
        (IMDB_HEADER + imdb_row("tt0113277", 8, "2024-02-01", "Heat", 1995)).encode(),
    )
    assert Entry.objects.get(user=user, title=films["heat"]).rating == 8
    assert body["conflicts"] == []
    assert [(c["title"], c["rating_before"], c["rating_after"]) for c in body["changes"]] == [("Heat", 6, 8)]


def test_a_status_set_here_after_the_files_date_is_kept(
    upload: Callable, auth_client: APIClient, user: User, films: dict
) -> None:
    """Marked "not interested" here after the Letterboxd watch was logged: the import leaves it so."""
    entry(user, films["heat"], Status.HIDDEN, None, datetime(2023, 6, 1, tzinfo=UTC))
    entry(user, films["argo"], Status.LATER, None, datetime(2022, 6, 1, tzinfo=UTC))
    watched = "Date,Name,Year,Letterboxd URI\r\n2023-01-01,Heat,1995,https://boxd.it/h1\r\n"
    watched += "2023-01-01,Argo,2012,https://boxd.it/a1\r\n"
    body = upload(auth_client, "letterboxd", "watched.csv", watched.encode())

    statuses = dict(Entry.objects.filter(user=user).values_list("title_id", "status"))
    assert statuses == {films["heat"].pk: "hidden", films["argo"].pk: "seen"}
    assert [
        (c["title"], c["field"], c["kept"], c["file_value"], c["file_date"]) for c in body["conflicts"]
    ] == [("Heat", "status", "hidden", "seen", "2023-01-01T00:00:00Z")]
    assert [(c["title"], c["status_before"], c["status_after"]) for c in body["changes"]] == [
        ("Argo", "later", "seen")
    ]


def test_a_letterboxd_zip_dates_undated_rows_by_its_export_time(
    upload: Callable, auth_client: APIClient, user: User, films: dict
) -> None:
    """A row with no date of its own is as old as the export, which the ZIP's name gives."""
    entry(user, films["heat"], Status.LATER, None, datetime(2024, 4, 1, tzinfo=UTC))  # before the export
    entry(user, films["argo"], Status.LATER, None, datetime(2024, 6, 1, tzinfo=UTC))  # after it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "watched.csv",
            "Date,Name,Year,Letterboxd URI\r\n,Heat,1995,https://boxd.it/h1\r\n,Argo,2012,x\r\n",
        )
    body = upload(auth_client, "letterboxd", "letterboxd-ann-2024-05-01-10-30-utc.zip", buffer.getvalue())
    statuses = dict(Entry.objects.filter(user=user).values_list("title_id", "status"))
    assert statuses == {films["heat"].pk: "seen", films["argo"].pk: "later"}
    assert [(c["title"], c["file_date"]) for c in body["conflicts"]] == [("Argo", "2024-05-01T10:30:00Z")]


def test_an_import_job_without_a_report_still_answers_the_whole_shape(
    auth_client: APIClient, user: User
) -> None:
    """Jobs that ended before reports existed: zero conflicts, no lines."""
    job = ImportJob.objects.create(
        user=user, source="imdb", status=ImportJob.State.DONE, counts={"matched": 1, "created": 1}
    )
    body = auth_client.get(f"/me/import/{job.pk}").json()
    assert body["counts"] == {"matched": 1, "created": 1, "updated": 0, "unmatched": 0, "conflicts": 0}
    assert (body["changes"], body["conflicts"]) == ([], [])


def test_the_command_reads_the_source_from_the_file_and_prints_the_report(
    user: User, films: dict, tmp_path: Path
) -> None:
    entry(user, films["magnolia"], Status.SEEN, 9, timezone.now())
    entry(user, films["argo"], Status.LATER, None, datetime(2025, 1, 5, tzinfo=UTC))
    path = tmp_path / "ratings.csv"
    csv = IMDB_HEADER + imdb_row("tt0175880", 8, "2025-03-15", "Magnolia", 1999)
    path.write_text(csv + imdb_row("tt1024648", 9, "2025-03-15", "Argo", 2012), encoding="utf-8")
    out = StringIO()
    call_command("import_history", f"--user={user.email}", str(path), stdout=out)  # no --source
    printed = out.getvalue()
    assert "ratings.csv (IMDb)" in printed and "1 kept as set here" in printed
    assert "changed: Argo (2012): later → seen, rating - → 9" in printed
    assert "kept: Magnolia (1999): rating 9 (the file says 8, dated 2025-03-15T00:00:00Z)" in printed
