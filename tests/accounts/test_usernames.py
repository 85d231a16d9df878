"""Usernames are stored NFKC-normalized (as Django's create_user does), through the API and the sign-up page,
at sign-up and on change: a look-alike in fullwidth letters is the same name; a name that mixes alphabets
with look-alike letters is refused."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "plum-tiger-42-velvet"
CONFUSABLE = "This username mixes alphabets with letters that look alike. Use one alphabet."


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def cyrillic_a(text: str) -> str:
    return text.replace("a", "\u0430", 1)  # the first "a" as the Cyrillic letter that looks the same


def api_signup(username: str, email: str = "new@example.org"):
    return APIClient().post(
        "/auth/signup", {"email": email, "password": STRONG, "username": username}, format="json"
    )


def page_signup(username: str, email: str = "new@example.org"):
    return Client().post(
        "/account/signup/", {"email": email, "password": STRONG, "username": username, "language": "en"}
    )


@pytest.mark.parametrize("signup", [api_signup, page_signup])
def test_a_fullwidth_look_alike_of_a_taken_username_is_taken(signup) -> None:
    UserFactory(username="ann")
    response = signup(fullwidth("ann"))
    assert response.status_code == 400
    assert "This username is already taken." in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["ann"]


@pytest.mark.parametrize("signup", [api_signup, page_signup])
def test_a_fullwidth_username_is_stored_normalized(signup) -> None:
    assert signup(fullwidth("Ann.Lee")).status_code in (201, 302)
    assert User.objects.get().username == "Ann.Lee"


@pytest.mark.parametrize("signup", [api_signup, page_signup])
def test_a_username_mixing_alphabets_with_look_alikes_is_refused(signup) -> None:
    response = signup(cyrillic_a("paypal"))
    assert response.status_code == 400
    assert CONFUSABLE in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["\u0438\u0432\u0430\u043d", "Jos\u00e9", "\u7530\u4e2d"])
def test_a_username_in_one_alphabet_is_accepted(username: str) -> None:
    response = api_signup(username)
    assert response.status_code == 201
    assert response.json()["user"]["username"] == username


def test_a_username_that_normalizes_into_forbidden_characters_is_refused() -> None:
    response = api_signup("a\u00bd")  # "a" and one half: NFKC makes it "a1", a fraction slash, "2"
    assert response.status_code == 400
    assert "username" in response.json()["errors"]
    assert not User.objects.exists()


def test_the_french_message_for_a_confusable_username() -> None:
    response = APIClient().post(
        "/auth/signup",
        {"email": "new@example.org", "password": STRONG, "username": cyrillic_a("paypal")},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.json()["errors"] == {
        "username": [
            "Ce nom d\u2019utilisateur mélange des alphabets dont les lettres se ressemblent. "
            "Utilisez un seul alphabet."
        ]
    }


def test_changing_the_username_normalizes_and_checks_it() -> None:
    UserFactory(username="ann")
    client = bearer_client(bob := UserFactory(username="bob"))
    taken = client.patch("/users/me", {"username": fullwidth("ANN")}, format="json")
    assert taken.status_code == 400 and "username" in taken.json()["errors"]
    confusable = client.patch("/users/me", {"username": cyrillic_a("anna")}, format="json")
    assert confusable.json()["errors"] == {"username": [CONFUSABLE]}
    assert client.patch("/users/me", {"username": fullwidth("bobby")}, format="json").status_code == 200
    bob.refresh_from_db()
    assert bob.username == "bobby"
