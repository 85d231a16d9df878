"""Request body parsers: DRF's JSON parser with a bound on how deeply a body may nest.

The API takes JSON bodies (the default parser); a form body sent to a JSON route is a 415. Only the OAuth2
token routes also take `application/x-www-form-urlencoded` (`OAUTH2_PARSERS`), as RFC 6749 has clients send
it, and the history upload takes `multipart/form-data` only.
"""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No body of the API nests more than three levels (a list of genre ids in an object); 32 leaves room.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to a body nested more than `MAX_JSON_DEPTH` levels deep.

    Python's decoder recurses once per level, so a kilobyte of `[` raises RecursionError (a 500 in DRF's
    parser, which catches only ValueError); a shallower but still deep value would recurse again in the
    serializers that read it.
    """

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(self._too_deep()) from exc
        if nests_deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        return _("JSON parse error - nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}


# /auth/login (grant_type=password) and /auth/refresh (grant_type=refresh_token): JSON or an OAuth2 form.
OAUTH2_PARSERS = (JSONParser, parsers.FormParser)


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects in `value` nest more than `limit` levels deep (walked without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
