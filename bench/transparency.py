"""How fast the transparency log appends and proves (prints figures).

Fills a throw-away test database with N pacts (as bench/registry.py does: one event in ten not public), queues
them all, and times the sequencer appending them (leaves, subtree hashes, a signed checkpoint per batch), then
inclusion and consistency proofs at that size, in the service and through HTTP (Django's test client), the
signing of one checkpoint, and the storage per entry:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas SECRET_KEY=bench \\
        .venv/bin/python bench/transparency.py                # 1,000,000 entries
    SECRET_KEY=bench .venv/bin/python bench/transparency.py --entries 20000   # SQLite file

Options: ``--entries N`` (default 1,000,000), ``--proofs P`` proofs of each kind (median and p95 printed).
"""

import argparse
import random
import statistics
import time

from benchsetup import django_setup

django_setup("transparency")

import registry  # noqa: E402 - bench/registry.py: the same million pacts
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from pledges.transparency import merkle, note  # noqa: E402

settings.LOG_RATE_LIMIT = 10**9
settings.LOG_SEQUENCE_ON_COMMIT = False
settings.LOG_SIGNING_KEY = str(note.Signer.generate("bench.netralitas"))


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms"


def timed(call):
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def fill(count: int) -> None:
    declaration, agencies, events = registry.base_data()
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        registry.fill_postgresql(count, declaration, agencies, events)
    else:
        registry.fill_sqlite(count, declaration, agencies, events)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO transparency_pendingentry (pact_id, kind, created_at) "
            "SELECT id, 'pact', %s FROM pledges_pact ORDER BY signed_at, id",
            [registry.timezone.now()],
        )
    print(f"filled and queued {count:,} pacts in {time.perf_counter() - started:.0f} s (not counted)")


def storage_bytes() -> int | None:
    """Bytes on disk of the log's tables with their indexes (None where SQLite lacks the dbstat table)."""
    tables = ["transparency_logentry", "transparency_lognode", "transparency_checkpoint"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT SUM(pg_total_relation_size(t)) FROM unnest(%s::text[]) AS t", [tables])
            return int(cursor.fetchone()[0])
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN (%s, %s, %s) OR name LIKE %s",
                [*tables, "sqlite_autoindex_transparency_%"],
            )
        except Exception:  # noqa: BLE001 - SQLite built without dbstat
            return None
        return cursor.fetchone()[0]


def run(args) -> None:
    from pledges.models import Pact
    from pledges.transparency import services
    from pledges.transparency.models import Checkpoint, LogEntry

    fill(args.entries)
    started = time.perf_counter()
    last = services.log_sequence_all()
    seconds = time.perf_counter() - started
    size = last.tree_size
    print(
        f"append: {size:,} entries in {seconds:.1f} s = {size / seconds:,.0f} entries/s "
        f"({Checkpoint.objects.count()} checkpoints signed, one per batch of {services.SEQUENCE_BATCH:,})"
    )

    root = bytes(last.root_hash)
    rng = random.Random(19)
    indexes = [rng.randrange(size) for _ in range(args.proofs)]
    leaves = dict(LogEntry.objects.filter(index__in=indexes).values_list("index", "leaf"))
    samples = []
    for index in indexes:
        ms, proof = timed(lambda i=index: services.inclusion_proof(index=i, tree_size=size))
        merkle.verify_inclusion(
            index=index, size=size, leaf=bytes(leaves[index]), proof=proof, root_hash=root
        )
        samples.append(ms)
    print(f"inclusion proof, service: {percentiles(samples)} ({len(proof)} hashes)")

    firsts = [rng.randrange(1, size) for _ in range(args.proofs)]
    samples = []
    for first in firsts:
        ms, proof = timed(lambda m=first: services.consistency_proof(first=m, second=size))
        merkle.verify_consistency(
            first=first, second=size, first_root=services.root_at(first), second_root=root, proof=proof
        )
        samples.append(ms)
    print(f"consistency proof, service: {percentiles(samples)}")

    client = Client()
    codes = dict(
        Pact.objects.filter(log_entries__index__in=indexes).values_list("log_entries__index", "code")
    )
    samples = [
        timed(lambda i=i: client.get(f"/log/proof/inclusion?code={codes[i]}&tree_size={size}").json())[0]
        for i in indexes
    ]
    print(f"inclusion proof, HTTP: {percentiles(samples)}")
    samples = [
        timed(lambda m=m: client.get(f"/log/proof/consistency?first={m}&second={size}").json())[0]
        for m in firsts
    ]
    print(f"consistency proof, HTTP: {percentiles(samples)}")

    signer = note.Signer.generate("bench.netralitas")
    text = note.Checkpoint("bench.netralitas", size, root).text()
    samples = [timed(lambda: note.sign_note(text, signer))[0] for _ in range(1_000)]
    print(f"checkpoint signing (Ed25519 note): {percentiles(samples)}")

    total = storage_bytes()
    if total:
        print(
            f"storage: {total / 1_048_576:,.0f} MiB for entries, subtree hashes and checkpoints = {total / size:,.0f} bytes per entry"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=200)
    args = parser.parse_args()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
