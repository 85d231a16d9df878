"""Security and caching headers of the pages, the API docs and the exports."""

import re
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from library.models import ImportJob

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


@pytest.mark.parametrize(
    "path", ["/discover/", "/about/", "/account/login/", "/lists/seen/", "/admin/login/"]
)
def test_pages_carry_a_content_security_policy_without_inline_script(browser: Client, path: str) -> None:
    response = browser.get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_the_api_docs_may_style_inline_but_not_script(catalog: dict) -> None:
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    assert directives(page)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives(page)["script-src"] == ["'self'"]
    assert "<script>" not in page.content.decode()  # its script is a file of its own
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_templates_have_no_inline_script_style_or_event_handler() -> None:
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|\shx-on[:-]", re.IGNORECASE
    )
    found = {
        str(path.relative_to(TEMPLATES)): match.group()
        for path in TEMPLATES.rglob("*.html")
        for match in [inline.search(path.read_text(encoding="utf-8"))]
        if match
    }
    assert found == {}


def test_personal_pages_are_never_cached(browser: Client, member) -> None:
    job = ImportJob.objects.create(user=member, source="imdb", filename="ratings.csv", payload=b"")
    paths = [
        "/lists/seen/",
        "/stats/",
        "/for-you/",
        "/assistant/",
        "/import/",
        f"/import/{job.pk}/",
        "/export/letterboxd/",
        "/export/json/",
    ]
    for path in paths:
        response = browser.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


@pytest.mark.parametrize("path", ["/account/signup/", "/account/login/"])
def test_account_pages_are_never_cached(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("path", ["/me/export", "/me/export/letterboxd"])
def test_api_exports_are_never_cached(auth_client: APIClient, path: str) -> None:
    response = auth_client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
