"""Sequence queued entries into the transparency log and sign a checkpoint (once, or every few seconds)."""

import time

from django.core.management.base import BaseCommand

from pledges.transparency.services import log_sequence_all


class Command(BaseCommand):
    help = "Give queued signings and withdrawals their log indexes and sign a new checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS", help="keep running, once every SECONDS")

    def handle(self, *args, every=None, **options):
        while True:
            checkpoint = log_sequence_all()
            if checkpoint is not None and options["verbosity"] > 0:
                self.stdout.write(f"checkpoint of {checkpoint.tree_size} entries signed")
            if not every:
                return
            time.sleep(every)
