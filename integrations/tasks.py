from celery import shared_task
from celery.contrib.django.task import DjangoTask


@shared_task(acks_late=True, base=DjangoTask)
def webhook_event_task(event_id: int) -> str | None:
    """Apply one webhook event; safe to redeliver (an event already applied is skipped)."""
    from integrations.services import webhook_event_process

    event = webhook_event_process(event_id=event_id)
    return event.status if event else None
