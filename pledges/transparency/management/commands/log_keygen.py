"""Make an Ed25519 key for the log (or, with --witness, for a witness) and write it to a file only its owner
may read."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pledges.transparency import keys, note


class Command(BaseCommand):
    help = "Write a new signing key for the transparency log (mode 0600) and print its public verifier key."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="where to write it (default: settings.LOG_SIGNING_KEY_FILE)")
        parser.add_argument("--witness", metavar="NAME", help="a witness's cosignature key with this name")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when the file exists")

    def handle(self, *args, out=None, witness=None, if_missing=False, **options):
        path = Path(out or (None if witness else settings.LOG_SIGNING_KEY_FILE) or "")
        if not str(path) or str(path) == ".":
            raise CommandError("Say where to write the key: --out FILE (or set LOG_SIGNING_KEY_FILE).")
        if path.exists():
            if if_missing:
                return
            # A new key makes every verifier that pinned the old one refuse the log: never replace silently.
            raise CommandError(
                f"{path} exists; a log keeps its key. Move it away first if you mean to rotate."
            )
        try:
            signer = note.Signer.generate(
                witness or keys.log_origin(), note.COSIGNATURE_V1 if witness else note.ED25519
            )
        except note.NoteError as error:
            raise CommandError(str(error)) from None
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"{signer}\n")
        self.stdout.write(f"Private key written to {path} (mode 0600). Public verifier key:")
        self.stdout.write(str(signer.verifier))
