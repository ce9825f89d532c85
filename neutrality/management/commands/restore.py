from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from neutrality.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by 'manage.py backup' into the empty database DATABASE_URL names and the "
        "media storage (which must not hold the archive's files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive written by 'manage.py backup'")

    def handle(self, *args, archive: Path, **options):
        try:
            manifest = backup_restore(archive_path=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {len(manifest['media'])} media files from the backup of "
                f"{manifest['created_at']}. Run 'manage.py migrate' if this code is newer than the backup."
            )
        )
