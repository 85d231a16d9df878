from celery import shared_task


@shared_task(acks_late=True)
def recommender_train_task() -> dict[str, float] | None:
    """Retrain the recommender (nightly, from beat). Idempotent: the same data writes the same tables, and a
    redelivery while a training runs is skipped by the training's lock."""
    from recommendations.services import recommender_train

    run = recommender_train()
    if run is None:
        return None
    return {"items": run.collaborative_items, "neighbours": run.neighbours, "seconds": run.seconds}
