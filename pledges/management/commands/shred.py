"""Apply the retention schedule (pledges.shredder): `manage.py shred`, or `--dry-run` to see what would go."""

from django.core.management.base import BaseCommand

from pledges import shredder


class Command(BaseCommand):
    help = "Remove personal data whose retention period is over (see the README); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed, remove nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        outcomes = shredder.shred(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for outcome in outcomes:
            counts = ", ".join(f"{count} {what}" for what, count in outcome.rows.items())
            files = f"{len(outcome.files)} files" if outcome.files or not outcome.rows else ""
            self.stdout.write(f"{outcome.rule}: {verb} {', '.join(part for part in (counts, files) if part)}")
            self.stdout.write(f"    ({outcome.description})", self.style.HTTP_INFO)
            for name in outcome.files:
                self.stdout.write(f"    {name}")
        total = sum(outcome.total for outcome in outcomes)
        self.stdout.write(
            self.style.SUCCESS(f"{'Would remove' if dry_run else 'Removed'} {total} items in all.")
        )
