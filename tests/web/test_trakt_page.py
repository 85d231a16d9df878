"""The Trakt section of the Integrations page, without JavaScript: the export first, then connect with the
code Trakt gives, the link's state, Trakt's refusals in words, and disconnect."""

import pytest
from django.test import Client
from django.utils import translation

from integrations.models import TraktConnection
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> tuple[Client, object]:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return client, user


def test_without_a_trakt_app_the_page_points_to_the_export(member) -> None:
    client, _ = member
    page = client.get("/integrations/").content.decode()
    assert 'href="/import/"' in page and "not set up on this server" in page
    assert "Connect Trakt" not in page


def test_connect_shows_the_code_then_connected_then_disconnect(member, fake_trakt) -> None:
    client, user = member
    assert "Connect Trakt" in client.get("/integrations/").content.decode()
    answer = client.post("/integrations/trakt/connect/", {"push": "on"})
    assert answer.status_code == 302 and answer["Location"] == "/integrations/"
    code = TraktConnection.objects.get(user=user).user_code
    page = client.get("/integrations/").content.decode()
    assert code in page and "https://trakt.tv/activate" in page
    fake_trakt.approve()
    TraktConnection.objects.filter(user=user).update(next_poll_at=None)
    page = client.get("/integrations/").content.decode()
    assert "Connected." in page and "Your marks are sent to Trakt." in page and code not in page
    client.post("/integrations/trakt/disconnect/")
    assert not TraktConnection.objects.filter(user=user).exists()
    assert "Connect Trakt" in client.get("/integrations/").content.decode()


def test_vip_required_is_said_on_the_page_in_french(member, fake_trakt) -> None:
    client, user = member
    user.language = "fr"
    user.save(update_fields=["language"])
    TraktConnection.objects.create(
        user=user,
        state="vip_required",
        message="",
    )
    with translation.override("fr"):
        page = client.get("/integrations/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Trakt exige un compte VIP" in page
    assert "Déconnecter Trakt" in page


def test_the_section_needs_a_login_and_a_post() -> None:
    assert Client().post("/integrations/trakt/connect/").status_code == 302
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/integrations/trakt/connect/").status_code == 405
