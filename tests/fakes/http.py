"""A small threaded HTTP server on 127.0.0.1 that answers like a real provider.

Tests give it routes (path → handler) that return (status, headers, body); it records every request,
and can inject latency, error statuses, truncated bodies or timeouts to exercise our clients' handling.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON; str/bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Handler = Callable[[RecordedRequest], Reply]


class FakeHttpServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[RecordedRequest] = []
        self.queued: dict[str, list[Reply]] = {}  # one-shot replies served before the route's handler
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._serve(self)

            def do_POST(self) -> None:
                server._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def queue(self, path: str, *replies: Reply) -> None:
        self.queued.setdefault(path, []).extend(replies)

    def start(self) -> "FakeHttpServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in handler.headers.items()},  # HTTP names are case-blind
            body=handler.rfile.read(length) if length else b"",
        )
        self.requests.append(request)
        if self.queued.get(parts.path):
            reply = self.queued[parts.path].pop(0)
        elif parts.path in self.routes:
            reply = self.routes[parts.path](request)
        else:
            reply = Reply(
                404,
                {
                    "success": False,
                    "status_code": 34,
                    "status_message": "The resource you requested could not be found.",
                },
            )
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body
        if isinstance(body, dict | list):
            payload = json.dumps(body, ensure_ascii=False).encode()
            content_type = "application/json;charset=utf-8"
        else:
            payload = body.encode() if isinstance(body, str) else (body or b"")
            content_type = "text/plain"
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            if name != "Content-Type":
                handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)
