import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "plum-tiger-42-velvet"


def signup(client: APIClient, **body: object):
    return client.post(
        "/auth/signup", {"email": "ann@example.org", "password": STRONG, **body}, format="json"
    )


# ---------------------------------------------------------------- signup


def test_signup_creates_user_and_returns_tokens(api_client: APIClient) -> None:
    response = signup(api_client, username="ann", language="fr")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ann@example.org"
    assert body["user"]["username"] == "ann"
    assert body["user"]["language"] == "fr"
    assert set(body["user"]) == {"id", "email", "username", "language", "date_joined"}
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.get("/users/me").json()["email"] == "ann@example.org"


def test_signup_without_username_derives_a_free_one(api_client: APIClient) -> None:
    UserFactory(username="ann", email="someone-else@example.org")
    response = signup(api_client)
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "ann2"
    assert response.json()["user"]["language"] == "en"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"password": ""}, "password"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),  # common
        ({"password": "83749218374"}, "password"),  # numeric only
        ({"password": "ann.example.org"}, "password"),  # too similar to the email
        ({"language": "de"}, "language"),
        ({"username": "bad name!"}, "username"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_signup_rejects_bad_input_naming_the_field(api_client: APIClient, body: dict, field: str) -> None:
    response = signup(api_client, **body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not User.objects.exists()


def test_signup_missing_fields_are_named(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_signup_duplicate_email_is_case_insensitive(api_client: APIClient) -> None:
    UserFactory(email="ann@example.org")
    response = signup(api_client, email="ANN@Example.org")
    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1


def test_signup_duplicate_username(api_client: APIClient) -> None:
    UserFactory(username="Ann")
    response = signup(api_client, username="ann")
    assert response.status_code == 400
    assert "username" in response.json()


def test_signup_malformed_json_is_400(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_signup_errors_in_french_when_asked(api_client: APIClient) -> None:
    UserFactory(email="ann@example.org")
    response = api_client.post(
        "/auth/signup",
        {"email": "ann@example.org", "password": "short"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "fr"
    assert "existe déjà" in response.json()["email"][0]
    assert any("trop court" in message for message in response.json()["password"])


def test_lang_query_parameter_overrides_header(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup?lang=fr", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert response.json()["email"] == ["Ce champ est obligatoire."]


# ---------------------------------------------------------------- login


def test_login_with_username_json(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"] == body["access"]
    assert body["refresh"]


def test_login_with_email_as_form_body(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login", {"username": user.email.upper(), "password": TEST_PASSWORD, "grant_type": "password"}
    )  # APIClient's default format is multipart; OAuth2 clients send urlencoded forms
    assert response.status_code == 200
    urlencoded = api_client.post(
        "/auth/login",
        f"username={user.email}&password={TEST_PASSWORD}&grant_type=password",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 200
    assert urlencoded.json()["access_token"]


@pytest.mark.parametrize("identifier", ["nobody", "nobody@example.org"])
def test_login_unknown_user_is_401(api_client: APIClient, user: User, identifier: str) -> None:
    response = api_client.post(
        "/auth/login", {"username": identifier, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_login_wrong_password_is_401_in_french(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login",
        {"username": user.username, "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 401
    assert "incorrect" in response.json()["detail"].lower()
    assert response["Content-Language"] == "fr"


def test_login_inactive_user_is_401(api_client: APIClient) -> None:
    inactive = UserFactory(is_active=False)
    response = api_client.post(
        "/auth/login", {"username": inactive.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": TEST_PASSWORD}, "username"),
        ({"username": "x"}, "password"),
        ({"username": "x", "password": "y", "grant_type": "client_credentials"}, "grant_type"),
    ],
)
def test_login_bad_input_is_400(api_client: APIClient, body: dict, field: str) -> None:
    response = api_client.post("/auth/login", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_throttled_even_with_the_right_password(
    api_client: APIClient, user: User
) -> None:
    for _ in range(3):
        assert api_client.post("/auth/login", {"username": user.username, "password": "x"}).status_code == 401
    response = api_client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another account from the same address is not locked out by these three failures.
    other = UserFactory()
    assert (
        api_client.post("/auth/login", {"username": other.username, "password": TEST_PASSWORD}).status_code
        == 200
    )


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_successful_login_resets_the_failure_count(api_client: APIClient, user: User) -> None:
    for _ in range(2):
        api_client.post("/auth/login", {"username": user.username, "password": "x"})
    assert (
        api_client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD}).status_code
        == 200
    )
    for _ in range(2):
        assert api_client.post("/auth/login", {"username": user.username, "password": "x"}).status_code == 401
    assert (
        api_client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD}).status_code
        == 200
    )


def test_login_ignores_a_stale_bearer_header(api_client: APIClient, user: User) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")
    response = api_client.post(
        "/auth/login", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200


# ---------------------------------------------------------------- refresh and logout


def _login(client: APIClient, user: User) -> dict:
    return client.post(
        "/auth/login", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    ).json()


def test_refresh_rotates_and_the_old_token_stops_working(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    response = api_client.post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["access"] and rotated["refresh"] and rotated["refresh"] != tokens["refresh"]
    reused = api_client.post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    assert api_client.post("/auth/refresh", {"refresh": rotated["refresh"]}, format="json").status_code == 200


@pytest.mark.parametrize(("body", "status"), [({}, 400), ({"refresh": "garbage"}, 401)])
def test_refresh_bad_input(api_client: APIClient, body: dict, status: int) -> None:
    assert api_client.post("/auth/refresh", body, format="json").status_code == status


def test_refresh_rejects_an_access_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    assert api_client.post("/auth/refresh", {"refresh": tokens["access"]}, format="json").status_code == 401


def test_logout_revokes_the_refresh_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.post("/auth/logout", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    assert api_client.post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401
    # Logging out twice is harmless.
    assert api_client.post("/auth/logout", {"refresh": tokens["refresh"]}, format="json").status_code == 204


def test_logout_needs_a_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    assert api_client.post("/auth/logout", {"refresh": tokens["refresh"]}, format="json").status_code == 401


@pytest.mark.parametrize(("body", "field"), [({}, "refresh"), ({"refresh": "garbage"}, "refresh")])
def test_logout_bad_input(auth_client: APIClient, body: dict, field: str) -> None:
    response = auth_client.post("/auth/logout", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_logout_cannot_revoke_another_users_token(api_client: APIClient, auth_client: APIClient) -> None:
    victim = UserFactory()
    victim_tokens = _login(api_client, victim)
    response = auth_client.post("/auth/logout", {"refresh": victim_tokens["refresh"]}, format="json")
    assert response.status_code == 400
    assert (
        api_client.post("/auth/refresh", {"refresh": victim_tokens["refresh"]}, format="json").status_code
        == 200
    )


def test_logout_rejects_an_access_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.post("/auth/logout", {"refresh": tokens["access"]}, format="json").status_code == 400


# ---------------------------------------------------------------- /users/me


def test_me_requires_authentication(api_client: APIClient) -> None:
    assert api_client.get("/users/me").status_code == 401
    assert api_client.patch("/users/me", {"language": "fr"}, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert api_client.get("/users/me").status_code == 401


def test_me_reads_the_callers_own_account(auth_client: APIClient, user: User) -> None:
    UserFactory()
    body = auth_client.get("/users/me").json()
    assert body["id"] == user.pk
    assert body["email"] == user.email
    assert body["username"] == user.username
    assert body["language"] == "en"
    assert body["date_joined"]


def test_me_patch_changes_username_and_language(auth_client: APIClient, user: User) -> None:
    response = auth_client.patch("/users/me", {"username": "new-name", "language": "fr"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.username, user.language) == ("new-name", "fr")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "de"}, "language"),
        ({"username": ""}, "username"),
        ({"username": "spaces are bad"}, "username"),
        ({"email": "new@example.org"}, "email"),  # not changeable here
        ({"is_staff": True}, "is_staff"),
    ],
)
def test_me_patch_bad_input(auth_client: APIClient, user: User, body: dict, field: str) -> None:
    response = auth_client.patch("/users/me", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    user.refresh_from_db()
    assert not user.is_staff
    assert user.email.endswith("@example.org")


def test_me_patch_username_taken(auth_client: APIClient) -> None:
    UserFactory(username="taken")
    response = auth_client.patch("/users/me", {"username": "TAKEN"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()
