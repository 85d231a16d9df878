"""The Import page: the source read from the file by default (the selector overrides it), and a report that
lists each change and each choice kept because it was made here after the file's date."""

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import User
from library.models import Entry, ImportJob, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db

IMDB_CSV = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    "Release Date,Directors\n"
    "tt0175880,8,2025-03-15,Magnolia,https://www.imdb.com/title/tt0175880/,Movie,8.0,188,1999,Drama,1,"
    "2000-01-07,Paul Thomas Anderson\n"
    "tt1024648,9,2017-08-25,Argo,https://www.imdb.com/title/tt1024648/,Movie,7.7,120,2012,Drama,1,"
    "2012-08-31,Ben Affleck\n"
)


@pytest.fixture
def browser(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_source_is_detected_by_default(browser: Client) -> None:
    html = browser.get("/import/").content.decode()
    select = re.search(r'<select name="source"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1])
    assert options[0] == ("auto", " selected", "Detect automatically")
    assert [value for value, _, _ in options] == ["auto", "letterboxd", "imdb", "trakt"]


def post(browser: Client, data: bytes, source: str = "auto", name: str = "ratings.csv", lang: str = "en"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return browser.post(f"/import/?lang={lang}", {"source": source, "file": upload})


def test_an_imdb_file_imports_without_choosing_its_source_and_the_report_says_what_changed(
    browser: Client, member: User, django_capture_on_commit_callbacks: object
) -> None:
    magnolia = TitleFactory(title_en="Magnolia", year=1999, imdb_id="tt0175880")
    argo = TitleFactory(title_en="Argo", year=2012, imdb_id="tt1024648")
    Entry.objects.create(user=member, title=magnolia, status=Status.SEEN, rating=9)  # rated here just now
    Entry.objects.create(user=member, title=argo, status=Status.LATER)
    Entry.objects.filter(title=argo).update(updated_at=datetime(2016, 1, 1, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = post(browser, IMDB_CSV.encode())
    job = ImportJob.objects.get(user=member)
    assert response.status_code == 302 and job.source == "imdb"

    report = re.sub(r">\s+<", "><", browser.get(response.url).content.decode())
    assert re.search(r"<dt>Updated</dt><dd>2</dd>", report)
    assert re.search(r"<dt>Kept as you set them</dt><dd>1</dd>", report)
    changes = report.split('<table class="import-changes">')[1].split("</table>")[0]
    assert (
        f'<a href="/title/{argo.pk}/">Argo</a> (2012)</td><td>Watch later → Seen</td><td>\u2013 → 9</td>'
        in changes
    )
    conflicts = report.split('<table class="import-conflicts">')[1].split("</table>")[0]
    today = timezone.localdate().strftime("%m/%d/%Y")
    assert f'<a href="/title/{magnolia.pk}/">Magnolia</a> (1999)</td><td>Rating</td>' in conflicts
    assert f'<td>9 <span class="source-note">set here on {today}</span></td>' in conflicts
    assert '<td>8 <span class="source-note">dated 03/15/2025</span></td>' in conflicts
    assert Entry.objects.get(user=member, title=magnolia).rating == 9


def test_the_selector_overrides_the_detection(browser: Client, member: User) -> None:
    response = post(browser, IMDB_CSV.encode(), source="letterboxd")
    assert response.status_code == 400  # an IMDb file read as Letterboxd's: refused, naming the column
    assert "not a Letterboxd export file" in response.content.decode()


def test_a_file_of_no_known_service_is_refused_in_the_users_language(browser: Client) -> None:
    response = post(browser, b"Title,Date\nSomething,01/02/2021\n", lang="fr")
    assert response.status_code == 400
    assert "choisissez sa source" in response.content.decode()
    assert not ImportJob.objects.exists()
