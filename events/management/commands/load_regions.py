from django.core.management.base import BaseCommand

from events.services import regions_load


class Command(BaseCommand):
    help = "Load (or refresh) Indonesia's provinces and regencies with their Kemendagri codes."

    def handle(self, *args, **options):
        provinces, regencies = regions_load()
        self.stdout.write(f"{provinces} provinces, {regencies} regencies.")
