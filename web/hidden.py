"""The Hidden page: a member's hide rules and the titles they hid one by one, each with its undo; and the
"not interested in…" buttons of the title and person pages, which post here."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.selectors import authenticated_user
from catalog.models import Title
from core.exceptions import ApplicationError
from library.models import HideRule, Status
from library.selectors import entries_list, hide_rule_label, hide_rules_shown
from library.services import (
    entry_set_status,
    hide_rule_create,
    hide_rule_delete,
    hide_rule_kinds,
    keyword_rules_available,
)
from web.decorators import member_page, safe_next
from web.forms import PageForm

HIDDEN_SHOWN = 200  # titles hidden one by one, newest first, per media type


class HideRuleForm(PageForm):
    kind = forms.ChoiceField(label=gettext_lazy("Hide"), choices=HideRule.Kind.choices)
    value = forms.CharField(
        label=gettext_lazy("What"),
        max_length=200,
        help_text=gettext_lazy("A genre, a person's whole name, a language code (fr, ja) or a year."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = hide_rule_kinds()  # no keywords without a TMDB key
        if keyword_rules_available():
            self.fields["value"].help_text = gettext_lazy(
                "A genre, a person's whole name, a language code (fr, ja), a year or a TMDB keyword in "
                "English (time travel)."
            )


@member_page
@require_http_methods(["GET", "POST"])
def hidden(request: HttpRequest) -> HttpResponse:
    """The page. A POST adds a rule (`kind`, `value`), removes one (`remove`: its id) or brings back a title
    hidden alone (`unhide`: its id), then goes back to `next` (this page by default)."""
    user = authenticated_user(request)
    form = HideRuleForm()
    if request.method == "POST":
        back = safe_next(request, request.POST.get("next")) or None
        if request.POST.get("remove", "").isdigit():
            if hide_rule_delete(user=user, rule_id=int(request.POST["remove"])):
                messages.success(request, _("Rule removed: its titles come back."))
            return redirect(back or "web:hidden")
        if request.POST.get("unhide", "").isdigit():
            title = Title.objects.filter(pk=int(request.POST["unhide"])).first()
            if title is not None and entry_set_status(user=user, title=title, status=None) is None:
                messages.success(request, _("“%(title)s” comes back.") % {"title": title.title_en})
            return redirect(back or "web:hidden")
        form = HideRuleForm(request.POST)
        if form.is_valid():
            try:
                rule, created = hide_rule_create(user=user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("value" if exc.field == "value" else None, exc.message)
            else:
                label = hide_rule_label(rule, request.LANGUAGE_CODE)
                text = (
                    _("Hidden from now on: %(kind)s %(label)s.")
                    if created
                    else _("Already hidden: %(kind)s %(label)s.")
                )
                messages.success(request, text % {"kind": rule.get_kind_display().lower(), "label": label})
                return redirect(back or "web:hidden")
    context = {
        "form": form,
        "rules": hide_rules_shown(user=user, language=request.LANGUAGE_CODE),
        "titles": [
            entry
            for media_type in ("movie", "tv")
            for entry in entries_list(
                user=user, media_type=media_type, status=Status.HIDDEN, language=request.LANGUAGE_CODE
            )[:HIDDEN_SHOWN]
        ],
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/hidden.html", context, status=status)
