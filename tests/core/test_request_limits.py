"""Request bodies over their route's limit: refused on their declared size, before anything reads them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from library.models import ImportJob

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def declared_post(client: Client, path: str, size: int, **headers: str):
    """A POST declaring `size` bytes of multipart body, none of which can be read."""
    return client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": UnreadableBody()},
        **headers,
    )


def test_an_upload_declared_over_the_limit_is_a_problem_413_unread(
    auth_client: APIClient, user: User
) -> None:
    response = declared_post(auth_client, "/me/import", 21 * MB)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_too_large"
    assert response.json()["detail"] == "The file is too large (20 MB at most)."
    assert not ImportJob.objects.exists()


def test_an_upload_declared_over_the_limit_on_the_import_page_is_an_html_413(user: User) -> None:
    browser = Client()
    browser.force_login(user)
    response = declared_post(browser, "/import/?lang=fr", 21 * MB)
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Le fichier est trop volumineux (20 Mo au maximum)." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/auth/login", "/account/login/"])
def test_any_other_body_declared_over_django_s_limit_is_a_413_unread(path: str) -> None:
    """DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): DRF's JSON and form parsers would read any size."""
    response = declared_post(Client(), path, 3 * MB)
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_declared_size_that_is_no_number_reads_as_no_body() -> None:
    response = Client().generic(
        "POST", "/auth/login", content_type="application/json", CONTENT_LENGTH="\u00b2"
    )
    assert response.status_code == 400  # no identifier, no password: the body Django read is empty


def test_the_upload_limit_is_one_setting(auth_client: APIClient, settings) -> None:
    settings.IMPORT_MAX_UPLOAD_MB = 1
    refused_unread = declared_post(auth_client, "/me/import", 2 * MB)
    assert refused_unread.json()["detail"] == "The file is too large (1 MB at most)."
    # Just over 1 MB declares less than the limit and its envelope: read, then refused by the service.
    upload = SimpleUploadedFile("ratings.csv", b"Const\n" + b"x" * MB)
    response = auth_client.post("/me/import", {"source": "imdb", "file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["The file is too large (1 MB at most)."]}
