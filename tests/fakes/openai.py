"""A fake OpenAI-compatible chat-completions server, answering in OpenAI's wire format."""

import json
from typing import Any

from tests.fakes.http import FakeHttpServer, RecordedRequest, Reply

INVALID_KEY = {
    "error": {
        "message": "Incorrect API key provided: wr***ey. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
RATE_LIMITED = {
    "error": {
        "message": "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, "
        "Used 3, Requested 1. Please try again in 20s.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}


def completion(content: str, *, model: str = "gpt-4o-mini-2024-07-18") -> dict[str, Any]:
    """A chat.completion object as OpenAI sends it (structured output arrives as a JSON string)."""
    return {
        "id": "chatcmpl-test0001",
        "object": "chat.completion",
        "created": 1770950834,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 412,
            "completion_tokens": 61,
            "total_tokens": 473,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_test",
    }


class FakeOpenAI(FakeHttpServer):
    def __init__(self, *, api_key: str = "sk-test") -> None:
        super().__init__()
        self.api_key = api_key
        self.answer: dict[str, Any] = {}
        self.route("/v1/chat/completions", self._complete)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def _complete(self, request: RecordedRequest) -> Reply:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return Reply(401, INVALID_KEY)
        return Reply(200, completion(json.dumps(self.answer)))
