from django.core.management.base import BaseCommand

from pledges.demo import DEMO_ADMIN, DEMO_OPD_HEAD, DEMO_STAFF, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo data set (a regency office, its agencies, events, attendees and accounts). Idempotent."
    )

    def handle(self, *args, **options):
        passwords = demo_load()
        for username, password in passwords.items():
            self.stdout.write(self.style.SUCCESS(f"Created account {username!r} with password: {password}"))
        if not passwords:
            self.stdout.write(
                f"Demo data already present; accounts {DEMO_STAFF!r}, {DEMO_OPD_HEAD!r} and {DEMO_ADMIN!r} keep "
                "the passwords printed when they were created (change them with 'manage.py changepassword')."
            )
