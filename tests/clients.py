"""API clients that carry a user's access token, as a REST client sends it."""

from typing import TypeVar

from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import tokens_issue

Client = TypeVar("Client", bound=APIClient)


def with_token(client: Client, user: User) -> Client:
    """`client`, now sending `user`'s access token on every request."""
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access}")
    return client


def bearer_client(user: User) -> APIClient:
    return with_token(APIClient(), user)
