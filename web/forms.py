"""Page forms. Their fields parse and render; the rules live once, in the domain validators that the REST
API's input serializers call too (discovery's filters and keyword query, the import's upload check, the chat
message limit, the username rules), which every form below runs in `clean()`: a page and the API accept and
refuse the same things, with the same words."""

from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, User
from accounts.services import InvalidCredentials, LoginThrottled, user_login
from accounts.validators import validate_username_not_confusable
from assistant.state import MAX_MESSAGE_CHARS, chat_message_from
from catalog.models import MediaType
from catalog.selectors import genres_of
from core.api.throttling import client_address
from core.names import language_name
from core.parsing import MAX_ID, whole_number
from discovery.filters import (
    BOUNDS,
    DiscoveryFilters,
    SortBy,
    discovery_filters_from,
    keyword_query_from,
    watch_filters_available,
    watch_filters_of,
)
from households.models import Household
from households.selectors import households_of
from library.importers import AUTO
from library.models import ImportJob, Status
from library.validators import import_upload_check
from web.selectors import original_languages

PAGE_SIZE = 12  # cards per page: fills rows of 1, 2, 3 or 4 columns
MAX_SHOWN = 200
MAX_PAGE = 10_000  # as the API's page parameter
USERNAME_MAX_CHARS = 150  # the User model's
PASSWORD_MAX_CHARS = 4096  # as POST /auth/signup takes


_Field = TypeVar("_Field", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """A form's field as the kind it is declared with (to the type checker `form.fields` holds Fields)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"The field {name!r} is a {type(field).__name__}, not a {kind.__name__}.")
    return field


class PageForm(forms.Form):
    """A page form: labels without Django's trailing colon (the layout sets labels apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        """Django's, which returns `cleaned_data` (its stubs allow None, which Form.clean never returns)."""
        super().clean()
        return self.cleaned_data


def add_errors(
    form: forms.Form, error: ValidationError, *, renamed: dict[str | None, str] | None = None
) -> None:
    """A domain validator's errors on the form's fields (or on the form as a whole); `renamed` maps a
    validator's field names to the form's (None: an error about the one value it was given)."""
    renamed = renamed or {}
    by_field: dict[str | None, list[str]] = {None: error.messages}
    if hasattr(error, "error_dict"):
        by_field = dict(error.message_dict.items())
    for name, messages in by_field.items():
        field = renamed.get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _too_long(max_chars: int) -> ValidationError:
    """The API's words for a text over its limit (Django REST framework's, with its translations)."""
    message = gettext("Ensure this field has no more than {max_length} characters.")
    return ValidationError(message.format(max_length=max_chars), code="max_length")


def media_type_of(data: Any) -> str:
    """The `media` of a query string: movies unless it asks for TV shows."""
    value = data.get("media") if data is not None else None
    return value if value in MediaType.values else MediaType.MOVIE


def _bounds(name: str) -> dict[str, Any]:
    """The HTML min/max of a number input: the bounds discovery's validator enforces."""
    low, high = BOUNDS[name]
    return {"min": low, "max": high}


MOST_USED_LANGUAGES = 12  # the first group of the language list; the others follow by name


def language_choices(codes: list[str], *, language: str) -> list[tuple[Any, Any]]:
    """The original languages by name in the page's language: the most used first (`codes` comes most
    titles first), then every other one alphabetically, in two groups of the select."""
    named = [(code, language_name(code, language)) for code in codes]
    most_used = named[:MOST_USED_LANGUAGES]
    others = sorted(named[MOST_USED_LANGUAGES:], key=lambda choice: choice[1].casefold())
    if not others:
        return most_used
    return [(_("Most used"), most_used), (_("Other languages"), others)]


class DiscoverForm(PageForm):
    """The filters of the Discover page, in the query string (a GET form: links and pages can be shared)."""

    # Declared fields leave the class (Django's metaclass), so this does not hide Form.media; the stubs cannot
    # tell.
    media = forms.ChoiceField(  # type: ignore[assignment]
        choices=MediaType.choices, required=False, widget=forms.HiddenInput
    )
    genres = forms.MultipleChoiceField(label=_("Genres"), required=False, widget=forms.CheckboxSelectMultiple)
    year_from = forms.IntegerField(label=_("From year"), required=False)
    year_to = forms.IntegerField(label=_("To year"), required=False)
    min_rating = forms.FloatField(
        label=_("Minimum rating"),
        required=False,
        help_text=_(
            "Out of 10, as each card shows it: IMDb's rating, or another source's calibrated to its scale."
        ),
    )
    min_votes = forms.IntegerField(label=_("Minimum votes"), required=False)
    languages = forms.ChoiceField(label=_("Original language"), required=False)
    runtime_min = forms.IntegerField(label=_("Shortest (minutes)"), required=False)
    runtime_max = forms.IntegerField(label=_("Longest (minutes)"), required=False)
    sort_by = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        help_text=_("Best score: the rating weighed by how many voted (a 9.5 from 12 votes does not lead)."),
        choices=[
            (SortBy.SCORE, _("Best score")),
            (SortBy.RATING, _("Rating")),
            (SortBy.VOTES, _("Votes")),
            (SortBy.YEAR, _("Newest")),
            (SortBy.TITLE, _("Title")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)
    on_my_services = forms.BooleanField(label=_("On my services"), required=False)
    group = forms.TypedChoiceField(
        label=_("For"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a group: nothing any member has seen or marked not interested."),
    )

    def __init__(self, data: Any, *, language: str, viewer: Any = None) -> None:
        super().__init__(data)
        self.viewer = viewer
        if not (watch_filters_available() and viewer is not None and viewer.is_authenticated):
            del self.fields["on_my_services"]  # no where-to-watch data (no TMDB key), or nobody's services
        self.households: dict[int, Household] = {}
        if isinstance(viewer, User):
            self.households = {h.pk: h for h in households_of(user=viewer)}
        if self.households:  # "For: me / a group": only the viewer's own groups
            field_of(self, "group", forms.ChoiceField).choices = [
                ("", gettext("Me")),
                *((str(pk), h.name) for pk, h in self.households.items()),
            ]
        else:
            del self.fields["group"]
        self.media_type = media_type_of(data)
        self.filters: DiscoveryFilters | None = None
        self.page_number = 1
        genres = sorted(
            ((str(g.tmdb_id), g.name(language)) for g in genres_of(self.media_type)),
            key=lambda choice: choice[1].casefold(),
        )
        field_of(self, "genres", forms.ChoiceField).choices = genres
        field_of(self, "languages", forms.ChoiceField).choices = [
            ("", _("Any")),
            *language_choices(original_languages(self.media_type), language=language),
        ]
        for name in ("year_from", "year_to", "min_rating", "min_votes", "runtime_min", "runtime_max"):
            self.fields[name].widget.attrs.update(_bounds(name))
        self.fields["min_rating"].widget.attrs["step"] = "0.1"
        self.fields["year_from"].widget.attrs["placeholder"] = "1990"
        self.fields["year_to"].widget.attrs["placeholder"] = "1999"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = {
            name: value
            for name, value in cleaned.items()
            if name not in ("media", "languages", "page", "group") and value not in (None, "", [], False)
        }
        if cleaned.get("languages"):
            data["languages"] = [cleaned["languages"]]
        try:
            self.filters = discovery_filters_from(data, media_type=self.media_type, viewer=self.viewer)
        except ValidationError as exc:
            add_errors(self, exc)
        else:
            self.page_number = cleaned.get("page") or 1
        return cleaned

    def is_filtered(self) -> bool:
        return self.filters is not None and self.filters != DiscoveryFilters(sort_by=self.filters.sort_by)

    @property
    def household(self) -> Household | None:
        """The group chosen under "For" (one of the viewer's), or None for the viewer alone."""
        chosen = self.cleaned_data.get("group") if hasattr(self, "cleaned_data") else None
        return self.households.get(chosen) if chosen is not None else None


def on_my_services_of(data: QueryDict, user: User) -> tuple[DiscoveryFilters | None, str]:
    """The "On my services" box of For you and a group's page (`on_my_services` in the query string): the
    user's country and services as a filter, or None and why not (no TMDB key, no services chosen)."""
    if not data.get("on_my_services"):
        return None, ""
    try:
        return DiscoveryFilters(**watch_filters_of(user)), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


ALL_MEDIA = "all"  # the Search page's default: movies, TV shows and people together


class SearchForm(PageForm):
    q = forms.CharField(label=_("Title, person or words"), max_length=200, strip=True)
    # Declared fields leave the class (Django's metaclass), so this does not hide Form.media; the stubs cannot
    # tell.
    media = forms.ChoiceField(  # type: ignore[assignment]
        choices=[(ALL_MEDIA, _("Everything")), *MediaType.choices], required=False, widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)
    on_my_services = forms.BooleanField(label=_("On my services"), required=False)

    def __init__(self, data: Any = None, *, viewer: Any = None) -> None:
        super().__init__(data)
        self.viewer = viewer
        self.on_services: DiscoveryFilters | None = None
        if not (watch_filters_available() and viewer is not None and viewer.is_authenticated):
            del self.fields["on_my_services"]  # as on Discover: no TMDB key, or nobody's services
        self.media_type = media_type_of(data)
        # everything unless the media switch asks for one kind of titles
        self.scope = (
            self.media_type if data is not None and data.get("media") in MediaType.values else ALL_MEDIA
        )
        self.page_number = 1
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            keyword_query_from(cleaned["q"])
        except ValidationError as exc:
            add_errors(self, exc, renamed={None: "q"})
        else:
            self.page_number = cleaned.get("page") or 1
        if cleaned.get("on_my_services"):
            try:
                self.on_services = DiscoveryFilters(**watch_filters_of(self.viewer))
            except ValidationError as exc:
                self.add_error("on_my_services", exc.messages)
        return cleaned


class MarkForm(PageForm):
    """A card's buttons: a status (or "none" to clear it), an optional rating with "seen", and the page."""

    status = forms.ChoiceField(choices=[*Status.choices, ("none", _("Clear"))])
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[("", "-"), *((str(n), str(n)) for n in range(1, 11))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    next = forms.CharField(required=False, max_length=2000)  # the page the card is on

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.shown: set[int] = set()  # the cards on that page, so that a refill brings a new one

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("status") != Status.SEEN:
            cleaned["rating"] = None  # the card always sends its rating box; only "seen" takes it
        sent = self.data.getlist("shown") if isinstance(self.data, QueryDict) else []
        shown = (whole_number(v, max_value=MAX_ID) for v in sent[:MAX_SHOWN])
        self.shown = {title_id for title_id in shown if title_id is not None}
        return cleaned

    @property
    def new_status(self) -> str | None:
        status = self.cleaned_data["status"]
        return None if status == "none" else status


class SignupForm(PageForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    username = forms.CharField(
        label=_("Username (optional)"),
        required=False,
        max_length=150,
        help_text=_("Taken from your email address when left empty."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean_username(self) -> str:
        """As the API takes it: NFKC-normalized first (a fullwidth look-alike of a taken name is taken), then
        Django's characters and our look-alike rule."""
        username = User.normalize_username(self.cleaned_data["username"])
        if len(username) > USERNAME_MAX_CHARS:
            raise _too_long(USERNAME_MAX_CHARS)
        if username:
            UnicodeUsernameValidator()(username)
            validate_username_not_confusable(username)
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if len(password) > PASSWORD_MAX_CHARS:
            raise _too_long(PASSWORD_MAX_CHARS)
        return password


class LoginForm(AuthenticationForm):
    """Django's login form, checked by our login service: email or username, and the failure throttle."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Incorrect username/email or password."),
        "throttled": _("Too many failed login attempts. Try again later."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email or username")
        field_of(self, "username", forms.CharField).max_length = 254
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict[str, Any]:
        identifier, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if identifier and password is not None:
            if self.request is None:  # LoginView always passes it: the login limits count per address
                raise ImproperlyConfigured("LoginForm needs the request.")
            try:
                self.user_cache = user_login(
                    request=self.request,
                    identifier=identifier,
                    password=password,
                    client_address=client_address(self.request),
                )
            except LoginThrottled as exc:
                raise ValidationError(self.error_messages["throttled"], code="throttled") from exc
            except InvalidCredentials as exc:
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login") from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ImportForm(PageForm):
    # "Detect automatically" first: the file tells its service; the others override a wrong guess.
    source = forms.ChoiceField(
        label=_("Exported from"),
        choices=[(AUTO, _("Detect automatically")), *ImportJob.Source.choices],
        initial=AUTO,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Letterboxd: the export ZIP. IMDb: ratings or watchlist CSV. Trakt: JSON or ZIP."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            try:
                import_upload_check(source=cleaned["source"], size=cleaned["file"].size)
            except ValidationError as exc:
                add_errors(self, exc)
        return cleaned


class ChatForm(PageForm):
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_MESSAGE_CHARS})
    )
    session = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def clean_message(self) -> str:
        return chat_message_from(self.cleaned_data["message"])


class LanguageForm(PageForm):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False, max_length=2000)
