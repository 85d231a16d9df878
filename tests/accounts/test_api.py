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
    assert set(body["user"]) == {
        "id",
        "email",
        "username",
        "language",
        "date_joined",
        "watch_country",
        "watch_services",
        "watch_kinds",
    }
    me = APIClient()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    assert body["refresh_token"]
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
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
    assert field in response.json()["errors"], response.json()
    assert not User.objects.exists()


def test_signup_missing_fields_are_named(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


def test_signup_duplicate_email_is_case_insensitive(api_client: APIClient) -> None:
    UserFactory(email="ann@example.org")
    response = signup(api_client, email="ANN@Example.org")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert User.objects.count() == 1


def test_signup_duplicate_username(api_client: APIClient) -> None:
    UserFactory(username="Ann")
    response = signup(api_client, username="ann")
    assert response.status_code == 400
    assert "username" in response.json()["errors"]


def test_signup_malformed_json_is_400(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


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
    assert "existe déjà" in response.json()["errors"]["email"][0]
    assert any("trop court" in message for message in response.json()["errors"]["password"])


def test_lang_query_parameter_overrides_header(api_client: APIClient) -> None:
    response = api_client.post("/auth/signup?lang=fr", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert response.json()["errors"]["email"] == ["Ce champ est obligatoire."]


# ---------------------------------------------------------------- login

FORM = "application/x-www-form-urlencoded"


def assert_token_object(response) -> dict:
    """An OAuth2 token object (RFC 6749 §5.1), never cached, whose access token opens /users/me."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60  # JWT_ACCESS_MINUTES
    assert response["Cache-Control"] == "no-store"
    assert bearer(body["access_token"]).get("/users/me").status_code == 200
    return body


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_login_with_username_json(api_client: APIClient, user: User) -> None:
    response = api_client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert_token_object(response)


def test_login_with_email_as_an_oauth2_form(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login",
        f"grant_type=password&username={user.email.upper()}&password={TEST_PASSWORD}&scope=",
        content_type=FORM,
    )
    assert_token_object(response)


def test_login_takes_no_multipart_body(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login", {"username": user.username, "password": TEST_PASSWORD}, format="multipart"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("identifier", ["nobody", "nobody@example.org"])
def test_login_unknown_user_is_401(api_client: APIClient, user: User, identifier: str) -> None:
    response = api_client.post("/auth/login", {"username": identifier, "password": TEST_PASSWORD})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"


def test_login_wrong_password_is_401_in_french(api_client: APIClient, user: User) -> None:
    response = api_client.post(
        "/auth/login", {"username": user.username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 401
    assert "incorrect" in response.json()["detail"].lower()
    assert response["Content-Language"] == "fr"


def test_login_inactive_user_is_401(api_client: APIClient) -> None:
    inactive = UserFactory(is_active=False)
    response = api_client.post("/auth/login", {"username": inactive.username, "password": TEST_PASSWORD})
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
    response = api_client.post("/auth/login", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


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


# ---------------------------------------------------------------- stale tokens on the public routes


@pytest.mark.parametrize(
    "header", ["Bearer expired.or.garbage", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b"]
)
def test_public_routes_ignore_any_authorization_header(
    api_client: APIClient, user: User, header: str
) -> None:
    tokens = _login(APIClient(), user)
    api_client.credentials(HTTP_AUTHORIZATION=header)
    login = api_client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert login.status_code == 200
    refreshed = api_client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert signup(api_client).status_code == 201
    assert api_client.get("/healthz").status_code == 200


# ---------------------------------------------------------------- refresh and logout


def _login(client: APIClient, user: User) -> dict:
    return client.post("/auth/login", {"username": user.username, "password": TEST_PASSWORD}).json()


def test_refresh_by_json_rotates_and_the_old_token_stops_working(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    rotated = assert_token_object(
        api_client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    )
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reused = api_client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert reused["Content-Type"] == "application/problem+json"
    assert reused.json()["code"] == "token_not_valid"
    assert reused["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert api_client.post("/auth/refresh", {"refresh_token": rotated["refresh_token"]}).status_code == 200


def test_refresh_by_oauth2_form(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    body = f"grant_type=refresh_token&refresh_token={tokens['refresh_token']}"
    rotated = assert_token_object(api_client.post("/auth/refresh", body, content_type=FORM))
    again = api_client.post("/auth/refresh", body, content_type=FORM, HTTP_ACCEPT_LANGUAGE="fr")
    assert again.status_code == 401
    assert again.json()["detail"] == "Le jeton de rafraîchissement est invalide, expiré ou révoqué."
    assert api_client.post("/auth/refresh", {"refresh_token": rotated["refresh_token"]}).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"refresh": "the 1.x field name"}, 400, "invalid"),
        ({"refresh_token": "garbage"}, 401, "token_not_valid"),
        ({"refresh_token": "garbage", "grant_type": "password"}, 400, "invalid"),
    ],
)
def test_refresh_bad_input(api_client: APIClient, body: dict, status: int, code: str) -> None:
    response = api_client.post("/auth/refresh", body)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_refresh_rejects_an_access_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    assert api_client.post("/auth/refresh", {"refresh_token": tokens["access_token"]}).status_code == 401


def test_refresh_for_a_deleted_or_disabled_account_is_401(api_client: APIClient) -> None:
    gone, disabled = UserFactory(), UserFactory()
    gone_tokens, disabled_tokens = _login(api_client, gone), _login(api_client, disabled)
    gone.delete()
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    for tokens in (gone_tokens, disabled_tokens):
        response = api_client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
        assert (response.status_code, response.json()["code"]) == (401, "token_not_valid")


def test_logout_revokes_the_refresh_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api_client.post("/auth/logout", {"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert api_client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 401
    # Logging out twice is harmless.
    assert api_client.post("/auth/logout", {"refresh_token": tokens["refresh_token"]}).status_code == 204


def test_logout_needs_a_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    response = api_client.post("/auth/logout", {"refresh_token": tokens["refresh_token"]})
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize(
    ("body", "field"), [({}, "refresh_token"), ({"refresh_token": "garbage"}, "refresh_token")]
)
def test_logout_bad_input(auth_client: APIClient, body: dict, field: str) -> None:
    response = auth_client.post("/auth/logout", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_logout_cannot_revoke_another_users_token(api_client: APIClient, auth_client: APIClient) -> None:
    victim = UserFactory()
    victim_tokens = _login(api_client, victim)
    response = auth_client.post("/auth/logout", {"refresh_token": victim_tokens["refresh_token"]})
    assert response.status_code == 400
    assert (
        api_client.post("/auth/refresh", {"refresh_token": victim_tokens["refresh_token"]}).status_code == 200
    )


def test_logout_rejects_an_access_token(api_client: APIClient, user: User) -> None:
    tokens = _login(api_client, user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api_client.post("/auth/logout", {"refresh_token": tokens["access_token"]}).status_code == 400


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
    assert field in response.json()["errors"]
    user.refresh_from_db()
    assert not user.is_staff
    assert user.email.endswith("@example.org")


def test_me_patch_username_taken(auth_client: APIClient) -> None:
    UserFactory(username="taken")
    response = auth_client.patch("/users/me", {"username": "TAKEN"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["errors"]
