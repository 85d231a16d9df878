"""The Integrations page: a member makes a webhook URL (shown once), sees their events, and revokes a URL."""

import pytest
from django.test import Client

from accounts.models import User
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import endpoint_create, token_hash
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> tuple[Client, User]:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return client, user


def test_a_new_url_is_shown_once_and_works(member: tuple[Client, User]) -> None:
    client, user = member
    page = client.post("/integrations/", {"kind": "jellyfin", "name": "Den", "server_user": ""})
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    url = page.context["new_url"]
    token = url.rsplit("/", 1)[1]
    assert url in page.content.decode()
    assert WebhookEndpoint.objects.get(user=user).token_hash == token_hash(token)
    again = client.get("/integrations/").content.decode()
    assert token not in again and "Den" in again
    assert "{{NotificationType}}" in again  # the Jellyfin template to paste


def test_bad_input_is_400_on_the_page(member: tuple[Client, User]) -> None:
    client, _ = member
    page = client.post("/integrations/", {"kind": "kodi", "name": ""})
    assert page.status_code == 400 and not WebhookEndpoint.objects.exists()


def test_unmatched_events_are_listed_with_their_reason(member: tuple[Client, User]) -> None:
    client, user = member
    endpoint = endpoint_create(user=user, kind="plex", name="Office").endpoint
    WebhookEvent.objects.create(
        endpoint=endpoint,
        fingerprint="x",
        event="media.scrobble",
        status="unmatched",
        reason="No title of the catalog has these ids or this title and year.",
        payload={"title": "Home video", "year": 2019},
    )
    page = client.get("/integrations/").content.decode()
    assert "Home video" in page and "No title of the catalog" in page


def test_revoking_stops_the_url(member: tuple[Client, User]) -> None:
    client, user = member
    new = endpoint_create(user=user, kind="emby", name="Attic")
    assert client.post(f"/integrations/{new.endpoint.pk}/revoke/").status_code == 302
    new.endpoint.refresh_from_db()
    assert not new.endpoint.is_active
    assert Client().post(f"/webhooks/{new.token}", {}, content_type="application/json").status_code == 404


def test_the_page_speaks_french(member: tuple[Client, User]) -> None:
    client, user = member
    user.language = "fr"
    user.save()
    assert "Vos webhooks" in client.get("/integrations/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
