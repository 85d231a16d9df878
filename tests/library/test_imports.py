"""History imports through the HTTP API and the management command: real samples and files built here."""

import hashlib
import importlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import Settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import MediaType, Title
from library.models import Entry, ImportJob, Status
from library.services import import_job_run
from tests.clients import with_token
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "import-samples"

IMDB_V3_RATINGS = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors\n"
    'tt0113277,8,2024-02-01,"Heat","Heat",https://www.imdb.com/title/tt0113277,Movie,8.3,170,1995,"Crime",'
    '700000,"1995-12-15","Michael Mann"\n'
    'tt0211915,9,2024-02-02,"Il favoloso mondo di Amélie","Le Fabuleux destin d\'Amélie Poulain",'
    'https://www.imdb.com/title/tt0211915,Movie,8.3,122,2001,"Comedy",800000,"2001-04-25",'
    '"Jean-Pierre Jeunet"\n'
    'tt7777777,7,2024-02-03,"Nowhere Film","Nowhere Film",https://www.imdb.com/title/tt7777777,Movie,6.0,90,2020,'
    '"Drama",10,"2020-01-01","Nobody"\n'
    'tt4063800,10,2024-02-04,"The Bureau","Le Bureau des légendes",https://www.imdb.com/title/tt4063800,'
    'TV Series,8.7,52,2015,"Drama",30000,"2015-04-27",""\n'
)


def letterboxd_zip(compression: int = zipfile.ZIP_STORED) -> bytes:
    files = {
        "watched.csv": "Date,Name,Year,Letterboxd URI\r\n2023-01-01,Alien,1979,https://boxd.it/a1\r\n"
        "2023-01-01,Heat,1995,https://boxd.it/h1\r\n",
        "ratings.csv": "Date,Name,Year,Letterboxd URI,Rating\r\n2023-01-02,Heat,1995,https://boxd.it/h1,4.5\r\n",
        "watchlist.csv": "Date,Name,Year,Letterboxd URI\r\n2023-01-03,Amélie,2001,https://boxd.it/am\r\n"
        "2023-01-03,Unknown Film,1950,https://boxd.it/un\r\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def trakt_json() -> bytes:
    return json.dumps(
        [
            {
                "rated_at": "2024-05-01T23:59:59.000Z",
                "rating": 6,
                "type": "movie",
                "movie": {
                    "title": "Heat",
                    "year": 1995,
                    "ids": {"trakt": 1, "slug": "heat-1995", "imdb": None, "tmdb": 949},
                },
            },
        ]
    ).encode()


@pytest.fixture
def catalog() -> dict[str, Title]:
    return {
        "heat": TitleFactory(title_en="Heat", year=1995, imdb_id="tt0113277", tmdb_id=949),
        "amelie": TitleFactory(
            title_en="Amélie", title_fr="Le Fabuleux destin d'Amélie Poulain", year=2001, imdb_id="tt0211915"
        ),
        "alien": TitleFactory(title_en="Alien", year=1979, imdb_id="tt0078748"),
        "bureau": TitleFactory(
            media_type=MediaType.TV, title_en="The Bureau", year=2015, imdb_id="tt4063800"
        ),
    }


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """POST /me/import, then run what the request left for after its commit (the Celery task, eager here)."""

    def _upload(client: APIClient, source: str, name: str, data: bytes, **headers: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/me/import",
                {"source": source, "file": SimpleUploadedFile(name, data)},
                format="multipart",
                **headers,
            )

    return _upload


def state(user: User) -> set[tuple]:
    return set(Entry.objects.filter(user=user).values_list("title_id", "status", "rating", "watched_at"))


def test_imdb_import_reports_counts_and_unmatched_rows(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    response = upload(auth_client, "imdb", "ratings.csv", IMDB_V3_RATINGS.encode())
    assert response.status_code == 202
    report = auth_client.get(f"/me/import/{response.json()['id']}").json()
    assert report["status"] == "done"
    assert report["counts"] == {"matched": 3, "created": 3, "updated": 0, "unmatched": 1, "conflicts": 0}
    assert [(r["title"], r["imdb_id"]) for r in report["unmatched"]] == [("Nowhere Film", "tt7777777")]
    entries = {e.title_id: (e.status, e.rating) for e in Entry.objects.filter(user=user)}
    assert entries == {
        catalog["heat"].pk: ("seen", 8),
        catalog["amelie"].pk: ("seen", 9),
        catalog["bureau"].pk: ("seen", 10),
    }


def test_importing_the_same_titles_twice_leaves_the_same_state(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    first = upload(auth_client, "letterboxd", "export.zip", letterboxd_zip()).json()["id"]
    after_first = state(user)
    # The same export zipped another way: another file, so a second import runs.
    again = upload(auth_client, "letterboxd", "export.zip", letterboxd_zip(zipfile.ZIP_DEFLATED)).json()
    second = again["id"]
    assert second != first and not again["reused"]
    assert state(user) == after_first
    assert auth_client.get(f"/me/import/{first}").json()["counts"] == {
        "matched": 3,
        "created": 3,
        "updated": 0,
        "unmatched": 1,
        "conflicts": 0,
    }
    assert auth_client.get(f"/me/import/{second}").json()["counts"] == {
        "matched": 3,
        "created": 0,
        "updated": 0,
        "unmatched": 1,
        "conflicts": 0,
    }


def test_letterboxd_ratings_watched_and_watchlist(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    upload(auth_client, "letterboxd", "letterboxd-ann-2024.zip", letterboxd_zip())
    entries = {e.title_id: (e.status, e.rating) for e in Entry.objects.filter(user=user)}
    assert entries == {
        catalog["heat"].pk: ("seen", 9),  # 4.5 stars → 9/10
        catalog["alien"].pk: ("seen", None),
        catalog["amelie"].pk: ("later", None),  # matched by title and year, accents ignored
    }


def test_import_never_moves_a_title_back(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    Entry.objects.create(user=user, title=catalog["amelie"], status=Status.SEEN, rating=10)
    upload(auth_client, "letterboxd", "export.zip", letterboxd_zip())  # Amélie is on that watchlist
    amelie = Entry.objects.get(user=user, title=catalog["amelie"])
    assert (amelie.status, amelie.rating) == ("seen", 10)


def test_trakt_import_matches_by_tmdb_id_and_updates_the_rating(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    Entry.objects.create(user=user, title=catalog["heat"], status=Status.LATER)
    # Put on the watch list before it was rated on Trakt (2024-05-01): the file's news is newer.
    Entry.objects.update(updated_at=datetime(2024, 4, 1, tzinfo=UTC))
    job = upload(auth_client, "trakt", "ratings-movies.json", trakt_json()).json()["id"]
    assert auth_client.get(f"/me/import/{job}").json()["counts"]["updated"] == 1
    heat = Entry.objects.get(user=user, title=catalog["heat"])
    assert (heat.status, heat.rating) == ("seen", 6)


@pytest.mark.parametrize(
    ("source", "name", "data", "field"),
    [
        ("letterboxd", "broken.zip", b"PK\x03\x04 definitely not a zip", "file"),
        ("imdb", "ratings.csv", b"Name,Score\nHeat,8\n", "file"),
        ("trakt", "ratings.json", b"{not json", "file"),
        ("trakt", "ratings.json", b'{"ratings": 3}', "file"),
        ("netflix", "history.csv", b"Title,Date\n", "source"),
        ("imdb", "empty.csv", b"", "file"),
    ],
)
def test_corrupt_or_unknown_files_are_400_and_write_nothing(
    upload: Callable,
    auth_client: APIClient,
    user: User,
    catalog: dict,
    source: str,
    name: str,
    data: bytes,
    field: str,
) -> None:
    response = upload(auth_client, source, name, data)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not ImportJob.objects.exists()
    assert not Entry.objects.exists()


def test_import_errors_in_french(upload: Callable, auth_client: APIClient, catalog: dict) -> None:
    response = upload(auth_client, "netflix", "h.csv", b"x", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "choix valide" in response.json()["errors"]["source"][0]


def test_missing_upload_is_400(auth_client: APIClient) -> None:
    response = auth_client.post("/me/import", {"source": "imdb"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_another_users_import_is_404(
    upload: Callable, auth_client: APIClient, api_client: APIClient, catalog: dict
) -> None:

    job = upload(auth_client, "imdb", "ratings.csv", IMDB_V3_RATINGS.encode()).json()["id"]
    with_token(api_client, UserFactory())
    assert api_client.get(f"/me/import/{job}").status_code == 404
    assert auth_client.get("/me/import/999999").status_code == 404


def test_import_history_command(user: User, catalog: dict, tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(IMDB_V3_RATINGS, encoding="utf-8")
    out = StringIO()
    call_command("import_history", f"--user={user.email.upper()}", "--source=imdb", str(path), stdout=out)
    assert "3 matched, 3 created, 0 updated, 1 unmatched" in out.getvalue()
    assert "Nowhere Film" in out.getvalue()
    assert Entry.objects.filter(user=user).count() == 3


def test_import_history_command_errors(user: User, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_history", "--user=nobody@example.org", "--source=imdb", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_history", f"--user={user.email}", "--source=imdb", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError):
        call_command("import_history", f"--user={user.email}", "--source=imdb", str(bad))
    assert not ImportJob.objects.exists()


@pytest.mark.skipif(not SAMPLES.exists(), reason="real export samples not present")
def test_real_samples_import(
    upload: Callable, auth_client: APIClient, user: User, settings: Settings
) -> None:
    settings.IMPORT_DAILY_LIMIT = 100  # every sample, by one user
    magnolia = TitleFactory(title_en="Magnolia", year=1999, imdb_id="tt0175880")
    pulp = TitleFactory(title_en="Pulp Fiction", year=1994, imdb_id=None)
    la_la = TitleFactory(title_en="La La Land", year=2016, imdb_id=None)
    imdb = upload(auth_client, "imdb", "ratings.csv", (SAMPLES / "imdb" / "v3-2025-ratings.csv").read_bytes())
    assert imdb.status_code == 202
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in (SAMPLES / "letterboxd" / "2024-export").rglob("*.csv"):
            archive.write(member, member.relative_to(SAMPLES / "letterboxd" / "2024-export").as_posix())
    letterboxd = upload(auth_client, "letterboxd", "letterboxd.zip", buffer.getvalue())
    assert letterboxd.status_code == 202
    report = auth_client.get(f"/me/import/{letterboxd.json()['id']}").json()
    assert report["status"] == "done"
    assert report["counts"]["unmatched"] > 0
    entries = {e.title_id: (e.status, e.rating) for e in Entry.objects.filter(user=user)}
    assert entries[magnolia.pk] == ("seen", 9)
    assert entries[pulp.pk] == ("seen", 4)  # two stars
    assert entries[la_la.pk] == ("seen", 7)  # three and a half stars
    for sample in sorted((SAMPLES / "imdb").glob("*.csv")):
        assert upload(auth_client, "imdb", sample.name, sample.read_bytes()).status_code == 202, sample.name
    for sample in sorted((SAMPLES / "trakt").glob("sync-*.json")):
        response = upload(auth_client, "trakt", sample.name, sample.read_bytes())
        if "episodes" in sample.name:  # episode ratings only: no movie or show to mark
            assert response.status_code == 400
            assert "file" in response.json()["errors"]
        else:
            assert response.status_code == 202, sample.name
    assert ImportJob.objects.filter(user=user).exclude(status="done").count() == 0


def test_corrupt_file_error_in_french(upload: Callable, auth_client: APIClient) -> None:
    response = upload(auth_client, "letterboxd", "broken.zip", b"PK\x03\x04 nope", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "ZIP" in response.json()["errors"]["file"][0]
    assert "endommagé" in response.json()["errors"]["file"][0]


# ---------------------------------------------------------------- jobs always end, and never half-write


def trakt_item(title: str, *, tmdb: int | None = None, imdb: str | None = None) -> dict:
    return {
        "listed_at": "2024-05-01T10:00:00.000Z",
        "type": "movie",
        "movie": {"title": title, "year": 1995, "ids": {"trakt": 1, "imdb": imdb, "tmdb": tmdb}},
    }


def report(client: APIClient, response: Response) -> dict:
    assert response.status_code == 202, response.content
    body = client.get(f"/me/import/{response.json()['id']}")
    assert body.status_code == 200
    return body.json()


@pytest.mark.parametrize("tmdb", [2**31, 2**63, 10**25])
def test_a_tmdb_id_past_the_column_range_counts_as_absent(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict, tmdb: int
) -> None:
    """2**63 raised OverflowError in the job (a 500, and a job left running for the page to poll)."""
    data = json.dumps([trakt_item("Heat", tmdb=tmdb, imdb="tt0113277"), trakt_item("Nowhere", tmdb=tmdb)])
    body = report(auth_client, upload(auth_client, "trakt", "watchlist.json", data.encode()))
    assert body["status"] == "done"
    assert body["counts"]["matched"] == 1
    assert [(r["title"], r["tmdb_id"]) for r in body["unmatched"]] == [("Nowhere", None)]
    assert Entry.objects.get(user=user).title == catalog["heat"]


def test_a_lone_surrogate_in_an_unmatched_title_is_dropped(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    """JSON "\\ud800" reached the database: a 500, a job running forever, and on PostgreSQL the
    matched rows written without their report."""
    data = json.dumps([trakt_item("Heat", imdb="tt0113277"), trakt_item("Now\ud800here")])
    body = report(auth_client, upload(auth_client, "trakt", "watchlist.json", data.encode()))
    assert body["status"] == "done"
    assert [r["title"] for r in body["unmatched"]] == ["Nowhere"]
    assert Entry.objects.filter(user=user).count() == 1


@pytest.fixture
def refuse_finished_jobs(django_db_setup: None) -> None:
    """The database refuses to record a job as done, as a failing disk or a lost connection would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_done() RETURNS trigger AS $$ BEGIN "
                "IF NEW.status = 'done' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER test_refuse_done BEFORE UPDATE ON library_importjob "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_done()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refuse_done BEFORE UPDATE ON library_importjob "
                "WHEN NEW.status = 'done' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )


def test_entries_and_the_jobs_result_are_written_together(
    upload: Callable,
    auth_client: APIClient,
    user: User,
    catalog: dict,
    refuse_finished_jobs: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the result cannot be written the entries are not either, and the job ends failed."""
    body = report(auth_client, upload(auth_client, "imdb", "ratings.csv", IMDB_V3_RATINGS.encode()))
    assert body["status"] == "failed"
    assert "failed on our side and nothing was imported" in body["error"]
    assert body["finished_at"] is not None
    assert not Entry.objects.exists()
    assert "History import" in caplog.text and "refused by the test" in caplog.text
    assert ImportJob.objects.get().payload is None


def test_a_job_whose_file_is_gone_ends_failed(user: User) -> None:
    job = ImportJob.objects.create(user=user, source="imdb", filename="ratings.csv", payload=None)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.State.FAILED
    assert "no longer stored" in job.error
    assert import_job_run(job_id=job.pk).status == ImportJob.State.FAILED  # an ended job is left alone


def test_a_title_too_long_to_match_is_reported_with_its_reason(
    upload: Callable, auth_client: APIClient, catalog: dict
) -> None:
    name = "Heat " + "(" * 400  # never matched by name, even where a catalog title would fit
    data = f'Const,Your Rating,Title,Year\n,8,"{name}",1995\ntt7777777,7,Nowhere Film,2020\n'.encode()
    body = report(auth_client, upload(auth_client, "imdb", "ratings.csv", data))
    assert [(r["title"], r["reason"]) for r in body["unmatched"]] == [
        (name[:300], "title_too_long"),
        ("Nowhere Film", "not_found"),
    ]


# ---------------------------------------------------------------- stored file, same file, daily limit


def test_the_uploaded_file_is_deleted_when_the_job_ends_and_its_hash_kept(
    upload: Callable, auth_client: APIClient, catalog: dict
) -> None:
    data = IMDB_V3_RATINGS.encode()
    body = report(auth_client, upload(auth_client, "imdb", "ratings.csv", data))
    job = ImportJob.objects.get(pk=body["id"])
    assert (job.status, job.payload, job.sha256) == ("done", None, hashlib.sha256(data).hexdigest())


def test_the_same_file_within_a_day_gives_back_its_import(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    data = IMDB_V3_RATINGS.encode()
    first = upload(auth_client, "imdb", "ratings.csv", data).json()
    Entry.objects.filter(user=user).delete()  # removed since: the same file again must not re-add them
    again = upload(auth_client, "imdb", "renamed.csv", data)
    assert again.status_code == 202
    assert again.json() == {"id": first["id"], "reused": True}
    assert ImportJob.objects.count() == 1 and not Entry.objects.exists()
    # Another source is another import; a day later the same file is imported again.
    ImportJob.objects.update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    later = upload(auth_client, "imdb", "ratings.csv", data).json()
    assert later["id"] != first["id"] and not later["reused"]
    assert Entry.objects.filter(user=user).count() == 3


def test_a_failed_import_of_the_same_file_is_not_given_back(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    data = IMDB_V3_RATINGS.encode()
    first = upload(auth_client, "imdb", "ratings.csv", data).json()["id"]
    ImportJob.objects.filter(pk=first).update(status=ImportJob.State.FAILED)
    again = upload(auth_client, "imdb", "ratings.csv", data).json()
    assert again["id"] != first and not again["reused"]


def test_imports_past_the_daily_limit_are_429_in_the_users_language(
    upload: Callable, auth_client: APIClient, catalog: dict, settings: Settings
) -> None:
    settings.IMPORT_DAILY_LIMIT = 2
    files = [IMDB_V3_RATINGS.replace("Nowhere Film", f"Nowhere Film {i}").encode() for i in range(3)]
    assert upload(auth_client, "imdb", "a.csv", files[0]).status_code == 202
    assert upload(auth_client, "imdb", "b.csv", files[1]).status_code == 202
    refused = upload(auth_client, "imdb", "c.csv", files[2])
    assert refused.status_code == 429
    assert 86_000 < int(refused["Retry-After"]) <= 86_400
    assert refused.json()["detail"] == "Import limit reached (2 files per 24 hours). Try again in 24 hours."
    french = upload(auth_client, "imdb", "c.csv", files[2], HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 429
    assert "Limite d\u2019importation atteinte (2 fichiers par 24 heures)" in french.json()["detail"]
    assert ImportJob.objects.count() == 2
    # The same file as before is its report again, limit or not.
    assert upload(auth_client, "imdb", "a.csv", files[0]).json()["reused"] is True
    # A day after the first upload, one more may go.
    ImportJob.objects.filter(filename="a.csv").update(
        created_at=timezone.now() - timedelta(days=1, seconds=1)
    )
    assert upload(auth_client, "imdb", "c.csv", files[2]).status_code == 202


def test_the_migration_hashes_stored_files_and_deletes_those_of_ended_jobs(user: User) -> None:
    migration = importlib.import_module("library.migrations.0002_importjob_payload_deleted_sha256")
    done = ImportJob.objects.create(user=user, source="imdb", payload=b"done file", status="done")
    pending = ImportJob.objects.create(user=user, source="imdb", payload=b"pending file")
    migration.hash_and_delete_ended_files(django_apps, None)
    done.refresh_from_db()
    pending.refresh_from_db()
    assert (done.payload, done.sha256) == (None, hashlib.sha256(b"done file").hexdigest())
    assert (bytes(pending.payload), pending.sha256) == (
        b"pending file",
        hashlib.sha256(b"pending file").hexdigest(),
    )
