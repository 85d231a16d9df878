"""Failed-login limits, through the API (/auth/login) and the login page: counted per account (whichever of
its names is typed) and per client address (the same address as the request throttles), atomically."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # the TLS proxy in front of the app: every request's socket address
GUESSER = "203.0.113.9"
SOMEONE_ELSE = "198.51.100.7"
LONG_S, DOTLESS_I = "\u017f", "\u0131"  # long s and dotless i: PostgreSQL's UPPER() makes them "S", "I"


def attempt(where: str, identifier: str, password: str, forwarded_for: str | None = None) -> str:
    """One login through the API or the page: "ok", "wrong" (bad credentials) or "refused" (the limit)."""
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    body = {"username": identifier, "password": password}
    if where == "api":
        response = APIClient().post("/auth/login", body, format="json", **headers)
        return {200: "ok", 401: "wrong", 429: "refused"}[response.status_code]
    response = Client().post("/account/login/", body, **headers)
    if response.status_code == 302:
        return "ok"
    page = response.content.decode()
    if "Too many failed login attempts" in page:
        return "refused"
    assert "Incorrect username/email or password." in page
    return "wrong"


@pytest.fixture
def behind_one_proxy(settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.parametrize("where", ["api", "page"])
def test_guessing_made_up_names_behind_the_proxy_locks_nobody_else_out(
    where: str, settings, behind_one_proxy: None
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 5  # 20 failures per address
    ann, bob = UserFactory(), UserFactory()
    for n in range(20):
        assert attempt(where, f"nobody{n}", "guess", GUESSER) == "wrong"
    # Everybody comes through the same proxy: the guesser's address is the one the proxy appended.
    assert attempt(where, ann.username, TEST_PASSWORD, SOMEONE_ELSE) == "ok"
    # From the guessing address too, the right password of an account nobody attacked gets in...
    assert attempt(where, bob.email, TEST_PASSWORD, GUESSER) == "ok"
    # ...while that address gets no second try at a name it failed on (whatever it puts before the
    # proxy's entry), and only one at a new name.
    assert attempt(where, "nobody0", "guess", GUESSER) == "refused"
    assert attempt(where, "nobody0", "guess", f"{SOMEONE_ELSE}, {GUESSER}") == "refused"
    assert attempt(where, "nobody20", "guess", GUESSER) == "wrong"
    assert attempt(where, "nobody20", "guess", GUESSER) == "refused"
    # Below the address limit, an account takes up to LOGIN_FAILURE_LIMIT failures, from anywhere.
    assert [attempt(where, "nobody0", "guess", SOMEONE_ELSE) for _ in range(5)] == ["wrong"] * 4 + ["refused"]


@pytest.mark.parametrize("where", ["api", "page"])
def test_the_email_and_the_username_of_an_account_share_its_failure_count(where: str, settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    ann = UserFactory()
    for identifier in (ann.username, ann.email.upper(), ann.email):
        assert attempt(where, identifier, "wrong") == "wrong"
    assert attempt(where, ann.username, TEST_PASSWORD) == "refused"
    assert attempt(where, ann.email, TEST_PASSWORD) == "refused"


@pytest.mark.parametrize("where", ["api", "page"])
def test_spellings_of_a_name_no_account_has_share_one_failure_count(where: str, settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in "ghost")  # in fullwidth letters
    for identifier in (f"gho{LONG_S}t", "GHOST", fullwidth):
        assert attempt(where, identifier, "guess") == "wrong"
    assert attempt(where, "Ghost", "guess") == "refused"


@pytest.mark.postgres
def test_case_variants_postgresql_matches_count_against_the_account(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares case in ASCII only: these spellings name no account there")
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(username="isis", email="isis@example.org")
    variant = f"{DOTLESS_I}{LONG_S}{DOTLESS_I}{LONG_S}"
    assert attempt("api", variant, TEST_PASSWORD) == "ok"  # the database reads it as "isis"
    for identifier in (variant, f"ISI{LONG_S}", f"{DOTLESS_I}sis@example.org"):
        assert attempt("api", identifier, "wrong") == "wrong"
    assert attempt("api", "isis", TEST_PASSWORD) == "refused"
    assert attempt("page", "isis", TEST_PASSWORD) == "refused"


@pytest.mark.django_db(transaction=True)  # the threads' own connections see the account
def test_parallel_failures_are_all_counted(settings) -> None:
    """Each attempt counts in one atomic increment before the password is checked: of 32 parallel wrong
    guesses, exactly LOGIN_FAILURE_LIMIT are checked (in Redis when REDIS_URL is set, else in locmem)."""
    settings.LOGIN_FAILURE_LIMIT = 10
    ann = UserFactory()
    barrier = threading.Barrier(8)

    def guesses(_: int) -> list[int]:
        client = APIClient()
        barrier.wait()
        try:
            return [
                client.post("/auth/login", {"username": ann.email, "password": "wrong"}).status_code
                for _ in range(4)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(code for codes in pool.map(guesses, range(8)) for code in codes)
    assert statuses == {401: 10, 429: 22}
    assert attempt("api", ann.username, TEST_PASSWORD) == "refused"
