"""The pages' forms run the domain validators the API's input serializers run: same refusals, same words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from assistant.state import MAX_MESSAGE_CHARS
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db


def form_errors(page, field: str, language: str) -> list[str]:
    """The page form's messages, in the page's language (Django's own are translated lazily)."""
    with translation.override(language):
        return [str(message) for message in page.context["form"].errors[field]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_chat_message_over_the_limit_is_refused_alike(browser: Client, member: User, language: str) -> None:
    message = "x" * (MAX_MESSAGE_CHARS + 1)
    api = bearer_client(member).post(f"/chat?lang={language}", {"message": message}, format="json")
    page = browser.post(f"/assistant/?lang={language}", {"message": message})
    assert (api.status_code, page.status_code) == (400, 400)
    assert form_errors(page, "message", language) == api.json()["errors"]["message"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_empty_history_file_is_refused_alike(browser: Client, member: User, language: str) -> None:
    api: APIClient = bearer_client(member)
    empty = SimpleUploadedFile("ratings.csv", b"", content_type="text/csv")
    refused = api.post(f"/me/import?lang={language}", {"source": "imdb", "file": empty}, format="multipart")
    empty.seek(0)
    page = browser.post(f"/import/?lang={language}", {"source": "imdb", "file": empty})
    assert (refused.status_code, page.status_code) == (400, 400)
    assert form_errors(page, "file", language) == refused.json()["errors"]["file"]
