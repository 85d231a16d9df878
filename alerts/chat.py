"""A chat's request as a saved search: the assistant's state in the Discover API's shape."""

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from alerts.models import SavedSearch
from alerts.services import SavedSearchError, saved_search_create
from assistant.models import ChatSession
from assistant.state import ConversationState


def saved_search_from_chat(*, user: User, session_id: int, name: str) -> SavedSearch:
    """Save what the member's conversation is showing. Only a discovery can be saved, and only with filters
    Discover has too: "every one of these genres" and people are refused rather than saved broader than
    what the chat shows, and so are picks for a group and services named ("on Netflix"); "on my services"
    is Discover's own filter."""
    session = ChatSession.objects.filter(user=user, pk=session_id).first()
    if session is None:
        raise SavedSearchError(_("No such conversation."), field="session")
    state = ConversationState.from_json(session.state or {})
    filters: dict[str, Any] = state.filters.to_json()
    broader = ("required_genres", "people", "services")
    if state.mode != "discover" or state.group is not None or any(filters.get(name) for name in broader):
        raise SavedSearchError(
            _("Only a request by genres, years, rating, length or language can be saved."), field="session"
        )
    return saved_search_create(user=user, name=name, media_type=state.media_type, filters=filters)
