from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "language", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("-date_joined",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("language",)}),
        (_("Library"), {"fields": ("library",)}),
    )
    readonly_fields = ("library",)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "language", "password1", "password2")}),
    )

    @admin.display(description=_("entries"))
    def library(self, obj: User) -> str:
        """Counts per status, each a link to this user's entries in the Entry changelist."""
        if obj.pk is None:
            return "-"
        url = reverse("admin:library_entry_changelist")
        rows = obj.entries.values("status").annotate(n=Count("pk")).order_by("status")
        links = format_html_join(
            " · ",
            '<a href="{}?user__id__exact={}&status__exact={}">{} {}</a>',
            ((url, obj.pk, r["status"], r["n"], r["status"]) for r in rows),
        )
        return format_html('{} (<a href="{}?user__id__exact={}">{}</a>)', links, url, obj.pk, _("all"))
