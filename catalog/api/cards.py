"""Title cards as every surface serves them: the REST routes, the assistant and the web pages."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from catalog.api.serializers import TitleCardOutputSerializer
from catalog.ingest.enrichment import titles_refresh_if_stale
from catalog.models import Title
from library.selectors import statuses_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def title_cards(
    titles: Iterable[Title],
    *,
    language: str,
    user: "User | AnonymousUser",
    statuses: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The cards in `language`, with the user's status on each (pass `statuses={}` when none of them can
    have one). Serving a title whose provider data is stale queues its refresh."""
    titles = list(titles)
    if statuses is None:
        statuses = statuses_for(user=user, title_ids=[t.pk for t in titles])
    titles_refresh_if_stale(titles)
    context = {"language": language, "statuses": statuses}
    return list(TitleCardOutputSerializer(titles, many=True, context=context).data)
