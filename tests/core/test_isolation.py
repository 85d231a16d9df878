"""For every authenticated route, a second user can neither read nor change the first user's data.

The registry below must name every route whose view requires a token (or, for a web page, a login): a new
route without an isolation check fails `test_every_authenticated_route_has_an_isolation_check`, so it
cannot be forgotten.
"""

import json
from collections.abc import Callable

import pytest
from django.test import Client, TestCase
from django.urls import URLResolver, get_resolver
from rest_framework.permissions import IsAuthenticated
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import tokens_issue
from alerts.models import AlertItem, SavedSearch, ServiceArrival
from assistant.models import ChatSession
from households.models import Household
from households.services import household_create, household_join
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import endpoint_create
from library.models import Entry, HideRule, ImportJob, Status
from recommendations.models import NotForMe, RecommenderSettings
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.mediaservers import plex_event
from web.marking import undo_token

pytestmark = pytest.mark.django_db


class World:
    """An owner with data everywhere, and an intruder with a token of their own."""

    def __init__(self) -> None:
        self.owner, self.intruder = UserFactory(language="fr"), UserFactory()
        self.movie, self.show = TitleFactory(), TitleFactory(media_type="tv")
        self.entry = Entry.objects.create(user=self.owner, title=self.movie, status=Status.SEEN, rating=9)
        self.tv_entry = Entry.objects.create(user=self.owner, title=self.show, status=Status.LATER)
        self.job = ImportJob.objects.create(
            user=self.owner,
            source="imdb",
            filename="r.csv",
            payload=b"x",
            status="done",
            counts={"matched": 1},
        )
        self.rule = HideRule.objects.create(user=self.owner, kind="before", value="1970", label="1970")
        self.session = ChatSession.objects.create(
            user=self.owner, title="owner's chat", state={"mode": "discover"}
        )
        self.owner_refresh = tokens_issue(user=self.owner).refresh
        self.client = bearer_client(self.intruder)
        self.browser = Client()  # the web pages: a Django session instead of a token
        self.browser.force_login(self.intruder)

    def owner_unchanged(self) -> None:
        self.entry.refresh_from_db()
        self.tv_entry.refresh_from_db()
        self.owner.refresh_from_db()
        assert (self.entry.status, self.entry.rating, self.tv_entry.status) == ("seen", 9, "later")
        assert self.owner.language == "fr"
        assert ChatSession.objects.filter(pk=self.session.pk).exists()
        assert ImportJob.objects.filter(pk=self.job.pk).exists()
        assert HideRule.objects.filter(pk=self.rule.pk, user=self.owner).exists()


def _me(w: World) -> None:
    assert w.client.get("/users/me").json()["id"] == w.intruder.pk
    w.client.patch("/users/me", {"language": "en"}, format="json")


def _stats(w: World) -> None:
    assert w.client.get("/users/me/stats").json()["watch_count"] == 0


def _logout(w: World) -> None:
    assert w.client.post("/auth/logout", {"refresh_token": w.owner_refresh}, format="json").status_code == 400
    refreshed = APIClient().post("/auth/refresh", {"refresh_token": w.owner_refresh}, format="json")
    assert refreshed.status_code == 200


def _update(route: str) -> Callable[[World], None]:
    def check(w: World) -> None:
        title = w.movie if route == "movies" else w.show
        w.client.post(f"/me/{route}/update_status", {"title_id": title.pk, "status": "hidden"}, format="json")
        w.client.post(f"/me/{route}/update_status", {"title_id": title.pk, "status": "none"}, format="json")

    return check


def _list(path: str) -> Callable[[World], None]:
    def check(w: World) -> None:
        assert w.client.get(path).json()["count"] == 0

    return check


def _import(w: World) -> None:
    assert w.client.get(f"/me/import/{w.job.pk}").status_code == 404


def _export(w: World) -> None:
    exported = w.client.get("/me/export").json()
    assert exported["entries"] == [] and exported["hide_rules"] == []


def _export_letterboxd(w: World) -> None:
    assert w.movie.title_en not in w.client.get("/me/export/letterboxd").content.decode()


def _owners_webhook(w: World) -> WebhookEndpoint:
    """The owner's Plex URL, with one event it received."""
    endpoint = endpoint_create(user=w.owner, kind="plex", name="owner's server").endpoint
    WebhookEvent.objects.create(endpoint=endpoint, fingerprint="f", event="media.scrobble")
    return endpoint


def _integrations(w: World) -> None:
    _owners_webhook(w)
    assert w.client.get("/me/integrations").json()["count"] == 0
    made = w.client.post("/me/integrations", {"kind": "plex", "name": "mine"}, format="json").json()
    # The intruder's own URL reaches only the intruder's library, whatever title it names.
    form = {"payload": json.dumps(plex_event(imdb_id=w.movie.imdb_id, rating=2.0, event="media.rate"))}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the event's work, queued on commit
        assert w.browser.post(made["url"].split("testserver", 1)[1], form).status_code == 202
    assert w.intruder.entries.get().rating == 2


def _integration_events(w: World) -> None:
    _owners_webhook(w)
    assert w.client.get("/me/integrations/events").json()["count"] == 0


def _integration(w: World) -> None:
    endpoint = _owners_webhook(w)
    assert w.client.get(f"/me/integrations/{endpoint.pk}").status_code == 404
    assert w.client.delete(f"/me/integrations/{endpoint.pk}").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active


def _page_integrations(w: World) -> None:
    endpoint = _owners_webhook(w)
    assert "owner&#x27;s server" not in w.browser.get("/integrations/").content.decode()
    assert w.browser.post(f"/integrations/{endpoint.pk}/revoke/").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active


def _chat(w: World) -> None:
    assert (
        w.client.post("/chat", {"message": "more", "session_id": w.session.pk}, format="json").status_code
        == 404
    )


def _sessions(w: World) -> None:
    assert w.client.get("/chat/sessions").json()["count"] == 0


def _session(w: World) -> None:
    assert w.client.get(f"/chat/sessions/{w.session.pk}").status_code == 404
    assert w.client.delete(f"/chat/sessions/{w.session.pk}").status_code == 404


def _recommendations(w: World) -> None:
    body = w.client.get("/me/recommendations").json()
    assert body["cold_start"] is True  # the owner's history neither personalizes the intruder's picks…
    assert w.movie.pk in {card["id"] for card in body["results"]}  # …nor removes the owner's titles


def _page_mark(w: World) -> None:
    for title in (w.movie, w.show):
        w.browser.post(f"/title/{title.pk}/mark/", {"status": "hidden"})
        w.browser.post(f"/title/{title.pk}/mark/", {"status": "none"})


def _page_undo(w: World) -> None:
    """An Undo made for the owner (back to no entry) is refused to anyone else, and theirs never reaches
    the owner's entry."""
    owners = undo_token(user=w.owner, title=w.movie, state=None)
    w.browser.post(f"/title/{w.movie.pk}/undo/", {"undo": owners})
    own = undo_token(user=w.intruder, title=w.movie, state=None)
    w.browser.post(f"/title/{w.movie.pk}/undo/", {"undo": own})


def _page_watched(w: World) -> None:
    for title in (w.movie, w.show):
        w.browser.post(f"/title/{title.pk}/watched/", {"watched_on": "2001-02-03"})


def _page_lists(w: World) -> None:
    for status in ("seen", "later", "hidden"):
        for media in ("movie", "tv"):
            page = w.browser.get(f"/lists/{status}/?media={media}").content.decode()
            assert w.movie.title_en not in page and w.show.title_en not in page


def _page_for_you(w: World) -> None:
    page = w.browser.get("/for-you/").content.decode()
    assert "know your taste yet" in page  # the owner's history does not shape the intruder's picks…
    assert w.movie.title_en in page  # …nor hide the owner's titles from them


def _recommendation_settings(w: World) -> None:
    RecommenderSettings.objects.create(user=w.owner, adventurousness=0)
    assert w.client.get("/me/recommendations/settings").json() == {"adventurousness": 2}
    w.client.put("/me/recommendations/settings", {"adventurousness": 4}, format="json")
    assert RecommenderSettings.objects.get(user=w.owner).adventurousness == 0


def _not_for_me(w: World) -> None:
    body = {"title_id": w.movie.pk, "reason": "not_my_genre"}
    assert w.client.post("/me/recommendations/not-for-me", body, format="json").status_code == 200
    assert not NotForMe.objects.filter(user=w.owner).exists()


def _page_for_you_forms(w: World) -> None:
    RecommenderSettings.objects.create(user=w.owner, adventurousness=0)
    w.browser.post("/for-you/setting/", {"adventurousness": 4})
    w.browser.post(f"/for-you/not-for-me/{w.movie.pk}/", {"reason": "not_now"})
    w.browser.post("/for-you/hide/", {"kind": "genre", "value": "Drama"})
    assert RecommenderSettings.objects.get(user=w.owner).adventurousness == 0
    assert not NotForMe.objects.filter(user=w.owner).exists()
    assert not HideRule.objects.filter(user=w.owner, kind="genre").exists()


def _page_stats(w: World) -> None:
    assert "<svg" not in w.browser.get("/stats/").content.decode()


def _page_assistant(w: World) -> None:
    assert w.browser.get(f"/assistant/?session={w.session.pk}").status_code == 404
    assert w.browser.post("/assistant/", {"message": "more", "session": w.session.pk}).status_code == 404
    assert "owner&#x27;s chat" not in w.browser.get("/assistant/").content.decode()


def _page_imports(w: World) -> None:
    assert "r.csv" not in w.browser.get("/import/").content.decode()


def _page_import(w: World) -> None:
    assert w.browser.get(f"/import/{w.job.pk}/").status_code == 404


def _hide_rules(w: World) -> None:
    assert w.client.get("/me/hide-rules").json()["results"] == []
    made = w.client.post("/me/hide-rules", {"kind": "before", "value": "1970"}, format="json")
    assert made.status_code == 201 and made.json()["id"] != w.rule.pk  # the intruder's own rule


def _hide_rule(w: World) -> None:
    assert w.client.get(f"/me/hide-rules/{w.rule.pk}").status_code == 404
    assert w.client.delete(f"/me/hide-rules/{w.rule.pk}").status_code == 404


def _trakt(w: World) -> None:
    from integrations.models import TraktConnection

    owner = TraktConnection.objects.create(
        user=w.owner, state="connected", access_token="owner-access", refresh_token="owner-refresh"
    )
    body = w.client.get("/me/integrations/trakt").json()
    assert body["state"] == "not_connected" and body["last_sync_at"] is None
    assert w.client.delete("/me/integrations/trakt").status_code == 404
    assert w.client.post("/me/integrations/trakt", {}, format="json").status_code == 400  # no Trakt app here
    owner.refresh_from_db()
    assert (owner.state, owner.access_token) == ("connected", "owner-access")


def _page_trakt(w: World) -> None:
    from integrations.models import TraktConnection

    TraktConnection.objects.create(user=w.owner, state="connected", access_token="owner-access")
    assert "owner-access" not in w.browser.get("/integrations/").content.decode()
    w.browser.post("/integrations/trakt/connect/", {"push": "on"})
    w.browser.post("/integrations/trakt/disconnect/")
    assert TraktConnection.objects.get(user=w.owner).access_token == "owner-access"


def _page_hidden(w: World) -> None:
    Entry.objects.filter(pk=w.entry.pk).update(status=Status.HIDDEN, rating=None)
    page = w.browser.get("/hidden/").content.decode()
    assert "<strong>1970</strong>" not in page  # the owner's rule
    assert w.movie.title_en not in page  # the owner's hidden title
    w.browser.post("/hidden/", {"remove": w.rule.pk})
    w.browser.post("/hidden/", {"unhide": w.movie.pk})
    assert Entry.objects.get(pk=w.entry.pk).status == Status.HIDDEN
    Entry.objects.filter(pk=w.entry.pk).update(status=Status.SEEN, rating=9)


def _page_services(w: World) -> None:
    w.owner.watch_country, w.owner.watch_services = "BE", ["ownersservice"]
    w.owner.save()
    assert "ownersservice" not in w.browser.get("/account/services/").content.decode()
    w.browser.post("/account/services/", {"country": "FR"})
    w.owner.refresh_from_db()
    assert (w.owner.watch_country, w.owner.watch_services) == ("BE", ["ownersservice"])


def _page_export(w: World) -> None:
    assert json.loads(w.browser.get("/export/json/").content)["entries"] == []
    assert w.movie.title_en not in w.browser.get("/export/letterboxd/").content.decode()


def _owners_group(w: World) -> Household:
    """The owner's household, with a second member whose account stays the owner's business too."""
    group = household_create(owner=w.owner, name="Owner's sofa")
    w.other_member = UserFactory()
    household_join(user=w.other_member, code=group.invite_code)
    return group


def _owners_group_unchanged(w: World, group: Household) -> None:
    group.refresh_from_db()
    assert group.owner_id == w.owner.pk
    assert set(group.memberships.values_list("user_id", flat=True)) == {w.owner.pk, w.other_member.pk}


def _groups(w: World) -> None:
    group = _owners_group(w)
    assert w.client.get("/groups").json()["count"] == 0
    w.client.post("/groups", {"name": "mine"}, format="json")  # the intruder's own group only
    _owners_group_unchanged(w, group)


def _group_join(w: World) -> None:
    group = _owners_group(w)
    assert w.client.post("/groups/join", {"code": "guessed-code"}, format="json").status_code == 404
    _owners_group_unchanged(w, group)


def _group(suffix: str, method: str = "get") -> Callable[[World], None]:
    def check(w: World) -> None:
        group = _owners_group(w)
        path = f"/groups/{group.pk}{suffix}".replace("<member>", str(w.other_member.pk))
        assert getattr(w.client, method)(path).status_code == 404
        _owners_group_unchanged(w, group)

    return check


def _page_groups(w: World) -> None:
    group = _owners_group(w)
    assert "Owner&#x27;s sofa" not in w.browser.get("/together/").content.decode()
    w.browser.post("/together/", {"action": "join", "code": "guessed-code"})
    _owners_group_unchanged(w, group)


def _page_group(w: World) -> None:
    group = _owners_group(w)
    assert w.browser.get(f"/together/{group.pk}/").status_code == 404
    actions = ({"action": "leave"}, {"action": "renew"}, {"action": "remove", "member": w.other_member.pk})
    for action in actions:
        assert w.browser.post(f"/together/{group.pk}/", action).status_code == 404
    _owners_group_unchanged(w, group)


def _page_group_invitation(w: World) -> None:
    group = _owners_group(w)
    assert w.browser.get("/together/join/guessed-code/").status_code == 404
    assert w.browser.post("/together/join/guessed-code/").status_code == 404
    _owners_group_unchanged(w, group)


def _owners_search(w: World) -> SavedSearch:
    search = SavedSearch.objects.create(user=w.owner, name="Owner's thrillers", media_type="movie")
    AlertItem.objects.create(user=w.owner, title=w.show, saved_search=search, week="2026-11-30")
    return search


def _saved_searches(w: World) -> None:
    search = _owners_search(w)
    assert w.client.get("/me/saved-searches").json()["count"] == 0
    w.client.post("/me/saved-searches", {"name": "Owner's thrillers", "media_type": "movie"}, format="json")
    assert search.user_id == w.owner.pk and SavedSearch.objects.filter(user=w.owner).count() == 1


def _saved_search(w: World) -> None:
    search = _owners_search(w)
    path = f"/me/saved-searches/{search.pk}"
    assert w.client.get(path).status_code == 404
    assert w.client.patch(path, {"name": "mine"}, format="json").status_code == 404
    assert w.client.delete(path).status_code == 404
    search.refresh_from_db()
    assert search.name == "Owner's thrillers"


def _alerts(w: World) -> None:
    _owners_search(w)
    assert w.client.get("/me/alerts").json()["count"] == 0


def _owners_arrival(w: World) -> ServiceArrival:
    return ServiceArrival.objects.create(
        user=w.owner,
        title=w.show,
        region="FR",
        brand="ownersflix",
        service_name="Ownersflix",
        kind="flatrate",
        day="2026-12-03",
    )


def _arrivals(w: World) -> None:
    _owners_arrival(w)
    assert w.client.get("/me/alerts/arrivals").json()["count"] == 0


def _page_alerts(w: World) -> None:
    search = _owners_search(w)
    _owners_arrival(w)
    page = w.browser.get("/alerts/").content.decode()
    assert "Owner&#x27;s thrillers" not in page and w.show.title_en not in page and "Ownersflix" not in page
    w.browser.post("/alerts/", {"remove": search.pk})
    w.browser.post("/alerts/save/", {"media": "movie", "name": "Owner's thrillers", "year_from": "1990"})
    assert SavedSearch.objects.filter(pk=search.pk, user=w.owner).exists()


def _page_alerts_chat(w: World) -> None:
    w.browser.post("/alerts/save-chat/", {"session": w.session.pk, "name": "From the owner's chat"})
    assert not SavedSearch.objects.exists()


ISOLATION_CHECKS: dict[str, Callable[[World], None]] = {
    "users/me": _me,
    "users/me/stats": _stats,
    "auth/logout": _logout,
    "me/movies/update_status": _update("movies"),
    "me/tvshows/update_status": _update("tvshows"),
    **{
        f"me/{m}/{s}": _list(f"/me/{m}/{s}")
        for m in ("movies", "tvshows")
        for s in ("seen", "towatchlater", "hidden")
    },
    "me/import": lambda w: None,  # creates the intruder's own job only; reading it back is checked below
    "me/import/<int:job_id>": _import,
    "me/export": _export,
    "me/export/letterboxd": _export_letterboxd,
    "me/integrations": _integrations,
    "me/integrations/events": _integration_events,
    "me/integrations/<int:endpoint_id>": _integration,
    "me/hide-rules": _hide_rules,
    "me/hide-rules/<int:rule_id>": _hide_rule,
    "chat": _chat,
    "chat/sessions": _sessions,
    "chat/sessions/<int:session_id>": _session,
    "me/recommendations": _recommendations,
    "me/recommendations/settings": _recommendation_settings,
    "me/recommendations/not-for-me": _not_for_me,
    "me/saved-searches": _saved_searches,
    "me/saved-searches/<int:search_id>": _saved_search,
    "me/alerts": _alerts,
    "me/alerts/arrivals": _arrivals,
    "me/integrations/trakt": _trakt,
    "integrations/trakt/connect/": _page_trakt,
    "integrations/trakt/disconnect/": _page_trakt,
    "groups": _groups,
    "groups/join": _group_join,
    "groups/<int:household_id>": _group(""),
    "groups/<int:household_id>/leave": _group("/leave", "post"),
    "groups/<int:household_id>/invite": _group("/invite", "post"),
    "groups/<int:household_id>/members/<int:user_id>": _group("/members/<member>", "delete"),
    "groups/<int:household_id>/recommendations": _group("/recommendations"),
    "groups/<int:household_id>/movies/search-by-filters": _group("/movies/search-by-filters", "post"),
    "groups/<int:household_id>/tvshows/search-by-filters": _group("/tvshows/search-by-filters", "post"),
    # web pages (session login)
    "title/<int:title_id>/mark/": _page_mark,
    "title/<int:title_id>/undo/": _page_undo,
    "title/<int:title_id>/watched/": _page_watched,
    "lists/<slug:status>/": _page_lists,
    "for-you/": _page_for_you,
    "for-you/setting/": _page_for_you_forms,
    "for-you/not-for-me/<int:title_id>/": _page_for_you_forms,
    "for-you/hide/": _page_for_you_forms,
    "together/": _page_groups,
    "together/<int:household_id>/": _page_group,
    "together/join/<str:code>/": _page_group_invitation,
    "stats/": _page_stats,
    "assistant/": _page_assistant,
    "import/": _page_imports,
    "import/<int:job_id>/": _page_import,
    "export/<slug:export_format>/": _page_export,
    "integrations/": _page_integrations,
    "integrations/<int:endpoint_id>/revoke/": _page_integrations,
    "hidden/": _page_hidden,
    "alerts/": _page_alerts,
    "alerts/save/": _page_alerts,
    "alerts/save-chat/": _page_alerts_chat,
    "account/services/": _page_services,
}


def authenticated_routes() -> set[str]:
    routes: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is not None and any(issubclass(p, IsAuthenticated) for p in view.permission_classes):
                routes.add(route)
            # A page for logged-in people only (web.decorators.member_page sets what Django's
            # LoginRequiredMiddleware reads).
            if getattr(pattern.callback, "login_required", False) is True:
                routes.add(route)

    walk(get_resolver().url_patterns, "")
    return {r for r in routes if not r.startswith("api/")}


def test_every_authenticated_route_has_an_isolation_check() -> None:
    assert authenticated_routes() == set(ISOLATION_CHECKS)


@pytest.mark.parametrize("route", sorted(ISOLATION_CHECKS))
def test_a_second_user_cannot_read_or_change_the_first_users_data(route: str) -> None:
    world = World()
    ISOLATION_CHECKS[route](world)
    world.owner_unchanged()
    assert User.objects.get(pk=world.owner.pk).entries.count() == 2
