import csv
import io
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import MediaType
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(user: User) -> dict[str, Entry]:
    heat = TitleFactory(
        title_en="Heat", year=1995, imdb_id="tt0113277", tmdb_id=949, directors=["Michael Mann"]
    )
    amelie = TitleFactory(title_en="Amélie", year=2001, imdb_id="tt0211915")
    alien = TitleFactory(title_en="Alien", year=1979, imdb_id="tt0078748")
    bureau = TitleFactory(media_type=MediaType.TV, title_en="The Bureau", year=2015, imdb_id="tt4063800")
    watched = datetime(2024, 3, 9, 21, 0, tzinfo=UTC)
    return {
        "heat": Entry.objects.create(user=user, title=heat, status=Status.SEEN, rating=7, watched_at=watched),
        "amelie": Entry.objects.create(user=user, title=amelie, status=Status.SEEN),
        "alien": Entry.objects.create(user=user, title=alien, status=Status.LATER),
        "bureau": Entry.objects.create(user=user, title=bureau, status=Status.SEEN, rating=10),
    }


def test_letterboxd_export_lists_seen_films_in_the_importers_columns(
    auth_client: APIClient, entries: dict
) -> None:
    response = auth_client.get("/me/export/letterboxd", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["Title"] for r in rows] == ["Heat", "Amélie"] or [r["Title"] for r in rows] == [
        "Amélie",
        "Heat",
    ]
    heat = next(r for r in rows if r["Title"] == "Heat")
    assert heat == {
        "imdbID": "tt0113277",
        "tmdbID": "949",
        "Title": "Heat",
        "Year": "1995",
        "Directors": "Michael Mann",
        "WatchedDate": "2024-03-09",
        "Rating": "3.5",
        "Rating10": "7",
    }
    amelie = next(r for r in rows if r["Title"] == "Amélie")
    assert (amelie["Rating10"], amelie["WatchedDate"]) == ("", "")


def test_json_export_holds_every_entry(auth_client: APIClient, user: User, entries: dict) -> None:
    response = auth_client.get("/me/export")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["user"] == user.email
    by_title = {e["title"]: e for e in body["entries"]}
    assert set(by_title) == {"Heat", "Amélie", "Alien", "The Bureau"}
    assert by_title["The Bureau"]["media_type"] == "tv"
    assert by_title["Alien"]["status"] == "later"
    assert by_title["Heat"]["rating"] == 7
    assert by_title["Heat"]["watched_at"].startswith("2024-03-09")
    assert by_title["Heat"]["imdb_id"] == "tt0113277"


def test_an_export_without_a_token_is_a_problem_whatever_the_client_accepts(api_client: APIClient) -> None:
    for path, accept in (("/me/export", "application/json"), ("/me/export/letterboxd", "text/csv")):
        response = api_client.get(path, HTTP_ACCEPT=accept)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ("+1", "'+1"),  # a real film (2013): a spreadsheet would compute it
        ('=HYPERLINK("http://example.org")', '\'=HYPERLINK("http://example.org")'),
        ("-1 Below", "'-1 Below"),
        ("@Home", "'@Home"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Heat", "Heat"),
        ("1+1", "1+1"),
    ],
)
def test_letterboxd_export_keeps_spreadsheets_from_running_cells_as_formulas(
    auth_client: APIClient, user: User, title: str, cell: str
) -> None:
    film = TitleFactory(title_en=title, year=2013, imdb_id="tt2011311", directors=["=cmd|' /C calc'!A0"])
    Entry.objects.create(user=user, title=film, status=Status.SEEN)
    [row] = csv.DictReader(io.StringIO(auth_client.get("/me/export/letterboxd").content.decode()))
    assert row["Title"] == cell
    assert row["Directors"] == "'=cmd|' /C calc'!A0"
