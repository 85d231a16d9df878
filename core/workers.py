"""Whether background work runs: what the admin tells staff, rather than let them believe it does."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

INSPECT_TIMEOUT = 1.0  # seconds the admin waits for workers to answer a ping


@dataclass(frozen=True)
class BackgroundStatus:
    broker: bool  # REDIS_URL set: tasks go to workers; else they run in the request, and nothing periodic
    workers: tuple[str, ...]  # the workers that answered the ping
    beat_last_run: object  # the latest time beat ran a periodic task (None: never)

    @property
    def summary(self) -> str:
        if not self.broker:
            return _(
                "No broker (REDIS_URL is not set): tasks run in-process when asked, and periodic tasks never "
                "run. Start with REDIS_URL, `make worker` and `make beat` to run them."
            )
        if not self.workers:
            return _("No worker answered within %(seconds)s s: queued tasks wait until one starts.") % {
                "seconds": INSPECT_TIMEOUT
            }
        return _("%(count)d workers answered: %(names)s.") % {
            "count": len(self.workers),
            "names": ", ".join(self.workers),
        }


def background_status(timeout: float = INSPECT_TIMEOUT) -> BackgroundStatus:
    from django_celery_beat.models import PeriodicTask

    last_run = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    if not settings.CELERY_BROKER_URL:
        return BackgroundStatus(broker=False, workers=(), beat_last_run=last_run)
    from celery import current_app as app  # the project's, configured at startup

    try:
        replies = app.control.inspect(timeout=timeout).ping() or {}
    except Exception:
        replies = {}
    return BackgroundStatus(broker=True, workers=tuple(sorted(replies)), beat_last_run=last_run)
