"""The weekly digest: for each member with saved searches, the titles added to the catalog since their last
digest that match one of them and that they have no entry for; kept as Alert items and e-mailed, with, in
their own section, the watch-later titles that arrived on the member's services since the last digest
(`alerts.arrivals`).

Bounded for many members: members are read in batches of BATCH_SIZE with their searches, subscriptions
and entries in one query each per batch; a filter set's new titles are read once per run and shared by
every member who saved the same one (at most MAX_CANDIDATES each, best first); memory holds one batch and
the shared candidates (at most CANDIDATE_SETS sets).
"""

import json
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.models import AlertItem, DigestSubscription, SavedSearch, ServiceArrival
from alerts.services import saved_search_filters, unsubscribe_token
from catalog.models import OfferKind, Title
from discovery.filters import DiscoveryFilters
from discovery.selectors import titles_filter
from library.models import Entry, Status

BATCH_SIZE = 500
MAX_CANDIDATES = 200  # new titles per filter set, best first, before each member's own are removed
MAX_ITEMS = 30  # lines per digest
CANDIDATE_SETS = 2_000  # filter sets' candidates held at once (least recently used dropped first)
FIRST_LOOK_BACK = timedelta(days=7)


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week a moment falls in: a digest is once per member and week."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


@dataclass
class DigestResult:
    users: int = 0
    items: int = 0
    emails: int = 0
    arrivals: int = 0  # arrivals on members' services listed
    skipped: int = 0  # already had this week's digest
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "seconds": round(self.seconds, 3)}


class _Candidates:
    """The new titles of each filter set since a time, read once per run."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        self.held: OrderedDict[tuple[str, DiscoveryFilters, datetime], list[int]] = OrderedDict()
        self.checked: dict[tuple[str, str], DiscoveryFilters | None] = {}

    def filters_of(self, search: SavedSearch) -> DiscoveryFilters | None:
        """The search's filters checked again, once per run for equal requests (genre names are looked up);
        "on my services" reads the member's own services, so it is checked for each member. None: no
        longer valid (a genre gone), skipped."""
        key = (search.media_type, json.dumps(search.filters, sort_keys=True))
        personal = bool(search.filters.get("on_my_services"))
        if not personal and key in self.checked:
            return self.checked[key]
        try:
            filters: DiscoveryFilters | None = saved_search_filters(search)
        except ValidationError:
            filters = None
        if not personal and len(self.checked) < CANDIDATE_SETS:
            self.checked[key] = filters
        return filters

    def of(self, media_type: str, filters: DiscoveryFilters, since: datetime) -> list[int]:
        key = (media_type, filters, since)
        if key in self.held:
            self.held.move_to_end(key)
            return self.held[key]
        titles = Title.objects.filter(media_type=media_type, created_at__gt=since, created_at__lte=self.until)
        ids = list(
            titles_filter(titles, filters)
            .order_by("-score", "pk")
            .values_list("pk", flat=True)[:MAX_CANDIDATES]
        )
        self.held[key] = ids
        if len(self.held) > CANDIDATE_SETS:
            self.held.popitem(last=False)
        return ids


def _due_user_ids(week: date) -> Iterator[list[int]]:
    """Members with a saved search or an arrival not yet listed whose digest for `week` is not done, in
    batches, by id."""
    done = DigestSubscription.objects.filter(last_week=week).values("user_id")
    searches = SavedSearch.objects.filter(user_id=OuterRef("pk"))
    arrivals = ServiceArrival.objects.filter(user_id=OuterRef("pk"), digest_week__isnull=True)
    ids = (
        User.objects.filter(Exists(searches) | Exists(arrivals), is_active=True)
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    after = 0
    while True:
        batch = list(ids.filter(pk__gt=after)[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        after = batch[-1]


def digest_run(*, now: datetime | None = None) -> DigestResult:
    """This week's digest for every member due. Idempotent per member and week: a second run (a beat
    tick redelivered, a worker restarted) skips the members done; items are unique per week too.
    Items and the member's week are written before the e-mail is sent, so a crash costs an e-mail, never
    sends two."""
    started = time.perf_counter()
    now = now or timezone.now()
    week = week_of(now)
    result = DigestResult()
    candidates = _Candidates(until=now)
    connection = get_connection()
    for user_ids in _due_user_ids(week):
        messages = _digest_batch(user_ids, now=now, week=week, candidates=candidates, result=result)
        if messages:
            result.emails += connection.send_messages(messages) or 0
    result.seconds = time.perf_counter() - started
    return result


def _digest_batch(
    user_ids: list[int], *, now: datetime, week: date, candidates: _Candidates, result: DigestResult
) -> list[EmailMultiAlternatives]:
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    subscriptions = {s.user_id: s for s in DigestSubscription.objects.filter(user_id__in=user_ids)}
    searches: dict[int, list[SavedSearch]] = {}
    for search in SavedSearch.objects.filter(user_id__in=user_ids).order_by("pk"):
        search.user = users[search.user_id]
        searches.setdefault(search.user_id, []).append(search)
    found: dict[int, list[tuple[int, SavedSearch]]] = {}
    for user_id, own in searches.items():
        subscription = subscriptions.get(user_id)
        since = (subscription.checked_until if subscription else None) or now - FIRST_LOOK_BACK
        for search in own:
            filters = candidates.filters_of(search)
            if filters is None:
                continue
            for title_id in candidates.of(search.media_type, filters, since):
                found.setdefault(user_id, []).append((title_id, search))
    every_title = {title_id for pairs in found.values() for title_id, _search in pairs}
    marked: set[tuple[int, int]] = set(
        Entry.objects.filter(user_id__in=user_ids, title_id__in=every_title).values_list(
            "user_id", "title_id"
        )
    )
    arrivals = _pending_arrivals(user_ids)
    items: list[AlertItem] = []
    per_user: dict[int, list[AlertItem]] = {}
    for user_id, pairs in found.items():
        seen: set[int] = set()
        for title_id, search in pairs:
            if title_id in seen or (user_id, title_id) in marked or len(seen) >= MAX_ITEMS:
                continue
            seen.add(title_id)
            item = AlertItem(user_id=user_id, title_id=title_id, saved_search=search, week=week)
            items.append(item)
            per_user.setdefault(user_id, []).append(item)
    with transaction.atomic():
        AlertItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=1000)
        missing = [u for u in user_ids if u not in subscriptions]
        DigestSubscription.objects.bulk_create(
            [DigestSubscription(user_id=u) for u in missing], ignore_conflicts=True
        )
        DigestSubscription.objects.filter(user_id__in=user_ids).update(checked_until=now, last_week=week)
        ServiceArrival.objects.filter(user_id__in=user_ids, digest_week__isnull=True).update(digest_week=week)
    result.users += len(user_ids)
    result.items += len(items)
    result.arrivals += sum(len(found) for found in arrivals.values())
    titles = Title.objects.in_bulk({item.title_id for item in items})
    messages = []
    for user_id in sorted(per_user.keys() | arrivals.keys()):
        subscription = subscriptions.get(user_id)
        user = users[user_id]
        if (subscription is not None and not subscription.subscribed) or not user.email:
            continue
        lines = [(titles[i.title_id], i.saved_search) for i in per_user.get(user_id, [])]
        messages.append(digest_message(user, lines, arrivals.get(user_id, [])))
    return messages


def _pending_arrivals(user_ids: list[int]) -> dict[int, list[ServiceArrival]]:
    """Each member's arrivals not yet in a digest whose title is still on their watch-later list (at most
    MAX_ITEMS each, newest first), with their titles, in one query."""
    still_wanted = Entry.objects.filter(
        user_id=OuterRef("user_id"), title_id=OuterRef("title_id"), status=Status.LATER
    )
    found: dict[int, list[ServiceArrival]] = {}
    rows = (
        ServiceArrival.objects.filter(user_id__in=user_ids, digest_week__isnull=True)
        .filter(Exists(still_wanted))
        .select_related("title")
        .order_by("user_id", "-day", "pk")
    )
    for arrival in rows:
        own = found.setdefault(arrival.user_id, [])
        if len(own) < MAX_ITEMS:
            own.append(arrival)
    return found


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _name_of(title: Title, language: str) -> str:
    return title.title_fr if language == "fr" and title.title_fr else title.title_en


def digest_message(
    user: User, lines: list[tuple[Title, SavedSearch | None]], arrivals: list[ServiceArrival] | None = None
) -> EmailMultiAlternatives:
    """The e-mail in the member's language, with RFC 8058's one-click unsubscribe headers: a mail client
    POSTs `List-Unsubscribe=One-Click` to the link, which needs no login. New matches of the saved searches
    first, then the arrivals on the member's services in their own section."""
    unsubscribe = site_url(reverse("web:alerts_unsubscribe", args=[unsubscribe_token(user)]))
    with translation.override(user.language or settings.LANGUAGE_CODE):
        language = translation.get_language() or "en"
        context = {
            "user": user,
            "lines": [
                {
                    "name": _name_of(title, language),
                    "year": title.year,
                    "url": site_url(reverse("web:title", args=[title.pk])),
                    "search": search.name if search else "",
                }
                for title, search in lines
            ],
            "arrivals": [
                {
                    "name": _name_of(arrival.title, language),
                    "year": arrival.title.year,
                    "url": site_url(reverse("web:title", args=[arrival.title_id])),
                    "service": arrival.service_name,
                    "kind": OfferKind(arrival.kind).label if arrival.kind in OfferKind.values else "",
                }
                for arrival in arrivals or ()
            ],
            "alerts_url": site_url(reverse("web:alerts")),
            "unsubscribe_url": unsubscribe,
        }
        subject = (
            _("New titles for your saved searches")
            if lines
            else _("Titles you want to watch are now on your services")
        )
        body = render_to_string("alerts/digest.txt", context)
        html = render_to_string("alerts/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
