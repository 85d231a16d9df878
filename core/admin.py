"""Periodic tasks, shown as they are: without a broker nothing runs them, and "Run selected tasks" says
what it did (django-celery-beat's own action reported success either way)."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from core.workers import background_status


class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    list_display = (
        "name",
        "enabled",
        "runs",
        "scheduler",
        "interval",
        "start_time",
        "last_run_at",
        "one_off",
    )

    @admin.display(description=_("runs"))
    def runs(self, obj: PeriodicTask) -> str:
        if not obj.enabled:
            return str(_("no: disabled"))
        if not settings.CELERY_BROKER_URL:  # read per call: the admin instance is shared by all threads
            return str(_("no: no broker, nothing runs periodic tasks"))
        return str(_("when beat and a worker run"))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        status = background_status()
        if request.method == "GET":
            self.message_user(request, status.summary, messages.INFO if status.workers else messages.WARNING)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Run selected tasks"))
    def run_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        status = background_status()
        if not status.broker:
            self.message_user(
                request,
                _(
                    "Nothing was run: no broker is set (REDIS_URL), so no worker would ever receive the "
                    "tasks. Run the matching manage.py command instead (refresh_titles, train_recommender…)."
                ),
                messages.ERROR,
            )
            return
        super().run_tasks(request, queryset)
        if not status.workers:
            self.message_user(
                request,
                _("The tasks are queued, but no worker answered: they run when one starts (`make worker`)."),
                messages.WARNING,
            )


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
