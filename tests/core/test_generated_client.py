"""The schema's proof: a client generated from it works.

openapi-python-client generates a client from the published schema (`/api/schema/?format=json`, built once
per test session by `tests.contract`); every generated module imports; then a scenario drives the API
through that client, in-process (httpx's WSGI transport into our WSGI app), and every answer it gets is
validated against the schema by the same contract as every test client's answer (tests/conftest.py):
openapi-core, with `additionalProperties: false` on every object that does not declare more, so a field the
schema does not name fails the test, as does a status, a media type or a required header it does not list.
"""

import importlib
import io
import json
import os
import pkgutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from moviesyoudidntwatch.wsgi import application
from tests.contract import contract, from_httpx
from tests.factories import TitleFactory

PACKAGE = "moviesyoudidntwatch_client"
BASE_URL = "http://localhost"
PASSWORD = "plum-tiger-42-velvet"
IMDB_RATINGS = (  # an IMDb ratings export: Heat (in the catalog fixture, as tt9000001) and a film nobody made
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    "Release Date,Directors\n"
    "tt9000001,8,2024-02-01,Heat,https://www.imdb.com/title/tt9000001,Movie,8.3,170,1995,Crime,600000,"
    "1995-12-15,Michael Mann\n"
    "tt7777777,7,2024-02-03,Nowhere Film,https://www.imdb.com/title/tt7777777,Movie,6.0,90,2020,Drama,10,"
    "2020-01-01,Nobody\n"
)


@dataclass
class Generated:
    package: str
    spec: dict[str, Any]
    seconds: float
    modules: list[ModuleType]

    def api(self, name: str) -> ModuleType:
        """The generated module of one operation, by its operation id ("auth_login_create")."""
        tag = next(m.__name__ for m in self.modules if m.__name__.endswith(f".{name}"))
        return importlib.import_module(tag)

    @property
    def models(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.models")

    @property
    def client(self) -> ModuleType:
        return importlib.import_module(self.package)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The client, generated once per test session into a temporary folder and imported whole."""
    spec = contract().spec  # the published document (tests/core/test_schema.py proves they are the same)
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(spec))
    venv = Path(sys.executable).parent  # openapi-python-client, and ruff for its post hooks
    started = time.monotonic()
    run = subprocess.run(
        [
            str(venv / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
            "--fail-on-warning",
        ],
        cwd=folder,
        env={**os.environ, "PATH": f"{venv}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    seconds = time.monotonic() - started
    assert run.returncode == 0, f"openapi-python-client failed:\n{run.stdout}\n{run.stderr}"
    sys.path.insert(0, str(folder))
    try:
        names = [m.name for m in pkgutil.walk_packages([str(folder / PACKAGE)], prefix=f"{PACKAGE}.")]
        modules = [importlib.import_module(PACKAGE)] + [importlib.import_module(name) for name in names]
    finally:
        sys.path.remove(str(folder))
    sys.stderr.write(
        f"\nopenapi-python-client generated the client in {seconds:.1f} s ({len(modules)} modules)\n"
    )
    return Generated(package=PACKAGE, spec=spec, seconds=seconds, modules=modules)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """In-process requests must not close the test's database connection (Django's test client does this)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Recorder:
    """Every exchange of the scenario, kept to be validated against the schema at the end."""

    exchanges: list[httpx.Response] = field(default_factory=list)

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        self.exchanges.append(response)

    def invalid(self) -> list[str]:
        """Every way the answers differ from the schema, each naming its operation and status."""
        judge = contract()
        return [failure for response in self.exchanges for failure in judge.failures(*from_httpx(response))]


# ---------------------------------------------------------------- the scenario


@dataclass
class Steps:
    """Each step runs even when one before it failed (as far as what it needs allows): the report lists
    every step that failed, not only the first."""

    failed: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    def run(self, name: str, step: Callable[[], Any]) -> Any:
        try:
            result = step()
        except Exception as exc:  # a step's failure is reported with the others at the end
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.failed.append(f"{name}: {type(exc).__name__}: {exc} (line {where.lineno})")
            return None
        self.passed.append(name)
        return result


def cursor_of(next_url: str | None) -> str | None:
    return dict(parse_qsl(urlsplit(next_url).query)).get("cursor") if next_url else None


@pytest.mark.django_db
def test_a_client_generated_from_the_schema_works(
    generated: Generated, catalog: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    for year in (1961, 1962, 1963):  # a few more films, as the factories make them
        TitleFactory(title_en=f"Factory Film {year}", year=year, original_language="en")
    api, models, client_module = generated.api, generated.models, generated.client
    recorder = Recorder()
    httpx_args = {"transport": httpx.WSGITransport(app=application), "event_hooks": {"response": [recorder]}}
    anonymous = client_module.Client(
        base_url=BASE_URL, httpx_args=httpx_args, raise_on_unexpected_status=True
    )
    steps = Steps()
    state: dict[str, Any] = {}

    def signup() -> None:
        body = models.SignupRequest(
            email="ann@example.org", password=PASSWORD, language=models.LanguageEnum.EN
        )
        answer = api("auth_signup_create").sync_detailed(client=anonymous, body=body)
        assert answer.status_code == 201, answer.content
        assert isinstance(answer.parsed, models.SignupResult)
        assert answer.parsed.user.email == "ann@example.org"
        assert answer.headers["Location"].endswith("/users/me")

    def login_json() -> None:
        body = models.PasswordGrantRequest(username="ann@example.org", password=PASSWORD)
        answer = api("auth_login_create").sync_detailed(client=anonymous, body=body)
        assert answer.status_code == 200, answer.content
        assert answer.parsed.token_type == models.TokenTypeEnum.BEARER
        assert recorder.exchanges[-1].request.headers["Content-Type"] == "application/json"
        state["tokens"] = answer.parsed

    def login_form() -> None:
        body = models.PasswordGrantFormRequest(
            username="ann@example.org", password=PASSWORD, grant_type="password"
        )
        answer = api("auth_login_create").sync_detailed(client=anonymous, body=body)
        assert answer.status_code == 200, answer.content
        sent = recorder.exchanges[-1].request.headers["Content-Type"]
        assert sent.startswith("application/x-www-form-urlencoded"), sent
        state["tokens"] = answer.parsed

    steps.run("sign up", signup)
    steps.run("log in with JSON", login_json)
    steps.run("log in with the OAuth2 form", login_form)
    assert "tokens" in state, steps.failed  # nothing else can run without a token
    token = state["tokens"].access_token
    me = client_module.AuthenticatedClient(
        base_url=BASE_URL, token=token, httpx_args=httpx_args, raise_on_unexpected_status=True
    )
    discover = api("movies_search_by_filters_create")
    unset_filters = models.DiscoverFiltersRequest(genres=[], year_from=None, year_to=None, min_rating=None)

    def discover_with_null_filters() -> None:
        answer = discover.sync_detailed(client=me, body=unset_filters, page_size=100)
        assert answer.status_code == 200, answer.content
        page = answer.parsed
        assert page.next_ is None and page.excluded_count == 0
        state["all_movies"] = [card.id for card in page.results]
        assert len(state["all_movies"]) == 13
        first = page.results[0]
        assert first.media_type == models.MediaTypeEnum.MOVIE and first.number_of_seasons is None
        assert all(isinstance(genre, models.Genre) for genre in first.genres)

    def mark_a_title() -> None:
        title_id = state["all_movies"][0]
        body = models.StatusUpdateRequest(
            title_id=title_id, status=models.StatusUpdateStatusEnum.SEEN, rating=9
        )
        answer = api("me_movies_update_status_create").sync_detailed(client=me, body=body)
        assert answer.status_code == 200, answer.content
        assert answer.parsed.status == models.EntryStatusEnum.SEEN
        assert answer.parsed.title.user_status == models.EntryStatusEnum.SEEN
        state["marked"] = {title_id}

    def page_through_the_feed_while_marking() -> None:
        served: list[int] = []
        cursor = None
        for _page in range(10):
            kwargs = {"cursor": cursor} if cursor else {}
            answer = discover.sync_detailed(client=me, body=unset_filters, page_size=4, **kwargs)
            assert answer.status_code == 200, answer.content
            page = answer.parsed
            served += [card.id for card in page.results]
            later = models.StatusUpdateRequest(
                title_id=page.results[0].id, status=models.StatusUpdateStatusEnum.LATER
            )
            api("me_movies_update_status_create").sync_detailed(client=me, body=later)
            state["marked"].add(page.results[0].id)
            cursor = cursor_of(page.next_)
            if cursor is None:
                break
        assert len(served) == len(set(served)), "a title came twice"
        assert set(served) == set(state["all_movies"]) - {state["all_movies"][0]}, "a title was skipped"

    steps.run("discover with null filters", discover_with_null_filters)
    steps.run("mark a title", mark_a_title)
    steps.run("page through the feed (follow next) while marking", page_through_the_feed_while_marking)

    def tv_and_detail_and_etag() -> None:
        answer = api("tvshows_search_by_filters_create").sync_detailed(client=anonymous, body=unset_filters)
        assert answer.status_code == 200, answer.content
        show = answer.parsed.results[0]
        assert show.media_type == models.MediaTypeEnum.TV and show.first_air_year is not None
        detail = api("movies_retrieve")
        heat = catalog["Heat"].pk
        first = detail.sync_detailed(client=anonymous, title_id=heat)
        assert first.status_code == 200, first.content
        assert first.parsed.ratings and first.parsed.ratings[0].source == models.RatingSourceEnum.IMDB
        again = detail.sync_detailed(client=anonymous, title_id=heat, if_none_match=first.headers["ETag"])
        assert again.status_code == 304

    def search_similar_and_lists() -> None:
        search = api("movies_search_by_keywords_create").sync_detailed(
            client=me, body=models.KeywordSearchRequest(query="pulp fiktion")
        )
        assert search.status_code == 200 and search.parsed.results[0].title == "Pulp Fiction", search.content
        similar = api("movies_similar_retrieve").sync_detailed(client=me, title_id=catalog["Heat"].pk)
        assert similar.status_code == 200, similar.content
        later = api("me_movies_towatchlater_retrieve").sync_detailed(client=me, page_size=2)
        assert later.status_code == 200 and later.parsed.count >= 2, later.content
        assert later.parsed.results[0].status == models.EntryStatusEnum.LATER
        picks = api("me_recommendations_retrieve").sync_detailed(client=me)
        assert picks.status_code == 200, picks.content
        stats = api("users_me_stats_retrieve").sync_detailed(client=me)
        assert stats.status_code == 200 and stats.parsed.movies.seen == 1, stats.content
        for name in ("genres_retrieve", "languages_retrieve", "users_me_retrieve", "healthz_retrieve"):
            assert api(name).sync_detailed(client=me).status_code == 200, name

    steps.run("TV shows, a title's page and its ETag", tv_and_detail_and_etag)
    steps.run("search, similar titles, lists, picks and stats", search_similar_and_lists)

    def import_imdb_ratings() -> None:
        upload = models.ImportUploadRequest(
            file=client_module.types.File(
                payload=io.BytesIO(IMDB_RATINGS.encode()), file_name="ratings.csv", mime_type="text/csv"
            ),
            source=models.ImportSourceEnum.IMDB,
        )
        with django_capture_on_commit_callbacks(execute=True):  # the import task runs after the commit
            answer = api("me_import_create").sync_detailed(client=me, body=upload)
        assert answer.status_code == 202, answer.content
        assert answer.headers["Location"].endswith(f"/me/import/{answer.parsed.id}")
        report = api("me_import_retrieve").sync_detailed(client=me, job_id=answer.parsed.id)
        assert report.status_code == 200, report.content
        job = report.parsed
        assert job.status == models.ImportStatusEnum.DONE, job
        assert (job.counts.matched, job.counts.unmatched) == (1, 1)
        assert job.unmatched[0].reason == models.UnmatchedReasonEnum.NOT_FOUND

    def export_json_and_csv() -> None:
        as_json = api("me_export_retrieve").sync_detailed(client=me)
        assert as_json.status_code == 200, as_json.content
        document = as_json.parsed  # parsed by the generated client itself
        assert isinstance(document, models.LibraryExport), document
        assert {entry.title_id for entry in document.entries} >= state["marked"]
        as_csv = api("me_export_letterboxd_retrieve").sync_detailed(client=me)
        assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
        assert as_csv.parsed.startswith("imdbID,tmdbID,Title"), as_csv.parsed

    def chat_a_turn() -> None:
        body = models.ChatTurnRequest(message="a french comedy from the 90s")
        answer = api("chat_create").sync_detailed(client=me, body=body)
        assert answer.status_code == 200, answer.content
        turn = answer.parsed
        assert turn.filters.media_type == models.MediaTypeEnum.MOVIE
        session = api("chat_sessions_retrieve").sync_detailed(client=me, session_id=turn.session_id)
        assert session.status_code == 200, session.content
        mine, reply = session.parsed.messages
        assert mine.intent is None and reply.intent == turn.intent

    steps.run("import a small IMDb CSV and read the job", import_imdb_ratings)
    steps.run("export JSON and CSV", export_json_and_csv)
    steps.run("chat a turn", chat_a_turn)

    def refresh_after_rotation() -> None:
        refresh = api("auth_refresh_create")
        first = state["tokens"].refresh_token
        answer = refresh.sync_detailed(client=anonymous, body=models.RefreshGrantRequest(refresh_token=first))
        assert answer.status_code == 200, answer.content
        state["tokens"] = answer.parsed
        refused = refresh.sync_detailed(
            client=anonymous, body=models.RefreshGrantRequest(refresh_token=first)
        )
        assert refused.status_code == 401, refused.content
        assert refused.parsed.code == models.ProblemCodeEnum.TOKEN_NOT_VALID
        form = models.RefreshGrantFormRequest(
            refresh_token=state["tokens"].refresh_token, grant_type="refresh_token"
        )
        answer = refresh.sync_detailed(client=anonymous, body=form)
        assert answer.status_code == 200, answer.content
        state["tokens"] = answer.parsed

    def logout() -> None:
        last = state["tokens"].refresh_token
        answer = api("auth_logout_create").sync_detailed(
            client=me, body=models.LogoutRequest(refresh_token=last)
        )
        assert answer.status_code == 204, answer.content
        after = api("auth_refresh_create").sync_detailed(
            client=anonymous, body=models.RefreshGrantRequest(refresh_token=last)
        )
        assert after.status_code == 401, after.content

    steps.run("refresh after rotation (the old refresh token refused)", refresh_after_rotation)
    steps.run("log out", logout)

    invalid = recorder.invalid()
    report = "\n".join(
        [f"generated in {generated.seconds:.1f} s; {len(recorder.exchanges)} answers validated"]
        + [f"step failed: {failure}" for failure in steps.failed]
        + [f"not as the schema says: {problem}" for problem in invalid]
    )
    assert not steps.failed and not invalid, report
    assert len(recorder.exchanges) > 30
