"""The outermost WSGI layer: a request body the app did not read is read out before the answer goes.

gunicorn drains at most 64 KB of an unread body after answering, then closes the keep-alive connection it
has just advertised; the client's next request on it is then aborted ("connection aborted"). A route that
answers without reading (404, 405, 403 for a missing CSRF token, 429) would cost every such client a reset.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from core.limits import MULTIPART_ENVELOPE_BYTES, upload_max_bytes

CHUNK_BYTES = 64 * 1024

StartResponse = Callable[..., Callable[[bytes], object]]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _CountingInput:
    """wsgi.input, counting what the app reads."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.consumed = 0

    def _counted(self, data: bytes) -> bytes:
        self.consumed += len(data)
        return data

    def read(self, *size: int) -> bytes:
        return self._counted(self._stream.read(*size))

    def readline(self, *size: int) -> bytes:
        return self._counted(self._stream.readline(*size))

    def readlines(self, *hint: int) -> list[bytes]:
        return [self._counted(line) for line in self._stream.readlines(*hint)]

    def __iter__(self) -> Iterator[bytes]:
        return (self._counted(line) for line in self._stream)

    def drain(self, length: int | None) -> None:
        """Read what is left of the body: up to `length` bytes in all, or to its end when the server marks
        the input as terminated (chunked bodies); never past the largest body a route accepts (an import
        upload with its multipart framing): beyond it the server closes the connection, as it would anyway."""
        most = upload_max_bytes() + MULTIPART_ENVELOPE_BYTES
        limit = most if length is None else length
        if limit > most:
            return
        while self.consumed < limit:
            if not self.read(min(CHUNK_BYTES, limit - self.consumed)):
                return


class RequestBodyDrain:
    """Wraps the WSGI application; the body is read out when the app starts its answer."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            length: int | None = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if not length and environ.get("wsgi.input_terminated"):
            length = None  # no length given (chunked): the server ends the input at the body's end
        if length == 0:
            return self.app(environ, start_response)
        body = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body

        def start(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            body.drain(length)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, start)
