"""`authenticated_user` hands the services the signed-in `User` and refuses anyone else."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.models import User
from accounts.selectors import authenticated_user


def test_authenticated_user_is_the_signed_in_user(user: User) -> None:
    request = RequestFactory().get("/")
    request.user = user
    assert authenticated_user(request) is user


def test_authenticated_user_refuses_an_anonymous_request() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        authenticated_user(request)
