"""History imports through the HTTP API and the management command: real samples and files built here."""

import io
import json
import zipfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import MediaType, Title
from library.models import Entry, ImportJob, Status
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


def letterboxd_zip() -> bytes:
    files = {
        "watched.csv": "Date,Name,Year,Letterboxd URI\r\n2023-01-01,Alien,1979,https://boxd.it/a1\r\n"
        "2023-01-01,Heat,1995,https://boxd.it/h1\r\n",
        "ratings.csv": "Date,Name,Year,Letterboxd URI,Rating\r\n2023-01-02,Heat,1995,https://boxd.it/h1,4.5\r\n",
        "watchlist.csv": "Date,Name,Year,Letterboxd URI\r\n2023-01-03,Amélie,2001,https://boxd.it/am\r\n"
        "2023-01-03,Unknown Film,1950,https://boxd.it/un\r\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
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
    assert report["counts"] == {"matched": 3, "created": 3, "updated": 0, "unmatched": 1}
    assert [(r["title"], r["imdb_id"]) for r in report["unmatched"]] == [("Nowhere Film", "tt7777777")]
    entries = {e.title_id: (e.status, e.rating) for e in Entry.objects.filter(user=user)}
    assert entries == {
        catalog["heat"].pk: ("seen", 8),
        catalog["amelie"].pk: ("seen", 9),
        catalog["bureau"].pk: ("seen", 10),
    }


def test_importing_the_same_file_twice_leaves_the_same_state(
    upload: Callable, auth_client: APIClient, user: User, catalog: dict
) -> None:
    first = upload(auth_client, "letterboxd", "export.zip", letterboxd_zip()).json()["id"]
    after_first = state(user)
    second = upload(auth_client, "letterboxd", "export.zip", letterboxd_zip()).json()["id"]
    assert state(user) == after_first
    assert auth_client.get(f"/me/import/{first}").json()["counts"] == {
        "matched": 3,
        "created": 3,
        "updated": 0,
        "unmatched": 1,
    }
    assert auth_client.get(f"/me/import/{second}").json()["counts"] == {
        "matched": 3,
        "created": 0,
        "updated": 0,
        "unmatched": 1,
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
    assert field in response.json(), response.json()
    assert not ImportJob.objects.exists()
    assert not Entry.objects.exists()


def test_import_errors_in_french(upload: Callable, auth_client: APIClient, catalog: dict) -> None:
    response = upload(auth_client, "netflix", "h.csv", b"x", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "choix valide" in response.json()["source"][0]


def test_missing_upload_is_400(auth_client: APIClient) -> None:
    response = auth_client.post("/me/import", {"source": "imdb"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


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
def test_real_samples_import(upload: Callable, auth_client: APIClient, user: User) -> None:
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
            assert "file" in response.json()
        else:
            assert response.status_code == 202, sample.name
    assert ImportJob.objects.filter(user=user).exclude(status="done").count() == 0


def test_corrupt_file_error_in_french(upload: Callable, auth_client: APIClient) -> None:
    response = upload(auth_client, "letterboxd", "broken.zip", b"PK\x03\x04 nope", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "ZIP" in response.json()["file"][0]
    assert "endommagé" in response.json()["file"][0]
