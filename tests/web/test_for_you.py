"""The For you page's familiar ↔ adventurous setting and "Not for me" on a pick, as plain forms."""

import numpy as np
import pytest
from django.test import Client

from accounts.models import User
from catalog.ingest.genres import genres_import
from catalog.models import Genre
from library.models import Entry, HideRule, Status
from recommendations.models import NotForMe, RecommenderSettings
from recommendations.services import neighbour_vectors_replace
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def picks(member: User) -> dict:
    genres_import(live=False)
    heat, ronin = (
        TitleFactory(title_en="Heat"),
        TitleFactory(title_en="Ronin", directors=["John Frankenheimer"]),
    )
    ronin.genres.set([Genre.objects.get(tmdb_id=80)])
    neighbour_vectors_replace((np.array([heat.pk]), np.array([ronin.pk]), np.array([0.5])))
    Entry.objects.create(user=member, title=heat, status=Status.SEEN, rating=9)
    return {"heat": heat, "ronin": ronin}


@pytest.mark.usefixtures("picks")
def test_the_setting_shows_checked_and_is_saved_by_its_form(browser: Client, member: User) -> None:
    html = browser.get("/for-you/").content.decode()
    assert 'name="adventurousness" value="2" checked' in html and "Familiar or adventurous" in html
    response = browser.post("/for-you/setting/", {"adventurousness": "4", "next": "/for-you/?media=movie"})
    assert response.status_code == 302 and response["Location"] == "/for-you/?media=movie"
    assert RecommenderSettings.objects.get(user=member).adventurousness == 4
    html = browser.get("/for-you/").content.decode()
    assert 'value="4" checked' in html and "Your picks are now: Adventurous." in html
    assert "Familier ou aventureux" in browser.get("/for-you/?lang=fr").content.decode()
    browser.post("/for-you/setting/", {"adventurousness": "9"})
    assert RecommenderSettings.objects.get(user=member).adventurousness == 4
    assert "Choose one of the five settings" in browser.get("/for-you/").content.decode()


def test_not_my_genre_hides_the_pick_then_offers_the_genre_rule_once(
    browser: Client, member: User, picks: dict
) -> None:
    ronin = picks["ronin"]
    html = browser.get("/for-you/").content.decode()
    assert f'action="/for-you/not-for-me/{ronin.pk}/"' in html and 'value="not_my_genre"' in html
    response = browser.post(f"/for-you/not-for-me/{ronin.pk}/", {"reason": "not_my_genre"})
    assert response.status_code == 302
    assert Entry.objects.get(user=member, title=ronin).status == Status.HIDDEN
    assert NotForMe.objects.get(user=member, title=ronin).reason == "not_my_genre"
    html = browser.get("/for-you/").content.decode()
    assert "will not be suggested again" in html and "Hide every Crime title" in html
    assert f'id="card-{ronin.pk}"' not in html
    assert "Hide every Crime title" not in browser.get("/for-you/").content.decode()  # offered once
    browser.post("/for-you/hide/", {"kind": "genre", "value": "80"})
    assert HideRule.objects.filter(user=member, kind="genre", value="80").exists()
    assert "Hidden from now on: Crime." in browser.get("/for-you/").content.decode()


def test_not_for_me_without_a_reason_changes_nothing(browser: Client, member: User, picks: dict) -> None:
    browser.post(f"/for-you/not-for-me/{picks['ronin'].pk}/", {"reason": "bored"})
    assert not Entry.objects.filter(user=member, title=picks["ronin"]).exists()
    assert "Say why this pick is not for you." in browser.get("/for-you/").content.decode()
    assert browser.post("/for-you/not-for-me/999999/", {"reason": "not_now"}).status_code == 404
