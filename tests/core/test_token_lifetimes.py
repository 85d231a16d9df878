"""JWT lifetimes come from the settings, and a token past its lifetime is refused.

Rotation and revocation on logout are tested with the routes, in tests/accounts/test_api.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: APIClient, user: User) -> dict:
    response = client.post(
        "/auth/login", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def test_tokens_live_as_long_as_the_settings_say(api_client: APIClient, user: User, settings) -> None:
    tokens = _login(api_client, user)
    access, refresh = AccessToken(tokens["access_token"]), RefreshToken(tokens["refresh_token"])
    assert tokens["expires_in"] == access["exp"] - access["iat"]
    assert access["exp"] - access["iat"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    assert refresh["exp"] - refresh["iat"] == settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=30)  # JWT_ACCESS_MINUTES default
    assert settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=14)  # JWT_REFRESH_DAYS default


def test_an_expired_access_token_is_401(api_client: APIClient, user: User) -> None:
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1))  # issued long enough ago to have expired
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/users/me").status_code == 401


def test_an_expired_refresh_token_cannot_be_refreshed(api_client: APIClient, user: User) -> None:
    token = RefreshToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(days=15))
    response = api_client.post("/auth/refresh", {"refresh_token": str(token)}, format="json")
    assert (response.status_code, response.json()["code"]) == (401, "token_not_valid")
