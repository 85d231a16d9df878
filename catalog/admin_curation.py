"""The admin side of curation (catalog.curation): a curator's edit locks the fields it changed, the lock
shows what providers say since and takes it in one click, history lists before and after values and puts
a past version back. The title, genre and data-source admins all derive from `CurationAdmin`."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from catalog import curation
from catalog.models import FieldLock, Genre


class LineEndingsCharField(forms.CharField):
    """A text area's value with LF line endings: browsers send CRLF, and an unchanged overview saved as
    CRLF would be a change that did not happen (and a needless history record)."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    """A noted provider value as a curator reads it (genres by name)."""
    if name == curation.GENRES:
        names = dict(Genre.objects.filter(pk__in=value or []).values_list("pk", "name_en"))
        return ", ".join(names.get(pk, str(pk)) for pk in value or [])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        model_field = model._meta.get_field(name)
    except LookupError:
        return name
    return str(model_field.verbose_name) if isinstance(model_field, models.Field) else name


def _filled(obj: Any, form: forms.ModelForm) -> list[str]:
    """The curated fields an add form gave a value (not those left blank for providers to fill)."""
    names = [n for n in curation.CURATED_FIELDS[curation.concrete(type(obj))] if n in form.fields]
    values = curation.snapshots(type(obj), [obj.pk])[obj.pk].curated
    return [n for n in names if values[n] not in (None, "", [], {})]


class CurationAdmin(SimpleHistoryAdmin):
    """History (before/after, revert) and locked fields for a title, genre or data source admin."""

    history_list_display = ["revert_link"]

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        """A past version is put back through `revert_view` (genres included, the fields locked), not by
        saving the library's form of it, which would show today's genres."""
        return True

    # ------------------------------------------------------------ the form

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.TextField) and db_field.editable and not db_field.choices:
            kwargs.setdefault("form_class", LineEndingsCharField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, "locked_fields")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or any("locked_fields" in opts.get("fields", ()) for _name, opts in fieldsets):
            return fieldsets
        return [*fieldsets, (_("Locked fields"), {"fields": ("locked_fields",)})]

    @admin.display(description=_("locked fields"))
    def locked_fields(self, obj: Any) -> str:
        """Each field a curator set: who and when, what a provider says since, and its buttons (they post
        the page's form, with its CSRF token, to their own address)."""
        owner = curation.owner_field(type(obj))
        locks = FieldLock.objects.filter(**{owner: obj}).select_related("locked_by").order_by("field")
        if not locks:
            return str(_("None: loads and refreshes may update every field."))
        opts = self.model._meta
        rows = []
        for lock in locks:
            base = f"admin:{opts.app_label}_{opts.model_name}"
            unlock = reverse(f"{base}_unlock", args=[obj.pk, lock.pk])
            says = (
                format_html(
                    "{} <em>{}</em> ({}, {}) "
                    '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button>',
                    _("provider says"),
                    _shown(self.model, lock.field, lock.provider_value) or "—",
                    lock.provider_actor,
                    f"{lock.provider_seen_at:%Y-%m-%d}",
                    reverse(f"{base}_accept", args=[obj.pk, lock.pk]),
                    _("Accept"),
                )
                if lock.provider_seen_at
                else _("no provider value since")
            )
            rows.append(
                (
                    _field_label(self.model, lock.field),
                    lock.locked_by or "—",
                    f"{lock.locked_at:%Y-%m-%d}",
                    says,
                    unlock,
                    _("Unlock"),
                )
            )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> ({}, {}): {} "
                '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button></li>',
                rows,
            ),
        )

    # ------------------------------------------------------------ saving

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        """An unchanged form saves nothing. Otherwise the write is recorded once (form and genres
        together) and the curator's fields are locked: on a change those that changed, on an addition
        those the form filled (a refresh then notes TMDB's value beside what staff typed)."""
        if change and not form.has_changed():
            return
        recording = curation.recorded_change(obj, reason="admin", user=request.user)
        result = recording.__enter__()
        try:
            super().save_model(request, obj, form, change)
        except BaseException:
            recording.__exit__(None, None, None)
            raise
        save_m2m = form.save_m2m

        def save_m2m_then_record() -> None:
            try:
                save_m2m()
            finally:
                recording.__exit__(None, None, None)
            curation.fields_lock(obj, result.fields if change else _filled(obj, form), request.user)

        form.save_m2m = save_m2m_then_record  # type: ignore[method-assign]

    # ------------------------------------------------------------ lock and history views

    def get_urls(self) -> list[Any]:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/unlock/<int:lock_id>/", wrap(self.unlock_view), name=f"{name}_unlock"),
            path("<path:object_id>/accept/<int:lock_id>/", wrap(self.accept_view), name=f"{name}_accept"),
            path("<path:object_id>/revert/<int:history_id>/", wrap(self.revert_view), name=f"{name}_revert"),
            *super().get_urls(),
        ]

    def _editable(self, request: HttpRequest, object_id: str) -> Any:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(_("No such object."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _lock(self, obj: Any, lock_id: int) -> FieldLock:
        return get_object_or_404(FieldLock, pk=lock_id, **{curation.owner_field(type(obj)): obj})

    def _back(self, obj: Any) -> HttpResponseRedirect:
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def unlock_view(self, request: HttpRequest, object_id: str, lock_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        obj = self._editable(request, object_id)
        lock = self._lock(obj, lock_id)
        lock.delete()
        self.message_user(
            request,
            _("%(field)s unlocked: the next load or refresh may update it.")
            % {"field": _field_label(self.model, lock.field)},
        )
        return self._back(obj)

    def accept_view(self, request: HttpRequest, object_id: str, lock_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        obj = self._editable(request, object_id)
        lock = self._lock(obj, lock_id)
        label = _field_label(self.model, lock.field)
        if curation.provider_value_accept(lock, request.user):
            self.message_user(
                request, _("%(field)s now holds the provider's value and is unlocked.") % {"field": label}
            )
        else:
            self.message_user(
                request,
                _("No provider has said anything for %(field)s yet.") % {"field": label},
                messages.ERROR,
            )
        return self._back(obj)

    def revert_view(self, request: HttpRequest, object_id: str, history_id: int) -> HttpResponse:
        """GET: what reverting would change; POST: put that version back (the fields it changes lock)."""
        obj = self._editable(request, object_id)
        history = curation.history_model(type(obj))
        record = get_object_or_404(history, history_id=history_id, id=obj.pk)
        if request.method == "POST":
            changed = curation.history_revert(obj, history_id, request.user)
            self.message_user(
                request,
                _("Reverted to %(date)s: %(fields)s.")
                % {
                    "date": f"{record.history_date:%Y-%m-%d %H:%M}",
                    "fields": ", ".join(_field_label(self.model, n) for n in changed) or _("nothing changed"),
                },
            )
            return self._back(obj)
        current = curation.snapshots(type(obj), [obj.pk])[obj.pk]
        then = curation.record_values(record)
        changes = [
            (
                _field_label(self.model, n),
                _shown(self.model, n, current.curated[n]),
                _shown(self.model, n, then[n]),
            )
            for n in curation.CURATED_FIELDS[curation.concrete(type(obj))]
            if current.curated[n] != then[n]
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "record": record,
            "changes": changes,
            "title": _("Revert %(object)s to %(date)s")
            % {"object": obj, "date": f"{record.history_date:%Y-%m-%d %H:%M}"},
        }
        return TemplateResponse(request, "admin/catalog/curation_revert.html", context)

    @admin.display(description=_("revert"))
    def revert_link(self, record: Any) -> str:
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revert", args=[record.id, record.history_id])
        return format_html('<a href="{}">{}</a>', url, _("Revert to this version…"))


@admin.register(FieldLock)
class FieldLockAdmin(admin.ModelAdmin):
    """Every locked field, to review what providers say and accept it or unlock in bulk."""

    list_display = (
        "owner",
        "field",
        "locked_by",
        "locked_at",
        "provider_says",
        "provider_actor",
        "provider_seen_at",
    )
    list_filter = ("field", "provider_actor")
    list_select_related = ("title", "genre", "data_source", "locked_by")
    actions = ("accept_provider_values", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("locked in"))
    def owner(self, lock: FieldLock) -> Any:
        return lock.title or lock.genre or lock.data_source

    @admin.display(description=_("provider says"))
    def provider_says(self, lock: FieldLock) -> str:
        model = type(self.owner(lock))
        return _shown(model, lock.field, lock.provider_value) if lock.provider_seen_at else "—"

    @admin.action(description=_("Accept what the provider says (and unlock)"), permissions=["delete"])
    def accept_provider_values(self, request: HttpRequest, queryset: QuerySet[FieldLock]) -> None:
        done = sum(curation.provider_value_accept(lock, request.user) for lock in queryset)
        self.message_user(request, _("%(count)d provider values accepted.") % {"count": done})

    @admin.action(description=_("Unlock (loads and refreshes may update them)"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[FieldLock]) -> None:
        count, _rows = queryset.delete()
        self.message_user(request, _("%(count)d fields unlocked.") % {"count": count})
