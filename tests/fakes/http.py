"""A small threaded HTTP server on 127.0.0.1 that answers like a real provider.

Tests give it routes (an exact path, or a regular expression) whose handlers return (status, headers,
body); it records every request. Replies can be queued per path (served first, one each), and failures
injected: a fixed `latency` on every reply, and a seeded share of requests (`failure_rate`) answered by
one of `failure_kinds`: "429" (with Retry-After), "500", "timeout" (no answer before the client gives up)
or "malformed" (a truncated JSON body). Subclasses shape those failures like their provider's.
"""

import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

FAILURE_KINDS = ("429", "500", "timeout", "malformed")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    received_at: float = 0.0  # time.monotonic() when the server read it
    client_port: int = 0  # the client's end of the TCP connection: one port per connection

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter `name`."""
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON; str/bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering (after `delay`)


Handler = Callable[[RecordedRequest], Reply]
PatternHandler = Callable[[RecordedRequest, re.Match[str]], Reply]


class FakeHttpServer:
    def __init__(self, *, seed: int = 0) -> None:
        self.routes: dict[str, Handler] = {}
        self.patterns: list[tuple[re.Pattern[str], PatternHandler]] = []
        self.requests: list[RecordedRequest] = []
        self.queued: dict[str, list[Reply]] = {}  # one-shot replies served before the route's handler
        self.latency = 0.0  # seconds added to every reply
        self.failure_rate = 0.0  # share of requests (0..1) answered by an injected failure
        self.failure_kinds: tuple[str, ...] = FAILURE_KINDS
        self.injected: list[tuple[str, str]] = []  # (path, kind) of every injected failure
        self.retry_after = 1  # seconds, in the Retry-After of injected 429s
        self.stall_seconds = 2.0  # how long an injected "timeout" keeps the client waiting
        self._lock = threading.Lock()
        self.seed = seed
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real providers do
            disable_nagle_algorithm = True  # headers and body go out in two writes: do not hold the second

            def do_GET(self) -> None:
                server._serve(self)

            def do_POST(self) -> None:
                server._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        # A short poll interval: stop() returns at once instead of after serve_forever's default 0.5 s.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def seed(self) -> int:
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        """Setting the seed restarts the failure sequence: the same seed injects the same failures."""
        with self._lock:
            self._seed = value
            self._random = random.Random(value)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def route_pattern(self, pattern: str, handler: PatternHandler) -> None:
        """A route for every path that fully matches `pattern`; the handler gets the match too."""
        self.patterns.append((re.compile(pattern), handler))

    def queue(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.queued.setdefault(path, []).extend(replies)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    # What subclasses shape after their provider.
    def not_found(self, request: RecordedRequest) -> Reply:
        return Reply(
            404,
            {
                "success": False,
                "status_code": 34,
                "status_message": "The resource you requested could not be found.",
            },
        )

    def failure(self, kind: str, request: RecordedRequest) -> Reply:
        """The reply for an injected failure of `kind`."""
        if kind == "429":
            return Reply(429, "Too Many Requests", headers={"Retry-After": str(self.retry_after)})
        if kind == "500":
            return Reply(500, "Internal Server Error")
        if kind == "timeout":
            return Reply(delay=self.stall_seconds, drop=True)
        if kind == "malformed":
            return Reply(
                200, '{"page": 1, "results": [{"id": 1', headers={"Content-Type": "application/json"}
            )
        raise ValueError(f"unknown failure kind {kind!r}")

    def _reply_for(self, request: RecordedRequest) -> Reply:
        with self._lock:
            queued = self.queued.get(request.path)
            if queued:
                return queued.pop(0)
            kind = None
            if self.failure_rate and self._random.random() < self.failure_rate:
                kind = self._random.choice(self.failure_kinds)
                self.injected.append((request.path, kind))
        if kind is not None:
            return self.failure(kind, request)
        if request.path in self.routes:
            return self.routes[request.path](request)
        for pattern, handler in self.patterns:
            match = pattern.fullmatch(request.path)
            if match:
                return handler(request, match)
        return self.not_found(request)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},  # HTTP names are case-blind
            body=handler.rfile.read(length) if length else b"",
            received_at=time.monotonic(),
            client_port=handler.client_address[1],
        )
        self.requests.append(request)
        reply = self._reply_for(request)
        if self.latency or reply.delay:
            time.sleep(self.latency + reply.delay)
        if reply.drop:
            handler.close_connection = True
            return
        body = reply.body
        if isinstance(body, dict | list):
            payload = json.dumps(body, ensure_ascii=False).encode()
            content_type = "application/json;charset=utf-8"
        else:
            payload = body.encode() if isinstance(body, str) else (body or b"")
            content_type = "text/plain"
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                if name != "Content-Type":
                    handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout test)
            handler.close_connection = True
