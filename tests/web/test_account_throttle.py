"""The sign-up and log-in pages take from the API's anonymous budget: the same rate and the same counter
per client address, on POST (each one hashes a password); past it, a localized 429 page."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "plum-tiger-42-velvet"


@pytest.fixture
def anon_rate(settings):
    def set_rate(rate: str) -> None:  # an hour: a one-minute window could roll over during the test
        framework = settings.REST_FRAMEWORK
        rates = {**framework["DEFAULT_THROTTLE_RATES"], "anon": rate}
        settings.REST_FRAMEWORK = {**framework, "DEFAULT_THROTTLE_RATES": rates}

    return set_rate


def signup(n: int, query: str = "") -> object:
    return Client().post(
        f"/account/signup/{query}", {"email": f"u{n}@example.org", "password": STRONG, "language": "en"}
    )


def test_signups_past_the_anonymous_rate_get_a_localized_429_page(anon_rate) -> None:
    anon_rate("2/hour")
    assert [signup(n).status_code for n in range(2)] == [302, 302]
    response = signup(2, "?lang=fr")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    page = response.content.decode()
    assert f"Trop de requêtes. Réessayez dans {wait} secondes." in page
    assert re.search(r"<h1>Trop de requêtes</h1>", page)
    assert User.objects.count() == 2
    # Showing the form costs nothing and is not counted.
    assert [Client().get("/account/signup/").status_code for _ in range(3)] == [200] * 3


def test_the_login_page_and_the_api_share_one_anonymous_counter(anon_rate, user: User) -> None:
    anon_rate("3/hour")
    right = {"username": user.email, "password": TEST_PASSWORD}
    assert APIClient().post("/auth/login", {}, format="json").status_code == 400
    assert Client().post("/account/login/", {**right, "password": "wrong"}).status_code == 200
    assert Client().get("/account/login/").status_code == 200
    assert APIClient().post("/auth/login", right, format="json").status_code == 200
    response = Client().post("/account/login/", right)
    assert response.status_code == 429
    assert f"Too many requests. Try again in {response['Retry-After']} seconds." in response.content.decode()
    assert APIClient().post("/auth/login", right, format="json").status_code == 429
    # Another address has its own allowance.
    assert Client().post("/account/login/", right, REMOTE_ADDR="192.0.2.20").status_code == 302
