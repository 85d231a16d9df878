"""`Idempotency-Key` on POST /chat and POST /me/import: a retry replays the first answer and runs nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from accounts.models import User
from assistant.models import ChatMessage, ChatSession
from core.idempotency import IdempotencyKeyInProgress, idempotency_claim
from core.models import IdempotencyRecord
from core.tasks import idempotency_records_purge_task
from library.models import ImportJob
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMDB_RATINGS = (
    b"Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,"
    b"Genres,Num Votes,Release Date,Directors\n"
    b'tt0113277,8,2024-02-01,"Heat","Heat",https://www.imdb.com/title/tt0113277,Movie,8.3,170,1995,"Crime",'
    b'700000,"1995-12-15","Michael Mann"\n'
)


def chat(client: APIClient, body: dict, key: str | None = "turn-1"):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post("/chat", body, format="json", **headers)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def _upload(client: APIClient, data: bytes, *, source: str = "imdb", key: str = "import-1"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/me/import",
                {"source": source, "file": SimpleUploadedFile("ratings.csv", data)},
                format="multipart",
                HTTP_IDEMPOTENCY_KEY=key,
            )

    return _upload


# ---------------------------------------------------------------- POST /chat


def test_a_chat_turn_retried_with_its_key_is_replayed_not_run_again(
    auth_client: APIClient, catalog: dict
) -> None:
    first = chat(auth_client, {"message": "a crime film"})
    assert first.status_code == 200 and "Idempotent-Replayed" not in first
    messages = ChatMessage.objects.count()

    retry = chat(auth_client, {"message": "a crime film"})
    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert ChatMessage.objects.count() == messages  # no second turn
    assert ChatSession.objects.count() == 1

    # Another key is another turn.
    assert "Idempotent-Replayed" not in chat(auth_client, {"message": "a crime film"}, key="turn-2")
    assert ChatMessage.objects.count() == messages * 2


def test_the_same_key_with_another_body_is_a_422(auth_client: APIClient, catalog: dict) -> None:
    chat(auth_client, {"message": "a crime film"})
    messages = ChatMessage.objects.count()
    response = chat(auth_client, {"message": "a comedy"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert ChatMessage.objects.count() == messages
    french = auth_client.post(
        "/chat?lang=fr", {"message": "a comedy"}, format="json", HTTP_IDEMPOTENCY_KEY="turn-1"
    )
    assert french.json()["detail"] == "Cette clé Idempotency-Key a déjà servi pour une autre requête."


def test_keys_are_per_user(auth_client: APIClient, catalog: dict) -> None:
    chat(auth_client, {"message": "a crime film"})
    other = chat(bearer_client(UserFactory()), {"message": "a comedy"})
    assert other.status_code == 200 and "Idempotent-Replayed" not in other


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there", "\x7f"])
def test_a_malformed_key_is_a_400_naming_the_header(auth_client: APIClient, key: str) -> None:
    response = chat(auth_client, {"message": "a crime film"}, key=key)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not ChatMessage.objects.exists()


def test_the_longest_key_is_taken(auth_client: APIClient, catalog: dict) -> None:
    key = "~ " + "k" * 253
    assert chat(auth_client, {"message": "a crime film"}, key=key).status_code == 200
    assert chat(auth_client, {"message": "a crime film"}, key=key)["Idempotent-Replayed"] == "true"


def test_a_key_older_than_a_day_is_ignored(auth_client: APIClient, catalog: dict) -> None:
    chat(auth_client, {"message": "a crime film"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    messages = ChatMessage.objects.count()

    response = chat(auth_client, {"message": "a comedy"})  # another body: no 422, the old answer is gone
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert ChatMessage.objects.count() > messages
    assert IdempotencyRecord.objects.count() == 1


def test_a_key_whose_first_request_is_still_running_is_a_409(
    auth_client: APIClient, user: User, catalog: dict
) -> None:
    # Two claims of one key: the database's unique constraint lets only the first one through.
    assert isinstance(idempotency_claim(user_id=user.pk, route="chat", key="k", fingerprint="f"), int)
    with pytest.raises(IdempotencyKeyInProgress):
        idempotency_claim(user_id=user.pk, route="chat", key="k", fingerprint="f")

    chat(auth_client, {"message": "a crime film"})
    IdempotencyRecord.objects.filter(key="turn-1").update(status=None, body=None)  # as if still running
    messages = ChatMessage.objects.count()
    conflict = chat(auth_client, {"message": "a crime film"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"
    assert conflict["Retry-After"] == "1"
    assert ChatMessage.objects.count() == messages

    # A claim left unanswered for minutes belongs to a request that died: the key runs again.
    IdempotencyRecord.objects.filter(key="turn-1").update(created_at=timezone.now() - timedelta(minutes=6))
    assert chat(auth_client, {"message": "a crime film"}).status_code == 200
    assert ChatMessage.objects.count() > messages


def test_a_failed_request_frees_its_key(auth_client: APIClient, catalog: dict) -> None:
    missing = chat(auth_client, {"message": "a crime film", "session_id": 999999})
    assert missing.status_code == 404
    assert not IdempotencyRecord.objects.exists()
    retry = chat(auth_client, {"message": "a crime film"})  # corrected: runs
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry


def test_without_a_key_every_request_runs(auth_client: APIClient, catalog: dict) -> None:
    chat(auth_client, {"message": "a crime film"}, key=None)
    chat(auth_client, {"message": "a crime film"}, key=None)
    assert ChatSession.objects.count() == 2 and not IdempotencyRecord.objects.exists()


# ---------------------------------------------------------------- POST /me/import


def test_an_import_retried_with_its_key_is_replayed(auth_client: APIClient, upload, catalog: dict) -> None:
    first = upload(auth_client, IMDB_RATINGS)
    assert first.status_code == 202
    retry = upload(auth_client, IMDB_RATINGS)
    assert retry.status_code == 202
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json() == {"id": first.json()["id"], "reused": False}
    assert (retry["Location"], retry["Retry-After"]) == (first["Location"], "2")
    assert ImportJob.objects.count() == 1


def test_an_import_with_the_same_key_and_another_file_or_source_is_a_422(
    auth_client: APIClient, upload, catalog: dict
) -> None:
    upload(auth_client, IMDB_RATINGS)
    other_file = upload(auth_client, IMDB_RATINGS.replace(b",8,", b",9,"))
    assert other_file.status_code == 422 and other_file.json()["code"] == "idempotency_key_reused"
    other_source = upload(auth_client, IMDB_RATINGS, source="trakt")
    assert other_source.status_code == 422
    assert ImportJob.objects.count() == 1


# ---------------------------------------------------------------- the purge


def test_records_older_than_a_day_are_purged_hourly(auth_client: APIClient, catalog: dict) -> None:
    chat(auth_client, {"message": "a crime film"}, key="old")
    chat(auth_client, {"message": "a crime film"}, key="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency_records_purge_task.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    task = PeriodicTask.objects.get(task="core.tasks.idempotency_records_purge_task")
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("45", "*", True)


def test_the_schema_declares_the_header(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("/chat", "/me/import"):
        parameters = schema["paths"][path]["post"].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters), path
        responses = schema["paths"][path]["post"]["responses"]
        assert {"409", "422"} <= set(responses), path
        success = next(r for code, r in responses.items() if code.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"], path
