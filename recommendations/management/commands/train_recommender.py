import resource
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from recommendations.services import recommender_train


class Command(BaseCommand):
    help = (
        "Train the recommender from every rating and 'seen' in the database (community ratings included) "
        "and replace its neighbour tables. Beat runs the same training nightly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-needed", action="store_true", help="Do nothing when a trained model is already in place."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = recommender_train(if_needed=options["if_needed"])
        if run is None:
            self.stdout.write("A trained model is in place, or a training is running; nothing to do.")
            return
        # ru_maxrss is in kilobytes on Linux: the whole process, loading included.
        process_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Recommender trained in {run.seconds:.1f} s: {run.users} people, {run.interactions} "
                f"interactions ({run.community_ratings} community ratings), {run.collaborative_items} "
                f"collaborative titles, {run.neighbours} neighbour weights, {run.sequels} sequel links; "
                f"model peak memory {run.peak_memory_mb:.0f} MB, process peak {process_mb:.0f} MB."
            )
        )
