"""Page forms. Their fields parse and render; the rules live once, in the REST API's input serializers,
which every form below runs in `clean()` (so a page and the API accept and refuse the same things)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.serializers import SignupInputSerializer
from accounts.models import Language
from accounts.services import InvalidCredentials, LoginThrottled, user_login
from assistant.api.serializers import ChatInputSerializer
from assistant.state import MAX_MESSAGE_CHARS
from catalog.models import MediaType
from catalog.selectors import genres_of
from core.api.throttling import client_address
from core.parsing import MAX_ID, whole_number
from discovery.api.serializers import DiscoverInputSerializer, KeywordSearchInputSerializer
from discovery.describe import language_name
from discovery.filters import DiscoveryFilters, SortBy
from library.api.serializers import ImportInputSerializer
from library.models import ImportJob, Status
from web.selectors import original_languages

PAGE_SIZE = 12  # cards per page: fills rows of 1, 2, 3 or 4 columns
MAX_SHOWN = 200


def _messages(detail: Any) -> list[str]:
    """DRF error details, flattened (a list field reports its items' errors by index)."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


class PageForm(forms.Form):
    """A page form: labels without Django's trailing colon (the layout sets labels apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def validate_with(
    form: forms.Form, serializer: serializers.Serializer, *, renamed: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """Run an API input serializer; its errors land on the form's fields (or on the form as a whole)."""
    if serializer.is_valid():
        return serializer.validated_data
    renamed = renamed or {}
    for name, detail in serializer.errors.items():
        field = renamed.get(name, name)
        for message in _messages(detail):
            form.add_error(field if field in form.fields else None, message)
    return None


def media_type_of(data: Any) -> str:
    """The `media` of a query string: movies unless it asks for TV shows."""
    value = data.get("media") if data is not None else None
    return value if value in MediaType.values else MediaType.MOVIE


def _bounds(serializer_class: type[serializers.Serializer], name: str) -> dict[str, Any]:
    """The HTML min/max of a number input, read from the serializer field that enforces them."""
    field = serializer_class().fields[name]
    bounds = {"min": getattr(field, "min_value", None), "max": getattr(field, "max_value", None)}
    return {k: v for k, v in bounds.items() if v is not None}


class DiscoverForm(PageForm):
    """The filters of the Discover page, in the query string (a GET form: links and pages can be shared)."""

    media = forms.ChoiceField(choices=MediaType.choices, required=False, widget=forms.HiddenInput)
    genres = forms.MultipleChoiceField(label=_("Genres"), required=False, widget=forms.CheckboxSelectMultiple)
    year_from = forms.IntegerField(label=_("From year"), required=False)
    year_to = forms.IntegerField(label=_("To year"), required=False)
    min_rating = forms.FloatField(label=_("Minimum rating"), required=False)
    min_votes = forms.IntegerField(label=_("Minimum votes"), required=False)
    languages = forms.ChoiceField(label=_("Original language"), required=False)
    runtime_min = forms.IntegerField(label=_("Shortest (minutes)"), required=False)
    runtime_max = forms.IntegerField(label=_("Longest (minutes)"), required=False)
    sort_by = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SortBy.SCORE, _("Best score")),
            (SortBy.RATING, _("Rating")),
            (SortBy.VOTES, _("Votes")),
            (SortBy.YEAR, _("Newest")),
            (SortBy.TITLE, _("Title")),
        ],
    )
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, language: str) -> None:
        super().__init__(data)
        self.media_type = media_type_of(data)
        self.filters: DiscoveryFilters | None = None
        self.page = 1
        self.fields["genres"].choices = sorted(
            ((str(g.tmdb_id), g.name(language)) for g in genres_of(self.media_type)),
            key=lambda choice: choice[1].casefold(),
        )
        self.fields["languages"].choices = [
            ("", _("Any")),
            *sorted(
                ((code, language_name(code, language)) for code in original_languages(self.media_type)),
                key=lambda choice: choice[1].casefold(),
            ),
        ]
        for name in ("year_from", "year_to", "min_rating", "min_votes", "runtime_min", "runtime_max"):
            self.fields[name].widget.attrs.update(_bounds(DiscoverInputSerializer, name))
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
            if name not in ("media", "languages") and value not in (None, "", [])
        }
        if cleaned.get("languages"):
            data["languages"] = [cleaned["languages"]]
        data["page_size"] = PAGE_SIZE
        serializer = DiscoverInputSerializer(data=data, context={"media_type": self.media_type})
        if validate_with(self, serializer) is not None:
            self.filters, self.page = serializer.filters(), serializer.validated_data["page"]
        return cleaned

    def is_filtered(self) -> bool:
        return self.filters is not None and self.filters != DiscoveryFilters(sort_by=self.filters.sort_by)


class SearchForm(PageForm):
    q = forms.CharField(label=_("Title, person or words"), max_length=200, strip=True)
    media = forms.ChoiceField(choices=MediaType.choices, required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.media_type = media_type_of(data)
        self.page = 1
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = {"query": cleaned["q"], "page": cleaned.get("page") or 1, "page_size": PAGE_SIZE}
        validated = validate_with(self, KeywordSearchInputSerializer(data=data), renamed={"query": "q"})
        if validated is not None:
            self.page = validated["page"]
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
        shown = (whole_number(v, max_value=MAX_ID) for v in self.data.getlist("shown")[:MAX_SHOWN])
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            validate_with(self, SignupInputSerializer(data=cleaned))
        return cleaned


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
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict[str, Any]:
        identifier, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if identifier and password is not None:
            try:
                self.user_cache = user_login(
                    request=self.request,
                    identifier=identifier,
                    password=password,
                    client_address=client_address(self.request) if self.request else "",
                )
            except LoginThrottled as exc:
                raise ValidationError(self.error_messages["throttled"], code="throttled") from exc
            except InvalidCredentials as exc:
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login") from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ImportForm(PageForm):
    source = forms.ChoiceField(label=_("Exported from"), choices=ImportJob.Source.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Letterboxd: the export ZIP. IMDb: ratings or watchlist CSV. Trakt: JSON or ZIP."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            validate_with(self, ImportInputSerializer(data=cleaned))
        return cleaned


class ChatForm(PageForm):
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_MESSAGE_CHARS})
    )
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            data = {"message": cleaned["message"], "session_id": cleaned.get("session")}
            validate_with(self, ChatInputSerializer(data=data), renamed={"session_id": "session"})
        return cleaned


class LanguageForm(PageForm):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False, max_length=2000)
