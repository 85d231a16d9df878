"""The web pages. Each view parses a form, calls the services and selectors the REST API calls, and renders.

Every page works without JavaScript (links, GET filter forms, POST then redirect); with htmx, a marked card
is swapped for the next one and a chat answer is appended in place.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.models import User
from accounts.selectors import authenticated_user
from accounts.services import user_create, user_update
from assistant.services import chat_turn
from catalog.localized import localized_title
from catalog.models import CreditRole, MediaType, Title
from catalog.search import PersonHit
from catalog.selectors import title_find, title_for_detail, title_keywords
from core.api.throttling import chat_turn_wait_seconds
from core.exceptions import ApplicationError, NotFound
from core.names import country_name, language_name
from core.pagination import paginate
from core.parsing import MAX_ID, whole_number
from discovery.cards import title_cards, title_detail_card
from discovery.describe import filter_chips
from discovery.filters import watch_filters_available
from discovery.members import members_discover_page
from discovery.services import discover_page, search_page, similar_page
from households.selectors import members_of
from library.exports import entries_json, letterboxd_csv
from library.marks import entry_mark, entry_restore, entry_set_watched, entry_state
from library.models import Entry, ImportJob, Status
from library.selectors import entries_for_export, entries_list, import_job_for, import_jobs_recent, user_stats
from library.services import KEEP, ImportLimitReached, import_job_create, keyword_rules_available
from web.cards import (
    LIST_SLUGS,
    SIMILAR_COUNT,
    Card,
    CardPage,
    card_after_mark,
    card_in_place,
    card_page_at,
    list_cards,
    list_page,
    rated_cards,
)
from web.charts import horizontal_bars, vertical_bars
from web.decorators import anonymous_throttled, member_page, page, safe_next
from web.forms import (
    ALL_MEDIA,
    PAGE_SIZE,
    ChatForm,
    DiscoverForm,
    ImportForm,
    LanguageForm,
    LoginForm,
    SearchForm,
    SignupForm,
    media_type_of,
)
from web.http import HtmxHttpRequest
from web.imports import import_report_lines
from web.marking import (
    DEFAULT_LIST_SORT,
    LIST_SORTS,
    NoteMarkForm,
    UndoForm,
    WatchedForm,
    list_sort,
    mark_note,
    note_keep,
    undo_state,
    undo_token,
    undone_note,
)
from web.search import rules_hiding, search_everything
from web.selectors import (
    catalog_size,
    chat_sessions_recent,
    chat_transcript,
    data_sources_used,
    entry_of,
    person_find,
    person_titles,
    ratings_histogram,
    titles_named,
)


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/not_found.html", status=404)


def _status(form: Any) -> int:
    """400 for a form sent with errors (they are on the page, next to their fields), else 200."""
    return 400 if form.is_bound and form.errors else 200


# ---------------------------------------------------------------- discovery


@page
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:discover")


@page
def discover(request: HttpRequest) -> HttpResponse:
    language = request.LANGUAGE_CODE
    form = DiscoverForm(request.GET, language=language, viewer=request.user)
    context: dict[str, Any] = {"form": form, "media_type": form.media_type, "cards": []}
    if form.is_valid() and form.filters is not None:
        household = form.household  # "For": one of the viewer's groups, or the viewer alone
        if household is not None:
            result = members_discover_page(
                media_type=form.media_type,
                filters=form.filters,
                member_ids=[m.pk for m in members_of(household)],
                language=language,
                page=form.page_number,
                page_size=PAGE_SIZE,
            )
        else:
            result = discover_page(
                media_type=form.media_type,
                filters=form.filters,
                user=request.user,
                language=language,
                page=form.page_number,
                page_size=PAGE_SIZE,
            )
        context.update(
            page=result,
            household=household,
            # for a group, the viewer's own watch-later titles may come: their status is shown
            cards=title_cards(
                result.items, language=language, user=request.user, statuses=None if household else {}
            ),
            excluded_count=result.excluded_count or 0,
            hide_offers=True,  # each card's "Not interested in…" buttons (templates/web/_hide_from.html)
        )
    return render(request, "web/discover.html", context, status=_status(form))


@page
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None, viewer=request.user)
    context: dict[str, Any] = {"form": form, "media_type": form.scope, "cards": []}
    if form.is_bound and form.is_valid():
        language = request.LANGUAGE_CODE
        query = form.cleaned_data["q"]
        context["query"] = query
        if form.scope == ALL_MEDIA:
            everything = search_everything(
                query=query, language=language, user=request.user, on_services=form.on_services
            )
            found = [card.id for section in everything.sections.values() for card in section.cards]
            context.update(
                everything=everything,
                good_match=everything.found,
                hidden_by=rules_hiding(user=request.user, title_ids=found, language=language),
            )
            return render(request, "web/search.html", context)
        result = search_page(
            query=query,
            media_type=form.media_type,
            page=form.page_number,
            page_size=PAGE_SIZE,
            other_media_type=True,
            on_services=form.on_services,
        )
        other = None
        if result.other_media_type and result.other_title is not None:
            other = {
                "media_type": result.other_media_type,
                "card": title_cards([result.other_title], language=language, user=request.user)[0],
                "url": reverse("web:search")
                + "?"
                + urlencode({"q": query, "media": result.other_media_type}),
            }
        context.update(
            page=result,
            cards=title_cards(result.items, language=language, user=request.user),
            hidden_by=rules_hiding(
                user=request.user, title_ids=[t.pk for t in result.items], language=language
            ),
            people_heading=_people_heading(result.people, media_type=form.media_type),
            people=result.people,
            good_match=result.good_match,
            other=other,
        )
    return render(request, "web/search.html", context, status=_status(form))


def _people_heading(people: Sequence[PersonHit], *, media_type: str) -> str:
    """Who the first results belong to: "Films by Stanley Kubrick", "TV shows with Bryan Cranston"."""
    if not people:
        return ""
    names = ", ".join(person.name for person in people)
    role = people[0].role
    if media_type == MediaType.TV:
        headings = {
            CreditRole.DIRECTOR: _("TV shows by %(names)s"),
            CreditRole.ACTOR: _("TV shows with %(names)s"),
            CreditRole.WRITER: _("TV shows written by %(names)s"),
        }
    else:
        headings = {
            CreditRole.DIRECTOR: _("Films by %(names)s"),
            CreditRole.ACTOR: _("Films with %(names)s"),
            CreditRole.WRITER: _("Films written by %(names)s"),
        }
    return headings[CreditRole(role)] % {"names": names}


@page
def title_detail(request: HttpRequest, title_id: int) -> HttpResponse:
    title = title_for_detail(title_id=title_id)
    if title is None:
        return not_found(request)
    language = request.LANGUAGE_CODE
    entry = entry_of(user=request.user, title=title)
    statuses = {title.pk: entry.status} if entry else {}
    detail = title_detail_card(title, language=language, user=request.user, statuses=statuses)
    similar = similar_page(title=title, user=request.user, page=1, page_size=SIMILAR_COUNT).items
    context = {
        "title": detail,
        "panel": {"id": title.pk, "title": detail.title, **_status_of(entry)},
        "countries": [country_name(code, language) for code in title.countries],
        "original_language": language_name(title.original_language, language)
        if title.original_language
        else "",
        "cards": title_cards(similar, language=language, user=request.user, statuses={}),
        # TMDB's keywords, each with its "hide" button: only where keyword rules can be made (a TMDB key).
        "keywords": title_keywords(title_id=title.pk) if keyword_rules_available() else [],
    }
    return render(request, "web/title.html", context)


@page
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Someone's titles: those the visitor has not seen, best first, then the ones they have, marked."""
    found = person_find(person_id=person_id)
    if found is None:
        return not_found(request)
    titles, roles = person_titles(person=found)
    cards = title_cards(titles, language=request.LANGUAGE_CODE, user=request.user)
    counts = {role: sum(role in done for done in roles.values()) for role in CreditRole.values}
    context = {
        "person": found,
        "roles": [_role_summary(role, count) for role, count in counts.items() if count],
        "unseen": [card for card in cards if card.user_status != Status.SEEN],
        "seen": [card for card in cards if card.user_status == Status.SEEN],
    }
    return render(request, "web/person.html", context)


def _role_summary(role: str, count: int) -> str:
    """ "Directed 13 titles", "Acted in 2 titles"."""
    if role == CreditRole.DIRECTOR:
        text = ngettext("Directed %(count)d title", "Directed %(count)d titles", count)
    elif role == CreditRole.ACTOR:
        text = ngettext("Acted in %(count)d title", "Acted in %(count)d titles", count)
    else:
        text = ngettext("Wrote %(count)d title", "Wrote %(count)d titles", count)
    return text % {"count": count}


def _status_of(entry: Entry | None) -> dict[str, Any]:
    return {"user_status": entry.status, "rating": entry.rating} if entry else {"user_status": None}


# ---------------------------------------------------------------- marking


@member_page
@require_POST
def title_mark(request: HtmxHttpRequest, title_id: int) -> HttpResponse:
    """A card's button or a confirmation's rating. The answer (or, without htmx, the page it redirects back
    to) holds a confirmation beside the card, with an Undo to the entry as it was before."""
    title = title_find(title_id=title_id)
    if title is None:
        return not_found(request)
    form = NoteMarkForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("web:title", args=[title.pk]))
    if not form.is_valid():
        return _mark_refused(request, back, " ".join(str(m) for ms in form.errors.values() for m in ms))
    user = authenticated_user(request)
    rating = form.cleaned_data["rating"]
    undo = form.cleaned_data["undo"]  # a confirmation's rating keeps the Undo of the mark it confirms
    try:
        if undo:
            undo_state(undo, user=user, title=title)  # checked: this member's, for this title
        else:
            undo = undo_token(user=user, title=title, state=entry_state(user=user, title=title))
        entry = entry_mark(
            user=user,
            title=title,
            status=form.new_status,
            rating=KEEP if rating is None else rating,
            today=timezone.localdate(),
        )
    except ApplicationError as exc:
        return _mark_refused(request, back, exc.message)
    name = localized_title(title, request.LANGUAGE_CODE)
    note = mark_note(title=title, name=name, entry=entry, undo=undo, back=back)
    if not request.htmx:
        messages.success(request, note.text)
        note_keep(request.session, note)
        return redirect(f"{back.split('#')[0]}#mark-note-{title.pk}")
    page = card_page_at(back)
    context: dict[str, Any] = {
        "note": note,
        "page_url": back,
        "list_count": _list_count(page, user),
        "hide_offers": _offers_hiding(page),
    }
    if form.cleaned_data["slot"] == "note":  # a confirmation whose card has left the page
        return render(request, "web/_marked.html", context)
    if form.cleaned_data["slot"] == "card":  # a confirmation inside its card
        in_place = card_in_place(
            title=title, entry=entry, page=page, user=user, language=request.LANGUAGE_CODE
        )
        return render(request, "web/_marked.html", {**context, "card": in_place, "note_inside": True})
    card, _is_new = card_after_mark(  # the keyboard goes to the confirmation, not the new card
        title=title, entry=entry, page=page, shown=form.shown, user=user, language=request.LANGUAGE_CODE
    )
    note_inside = card is not None and card.id == title.pk
    context.update(card=card, note_inside=note_inside)
    return render(request, "web/_marked.html", context)


def _offers_hiding(page: CardPage | None) -> bool:
    """Whether the cards of this page offer "Not interested in…" (Discover's do)."""
    return page is not None and page.name == "discover"


@member_page
@require_POST
def title_undo(request: HtmxHttpRequest, title_id: int) -> HttpResponse:
    """A confirmation's Undo: the entry goes back exactly as it was before the mark, no entry included."""
    title = title_find(title_id=title_id)
    if title is None:
        return not_found(request)
    form = UndoForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("web:title", args=[title.pk]))
    if not form.is_valid():
        return _mark_refused(request, back, _("This undo is not valid."), status=400)
    user = authenticated_user(request)
    try:
        state = undo_state(form.cleaned_data["undo"], user=user, title=title)
    except ApplicationError as exc:
        return _mark_refused(request, back, exc.message, status=400)
    entry = entry_restore(user=user, title=title, state=state)
    note = undone_note(
        title=title, name=localized_title(title, request.LANGUAGE_CODE), entry=entry, back=back
    )
    if not request.htmx:
        messages.success(request, note.text)
        note_keep(request.session, note)
        return redirect(f"{back.split('#')[0]}#mark-note-{title.pk}")
    page = card_page_at(back)
    card = card_in_place(title=title, entry=entry, page=page, user=user, language=request.LANGUAGE_CODE)
    context = {
        "note": note,
        "card": card,
        "note_inside": True,
        "page_url": back,
        "list_count": _list_count(page, user),
        "hide_offers": _offers_hiding(page),
    }
    return render(request, "web/_marked.html", context)


@member_page
@require_POST
def title_watched(request: HttpRequest, title_id: int) -> HttpResponse:
    """My lists' watch date of a seen title, changed; back to the card on its page."""
    title = title_find(title_id=title_id)
    if title is None:
        return not_found(request)
    form = WatchedForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("web:lists", args=["seen"])).split("#")[0]
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(f"{back}#card-{title.pk}")
    try:
        entry_set_watched(
            user=authenticated_user(request),
            title=title,
            watched_on=form.cleaned_data["watched_on"],
            today=timezone.localdate(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        name = localized_title(title, request.LANGUAGE_CODE)
        day = date_format(form.cleaned_data["watched_on"], "DATE_FORMAT")
        messages.success(request, _("“%(title)s”: watched on %(date)s.") % {"title": name, "date": day})
    return redirect(f"{back}#card-{title.pk}")


def _list_count(page: CardPage | None, user: User) -> int | None:
    """How many titles the list a card was marked in holds now (None off My lists): its heading's count."""
    if (
        page is None
        or page.name != "lists"
        or (status := LIST_SLUGS.get(page.kwargs.get("status", ""))) is None
    ):
        return None
    return entries_list(user=user, media_type=media_type_of(page.query), status=status).count()


def _mark_refused(request: HtmxHttpRequest, back: str, message: str, status: int = 422) -> HttpResponse:
    if request.htmx:
        response = render(request, "web/_announce.html", {"announcement": message}, status=status)
        return reswap(retarget(response, "#announce"), "innerHTML")
    messages.error(request, message)
    return redirect(back)


# ---------------------------------------------------------------- lists and stats


@member_page
def lists(request: HttpRequest, status: str) -> HttpResponse:
    status_value = LIST_SLUGS.get(status)
    if status_value is None:
        return not_found(request)
    media_type = media_type_of(request.GET)
    sort = list_sort(request.GET)
    entries = entries_list(
        user=authenticated_user(request),
        media_type=media_type,
        status=status_value,
        order=sort or DEFAULT_LIST_SORT,
        language=request.LANGUAGE_CODE,
    )
    result = paginate(entries, page=list_page(request.GET), page_size=PAGE_SIZE, with_count=True)
    context = {
        "media_type": media_type,
        "current_list": status,
        "list_title": Status(status_value).label,
        "tabs": [(slug, Status(value).label) for slug, value in LIST_SLUGS.items()],
        "sort": sort or DEFAULT_LIST_SORT,
        "sorts": LIST_SORTS.items(),
        "sort_error": "" if sort else _("Unknown sort: use date, rating, score or title."),
        "page": result,
        "pages": max(1, -(-(result.count or 0) // PAGE_SIZE)),
        "cards": list_cards(result.items, language=request.LANGUAGE_CODE),
        "today": timezone.localdate(),
    }
    return render(request, "web/lists.html", context, status=200 if sort else 400)


@member_page
def stats(request: HttpRequest) -> HttpResponse:
    data = user_stats(user=authenticated_user(request), language=request.LANGUAGE_CODE)
    charts = {
        "genres": horizontal_bars([(row["genre"], row["count"]) for row in data["top_genres"]]),
        "decades": horizontal_bars(
            [(_("%(decade)ss") % {"decade": row["decade"]}, row["count"]) for row in data["seen_by_decade"]]
        ),
        "ratings": vertical_bars(
            [
                (str(row["rating"]), row["count"])
                for row in ratings_histogram(user=authenticated_user(request))
            ]
        ),
    }
    return render(request, "web/stats.html", {"stats": data, "charts": charts})


# ---------------------------------------------------------------- assistant


@dataclass(frozen=True)
class Exchange:
    question: str
    reply: str
    chips: list[str]
    cards: list[Card]


def _exchange(
    request: HttpRequest, *, question: str, reply: str, filters: dict[str, Any], titles: list[Title]
) -> Exchange:
    language = request.LANGUAGE_CODE
    anchors = titles_named([filters["similar_to"]]) if filters.get("similar_to") else {}
    return Exchange(
        question=question,
        reply=reply,
        chips=filter_chips(filters, language=language, titles=anchors),
        cards=rated_cards(title_cards(titles, language=language, user=request.user), user=request.user),
    )


@member_page
@require_http_methods(["GET", "POST"])
def assistant(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _assistant_post(request)
    session_id = whole_number(request.GET.get("session", ""), max_value=MAX_ID)  # else a new conversation
    exchanges: list[Exchange] = []
    if session_id is not None:
        transcript = chat_transcript(user=authenticated_user(request), session_id=session_id)
        if transcript is None:
            return not_found(request)
        exchanges = [
            _exchange(
                request, question=e.question, reply=e.answer.text, filters=e.answer.filters, titles=e.titles
            )
            for e in transcript[1]
        ]
    return _assistant_page(request, ChatForm(initial={"session": session_id}), session_id, exchanges)


def _assistant_page(
    request: HttpRequest, form: ChatForm, session_id: int | None, exchanges: list[Exchange], status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "session_id": session_id,
        "exchanges": exchanges,
        "sessions": chat_sessions_recent(user=authenticated_user(request)),
        "page_url": f"{reverse('web:assistant')}?session={session_id}" if session_id else "",
    }
    return render(request, "web/assistant.html", context, status=status)


def _assistant_post(request: HtmxHttpRequest) -> HttpResponse:
    form = ChatForm(request.POST)
    if form.is_valid() and (
        wait := chat_turn_wait_seconds(authenticated_user(request))
    ):  # one budget with POST /chat
        form.add_error("message", _("Too many messages. Try again in %(seconds)d s.") % {"seconds": wait})
    if not form.is_valid():
        if request.htmx:
            response = render(request, "web/_chat_form.html", {"form": form}, status=422)
            return reswap(retarget(response, "#chat-form"), "outerHTML")
        return _assistant_page(request, form, form.cleaned_data.get("session"), [], status=400)
    message = form.cleaned_data["message"]
    try:
        turn = chat_turn(
            user=authenticated_user(request),
            message=message,
            session_id=form.cleaned_data.get("session"),
            language=request.LANGUAGE_CODE,
        )
    except NotFound:  # someone else's conversation
        return not_found(request)
    if not request.htmx:
        return redirect(f"{reverse('web:assistant')}?session={turn.session.pk}#latest")
    exchange = _exchange(
        request, question=message, reply=turn.reply, filters=turn.filters, titles=turn.titles
    )
    context = {
        "exchange": exchange,
        "session_id": turn.session.pk,
        "page_url": f"{reverse('web:assistant')}?session={turn.session.pk}",
    }
    return render(request, "web/_chat_answer.html", context)


# ---------------------------------------------------------------- import and export


@member_page
@require_http_methods(["GET", "POST"])
def import_history(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    retry_after = 0  # seconds, when the daily limit is reached
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = import_job_create(
                user=authenticated_user(request),
                source=form.cleaned_data["source"],
                filename=upload.name or "",
                data=upload.read(),
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            if isinstance(exc, ImportLimitReached):
                retry_after = exc.wait_seconds
        else:
            if submission.reused:
                messages.info(request, _("You sent this file less than a day ago: here is that import."))
            return redirect("web:import_report", job_id=submission.job.pk)
    context = {"form": form, "jobs": import_jobs_recent(user=authenticated_user(request))}
    response = render(request, "web/import.html", context, status=429 if retry_after else _status(form))
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@member_page
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_for(user=authenticated_user(request), job_id=job_id)
    if job is None:
        return not_found(request)
    finished = job.status in (ImportJob.State.DONE, ImportJob.State.FAILED)
    context = {
        "job": job,
        "counts": job.count_values,
        "changes": import_report_lines(job.changes),
        "conflicts": import_report_lines(job.conflicts),
        "finished": finished,
    }
    return render(request, "web/import_report.html", context)


@member_page
def export(request: HttpRequest, export_format: str) -> HttpResponse:
    if export_format not in ("letterboxd", "json"):
        return not_found(request)
    user = authenticated_user(request)
    entries = list(entries_for_export(user=user))
    if export_format == "letterboxd":
        response: HttpResponse = HttpResponse(letterboxd_csv(entries), content_type="text/csv; charset=utf-8")
        filename = "moviesyoudidntwatch-letterboxd.csv"
    else:
        response = JsonResponse(entries_json(entries, email=user.email), json_dumps_params={"indent": 2})
        filename = "moviesyoudidntwatch.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- about, accounts, language


@page
def about(request: HttpRequest) -> HttpResponse:
    context = {
        "sources": data_sources_used(),
        "sizes": catalog_size(),
        "watch_available": watch_filters_available(),
    }
    return render(request, "web/about.html", context)


@page
@anonymous_throttled
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    destination = safe_next(request, request.GET.get("next"), reverse("web:discover"))
    if request.user.is_authenticated:
        return redirect(destination)
    form = SignupForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user)
            return redirect(destination)
    return render(request, "web/account/signup.html", {"form": form}, status=_status(form))


login_page = page(
    anonymous_throttled(
        LoginView.as_view(
            template_name="web/account/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        )
    )
)
logout_page = page(LogoutView.as_view())


@page
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembered in a cookie, and on the account of a logged-in user."""
    form = LanguageForm(request.POST)
    back = _without_lang(safe_next(request, request.POST.get("next"), reverse("web:discover")))
    if not form.is_valid():
        return redirect(back)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_update(user=request.user, language=language)
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # Django checks it; stubs say str
    )
    return response


def _without_lang(url: str) -> str:
    """The page to go back to, without a `?lang=` that would override the language just chosen."""
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    query.pop("lang", None)
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
