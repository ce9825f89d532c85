from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neutrality.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and every media file to one archive (restore it with 'manage.py restore')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, type=Path, help="the archive to write, e.g. backup.tar.gz"
        )

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in manifest["missing_media"]:
            self.stderr.write(self.style.WARNING(f"Named by the database but missing from storage: {name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: the {manifest['database']['vendor']} database and "
                f"{len(manifest['media'])} media files ({output.stat().st_size:,} bytes)."
            )
        )
