"""Witness a Netralitas log: verify it only grew since last time, then post a cosignature of its checkpoint."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pledges.transparency import verify


class Command(BaseCommand):
    help = (
        "Verify a transparency log's latest checkpoint against the one this witness saw last (the state file) "
        "and post a C2SP cosignature to its /log/cosign."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the log's site, e.g. https://netralitas.example.go.id")
        parser.add_argument(
            "--key", required=True, type=Path, help="the witness key file (log_keygen --witness)"
        )
        parser.add_argument("--state", required=True, type=Path, help="this witness's memory of the log")
        parser.add_argument("--log-key", help="the log's verifier key, if known (else trusted on first use)")
        parser.add_argument("--all", action="store_true", help="also read every entry")

    def handle(self, *args, **options):
        argv = [options["url"], "--state", str(options["state"]), "--cosign", str(options["key"])]
        if options["log_key"]:
            argv += ["--key", options["log_key"]]
        if options["all"]:
            argv.append("--all")
        try:
            said = verify.run(verify.parser().parse_args(argv))
        except verify.Refused as error:
            raise CommandError(f"NOT VERIFIED, not cosigned: {error}") from None
        except verify.Unreachable as error:
            raise CommandError(f"Could not witness: {error}") from None
        for sentence in said:
            self.stdout.write(f"OK: {sentence}")
