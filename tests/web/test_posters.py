"""Posters on cards and title pages: TMDB's image at the slot's size with its dimensions set, only for a
poster path we have from TMDB; otherwise a placeholder drawn in HTML and CSS, never a broken image."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from catalog.ingest.enrichment import title_refresh
from catalog.ingest.genres import genres_import
from catalog.models import Genre
from library.models import Entry, Status
from tests.factories import TitleFactory
from web.templatetags.posters import initials

pytestmark = pytest.mark.django_db


def img_tags(html: str) -> list[str]:
    return re.findall(r'<img class="poster[^>]*>', html)


def placeholders(html: str) -> list[str]:
    return re.findall(r'<div class="poster [^"]*poster-placeholder[^"]*"[^>]*><span>([^<]*)</span>', html)


def test_a_title_page_shows_the_tmdb_poster_at_w342_with_its_size(client: Client) -> None:
    title = TitleFactory(title_en="Heat", poster_path="/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg")
    response = client.get(f"/title/{title.pk}/")
    [img] = img_tags(response.content.decode())
    assert 'src="https://image.tmdb.org/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"' in img
    assert "https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg 2x" in img
    assert 'width="342"' in img and 'height="513"' in img and 'loading="lazy"' in img
    assert 'alt="Poster of Heat"' in img
    # The page's Content-Security-Policy lets the browser load it.
    assert "https://image.tmdb.org" in response["Content-Security-Policy"]


def test_a_card_shows_the_poster_at_w185(client: Client, member: User) -> None:
    title = TitleFactory(title_en="Heat", poster_path="/abc_DEF-123.jpg")
    Entry.objects.create(user=member, title=title, status=Status.SEEN)
    client.force_login(member)
    [img] = img_tags(client.get("/lists/seen/").content.decode())
    assert 'src="https://image.tmdb.org/t/p/w185/abc_DEF-123.jpg"' in img
    assert 'width="185"' in img and 'height="278"' in img and 'loading="lazy"' in img


@pytest.mark.parametrize("poster_path", ["", "../../evil.svg", "/x.jpg?size=1", "https://example.com/a.jpg"])
def test_without_a_tmdb_poster_path_a_placeholder_takes_its_place(client: Client, poster_path: str) -> None:
    drama = Genre.objects.create(tmdb_id=18, name_en="Drama", name_fr="Drame", for_movies=True)
    title = TitleFactory(title_en="The Night of the Hunter", poster_path=poster_path)
    title.genres.add(drama)
    html = client.get(f"/title/{title.pk}/").content.decode()
    assert img_tags(html) == []
    assert placeholders(html) == ["NH"]
    [tag] = re.findall(r'<div class="poster [^>]*>', html)
    assert "poster-hue-6" in tag and 'aria-hidden="true"' in tag  # Drama's colour; the title is beside it
    # The API never offers a path that is not TMDB's either.
    assert client.get(f"/movies/{title.pk}").json()["poster_url"] is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Heat", "H"),
        ("The Night of the Hunter", "NH"),
        ("Le Fabuleux Destin d'Amélie", "FD"),
        ("2001", "2"),
        ("", ""),
    ],
)
def test_placeholder_initials(title: str, expected: str) -> None:
    assert initials(title) == expected


def test_a_title_refreshed_from_tmdb_shows_the_poster_and_trailer_tmdb_gave(
    client: Client, fake_tmdb: object, fake_omdb: object, fake_world: Callable[..., list]
) -> None:
    """End to end against the fake TMDB: the poster path comes from TMDB's answer, nowhere else."""
    genres_import(live=False)
    fake = fake_world(1)[0]
    fake_tmdb.add(fake)  # type: ignore[attr-defined]
    fake_omdb.add(fake)  # type: ignore[attr-defined]
    title = TitleFactory(
        media_type=fake.media_type, imdb_id=fake.imdb_id, title_en=fake.title["en"], year=None
    )
    assert client.get(f"/title/{title.pk}/").content.decode().count('<img class="poster') == 0  # none yet
    assert title_refresh(title_id=title.pk).refreshed
    html = client.get(f"/title/{title.pk}/").content.decode()
    [img] = img_tags(html)
    assert f'src="https://image.tmdb.org/t/p/w342{fake.poster_path}"' in img
    trailer = next(v["key"] for v in fake.videos if v["type"] == "Trailer" and v["iso_639_1"] == "en")
    assert f'href="https://www.youtube.com/watch?v={trailer}"' in html
