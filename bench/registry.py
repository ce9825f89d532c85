"""How fast the public registry answers with many pacts (prints figures and the query plans).

Fills a throw-away test database (``test_`` + the configured name; the configured database is not touched) with
N pacts and times the registry's pages through Django's test client:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netralitas SECRET_KEY=bench \\
        .venv/bin/python bench/registry.py              # 1,000,000 pacts, generate_series
    SECRET_KEY=bench .venv/bin/python bench/registry.py  # SQLite file, 20,000 pacts, bulk_create

Options: ``--pacts N``; ``--keep`` keeps the filled database for the next run (filling a million rows takes a
few minutes); ``--runs R`` requests per figure (the median is printed).
"""

import argparse
import datetime
import statistics
import sys
import time

from benchsetup import django_setup

django_setup("registry", fresh=False)

from django.conf import settings  # noqa: E402

# No collectstatic for a benchmark: plain static storage, as in the tests. The test client's host is allowed
# here rather than through setup_test_environment(), whose instrumented template rendering would skew figures.
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

FIRST_NAMES = [
    "Ahmad",
    "Siti",
    "Budi",
    "Dewi",
    "Rina",
    "Hendra",
    "Agus",
    "Sri",
    "Yusuf",
    "Lestari",
    "Joko",
    "Nur",
    "Andi",
    "Ratna",
    "Bambang",
    "Wahyu",
    "Fitri",
    "Dedi",
    "Rudi",
    "Indah",
    "Eko",
    "Yuni",
    "Hadi",
    "Rahmat",
    "Maya",
    "Taufik",
    "Ani",
    "Arif",
    "Dian",
    "Fajar",
    "Putri",
    "Irfan",
    "Wulan",
    "Rizky",
    "Sari",
    "Hasan",
    "Yanti",
    "Bayu",
    "Tuti",
    "Anton",
]
LAST_NAMES = [
    "Saputra",
    "Hidayat",
    "Santoso",
    "Wulandari",
    "Gunawan",
    "Pratama",
    "Kurniawan",
    "Lestari",
    "Nugroho",
    "Setiawan",
    "Rahmawati",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Wijaya",
    "Susanto",
    "Hartono",
    "Purnomo",
    "Syahputra",
    "Ramadhan",
    "Fauzi",
    "Hakim",
    "Utami",
    "Permata",
    "Firmansyah",
    "Maulana",
    "Suharto",
    "Yulianti",
    "Marpaung",
    "Sinaga",
    "Tanjung",
    "Lubis",
    "Damanik",
    "Putri",
    "Anggraini",
    "Safitri",
    "Handayani",
    "Kusuma",
    "Halim",
    "Sembiring",
    "Ginting",
    "Pane",
    "Batubara",
    "Aritonang",
    "Situmorang",
    "Manurung",
    "Pardede",
    "Hutagalung",
]
RARE_NAME = "Zulkarnain Wiratmaja, S.H."  # about ten signers in a million: the trigram index's case
RARE_EVERY = 100_000
REGENCIES = 20
AGENCIES_PER_REGENCY = 30
EVENTS_PER_REGENCY = 10


def base_data():
    """Elections, agencies and events in REGENCIES regencies; small, through the ORM."""
    from events.models import Agency, Event, Regency
    from pledges.demo import pilkada_2024
    from pledges.services import declaration_default

    election = pilkada_2024()
    declaration = declaration_default()
    regencies = list(Regency.objects.order_by("code")[:REGENCIES])
    agencies, events = [], []
    start = timezone.now() - datetime.timedelta(days=400)
    for regency in regencies:
        office, _ = Agency.objects.get_or_create(
            regency=regency, name=f"Bawaslu {regency.name}", defaults={"kind": Agency.Kind.BAWASLU}
        )
        kinds = [Agency.Kind.DINAS, Agency.Kind.BADAN, Agency.Kind.KECAMATAN, Agency.Kind.SEKRETARIAT]
        agencies.append(
            [
                Agency.objects.get_or_create(
                    regency=regency,
                    name=f"Instansi {n + 1} {regency.name}",
                    defaults={"kind": kinds[n % len(kinds)], "province": regency.province},
                )[0].pk
                for n in range(AGENCIES_PER_REGENCY)
            ]
        )
        regency_events = []
        for n in range(EVENTS_PER_REGENCY):
            event, _ = Event.objects.get_or_create(
                title=f"Sosialisasi Netralitas ASN {n + 1} {regency.name}",
                regency=regency,
                defaults={
                    "election": election,
                    "province": regency.province,
                    "venue": "Aula Kantor Bupati",
                    "starts_at": start + datetime.timedelta(days=40 * n),
                    "ends_at": start + datetime.timedelta(days=40 * n, hours=3),
                    "organiser": office,
                    "declaration": declaration,
                    "status": Event.Status.CLOSED,
                    "is_public": n != EVENTS_PER_REGENCY - 1,  # one event in ten kept out of the registry
                },
            )
            regency_events.append(event.pk)
        events.append(regency_events)
    return declaration, agencies, events


def _insert_select(model, expressions: dict, source_sql: str, params: dict):
    """INSERT INTO model's table every concrete column: given SQL expressions, else the field's default.

    Parameters are named (``%(name)s``), so that a column added later (with its default) needs no change here.
    """
    columns, values, params = [], [], dict(params)
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column])
        else:
            values.append(f"%(default_{field.column})s")
            params[f"default_{field.column}"] = field.get_db_prep_save(field.get_default(), connection)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fill_postgresql(count: int, declaration, agencies, events):
    """Attendees then pacts, one INSERT ... SELECT each over generate_series: no Python loop per row."""
    from events.models import Attendee
    from pledges.models import Pact

    # Row i lives in regency i mod R, with agency (i / R) mod A of that regency and event (i / (R*A)) mod E.
    region = f"mod(s.i, {REGENCIES})"
    agency = (
        f"(%(agencies)s::bigint[])[1 + {region} * {AGENCIES_PER_REGENCY} "
        f"+ mod(s.i / {REGENCIES}, {AGENCIES_PER_REGENCY})]"
    )
    event = (
        f"(%(events)s::bigint[])[1 + {region} * {EVENTS_PER_REGENCY} "
        f"+ mod(s.i / ({REGENCIES} * {AGENCIES_PER_REGENCY}), {EVENTS_PER_REGENCY})]"
    )
    name = (
        f"CASE WHEN mod(s.i, {RARE_EVERY}) = 7 THEN %(rare)s ELSE "
        f"(%(first)s::text[])[1 + mod(s.i, {len(FIRST_NAMES)})] || ' ' || "
        f"(%(last)s::text[])[1 + mod(s.i / {len(FIRST_NAMES)}, {len(LAST_NAMES)})] || ', S.Sos.' END"
    )
    now = timezone.now()
    _insert_select(
        Attendee,
        {
            "event_id": event,
            "agency_id": agency,
            "full_name": name,
            "identity_kind": "'pns'",
            "identity_number": "'19850312201' || lpad(s.i::text, 7, '0')",
            "position": "'Analis Kebijakan'",
            "rank": "'Penata (III/c)'",
            "personal_code": "'B' || lpad(s.i::text, 7, '0')",
            "created_at": "%(now)s",
        },
        "FROM generate_series(1, %(count)s) AS s(i)",
        {
            "agencies": [pk for regency in agencies for pk in regency],
            "events": [pk for regency in events for pk in regency],
            "rare": RARE_NAME,
            "first": FIRST_NAMES,
            "last": LAST_NAMES,
            "now": now,
            "count": count,
        },
    )
    withdrawn = "mod(a.id, 50) = 0"  # one pact in fifty withdrawn
    _insert_select(
        Pact,
        {
            "event_id": "a.event_id",
            "attendee_id": "a.id",
            "declaration_id": "%(declaration)s",
            "agency_id": "a.agency_id",
            "method": "CASE WHEN mod(a.id, 3) = 0 THEN 'paper' ELSE 'drawn' END",
            "signed_at": "%(now)s - a.id * interval '30 seconds'",
            "signer_name": "a.full_name",
            "signer_identity_kind": "a.identity_kind",
            "signer_identity_number": "a.identity_number",
            "signer_position": "a.position",
            "signer_rank": "a.rank",
            "signer_agency": "g.name",
            "content_hash": "md5(a.id::text) || md5(a.full_name)",
            "code": "'P' || lpad(a.id::text, 9, '0')",
            "status": f"CASE WHEN {withdrawn} THEN 'withdrawn' ELSE 'valid' END",
            "withdrawn_at": f"CASE WHEN {withdrawn} THEN %(now)s::timestamptz END",
        },
        "FROM events_attendee a JOIN events_agency g ON g.id = a.agency_id",
        {"declaration": declaration.pk, "now": now},
    )


def fill_sqlite(count: int, declaration, agencies, events):
    """The same rows through bulk_create (SQLite has no generate_series)."""
    from events.models import Agency, Attendee
    from pledges.models import Pact

    names = dict(Agency.objects.values_list("pk", "name"))
    now = timezone.now()
    batch = 5_000
    for offset in range(1, count + 1, batch):
        attendees = []
        for i in range(offset, min(offset + batch, count + 1)):
            region = i % REGENCIES
            name = (
                RARE_NAME
                if i % RARE_EVERY == 7
                else f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)]}, S.Sos."
            )
            attendees.append(
                Attendee(
                    event_id=events[region][i // (REGENCIES * AGENCIES_PER_REGENCY) % EVENTS_PER_REGENCY],
                    agency_id=agencies[region][i // REGENCIES % AGENCIES_PER_REGENCY],
                    full_name=name,
                    identity_number=f"19850312201{i:07d}",
                    position="Analis Kebijakan",
                    rank="Penata (III/c)",
                    personal_code=f"B{i:07d}",
                )
            )
        Attendee.objects.bulk_create(attendees)
        Pact.objects.bulk_create(
            Pact(
                event_id=a.event_id,
                attendee=a,
                declaration=declaration,
                agency_id=a.agency_id,
                method="paper" if a.pk % 3 == 0 else "drawn",
                signed_at=now - datetime.timedelta(seconds=30 * a.pk),
                signer_name=a.full_name,
                signer_identity_kind=a.identity_kind,
                signer_identity_number=a.identity_number,
                signer_position=a.position,
                signer_rank=a.rank,
                signer_agency=names[a.agency_id],
                content_hash="0" * 64,
                status="withdrawn" if a.pk % 50 == 0 else "valid",
                withdrawn_at=now if a.pk % 50 == 0 else None,
            )
            for a in attendees
        )


def timed(client: Client, url: str, runs: int, *, cold: bool = False) -> tuple[float, int]:
    """Median milliseconds of ``runs`` GETs (after one warm-up) and the response size; cold: cache emptied."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    durations = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), len(response.content) if not response.streaming else 0


def explain(queryset) -> str:
    if connection.vendor == "postgresql":
        return queryset.explain(analyze=True, buffers=True)
    return queryset.explain()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    postgres = connection.vendor == "postgresql"
    parser.add_argument("--pacts", type=int, default=1_000_000 if postgres else 20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the filled test database")
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep)
    try:
        run(args, postgres)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        else:
            print(f"kept database {test_name}")


def run(args, postgres: bool):
    from pledges.filters import RegistryFilter
    from pledges.keyset import encode_cursor, older_than
    from pledges.models import Pact

    present = Pact.objects.count()
    if present < args.pacts:
        if present:
            sys.exit(f"The kept database holds {present} pacts; run once without --keep to start again.")
        started = time.perf_counter()
        with transaction.atomic():
            declaration, agencies, events = base_data()
            (fill_postgresql if postgres else fill_sqlite)(args.pacts, declaration, agencies, events)
        print(f"filled {args.pacts:,} pacts in {time.perf_counter() - started:.1f} s")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    total = Pact.objects.count()
    listed = Pact.objects.in_registry().count()
    print(f"database: {connection.vendor}, {total:,} pacts, {listed:,} in the registry")

    client = Client()
    registry = reverse("pledges:registry")
    ordered = Pact.objects.in_registry().order_by("-signed_at", "-pk")
    second = ordered[49]
    middle = ordered[listed // 2]  # a cursor half-way down: what page 10,000 would be with OFFSET
    deep_cursor = encode_cursor(middle.signed_at, middle.pk)
    regency_code = Pact.objects.values_list("agency__regency_id", flat=True).first()
    agency_id = Pact.objects.values_list("agency_id", flat=True).first()
    figures = [
        ("registry, first page", registry),
        ("registry, next page", f"{registry}?after={encode_cursor(second.signed_at, second.pk)}"),
        ("registry, half-way down", f"{registry}?after={deep_cursor}"),
        ("registry, one regency", f"{registry}?regency={regency_code}"),
        ("registry, one agency", f"{registry}?regency={regency_code}&agency={agency_id}"),
        ("name search, common (siti)", f"{registry}?q=siti"),
        ("name search, rare (wiratmaja)", f"{registry}?q=wiratmaja"),
        ("name search, absent (xyzzyq)", f"{registry}?q=xyzzyq"),
        ("JSON API, first page", reverse("pledges:api_pacts")),
        ("JSON API, rare name", f"{reverse('pledges:api_pacts')}?q=wiratmaja"),
        ("coverage, all, cached", reverse("pledges:coverage")),
    ]
    cold = [
        ("coverage, all, computed", reverse("pledges:coverage")),
        ("coverage, one regency, computed", f"{reverse('pledges:coverage')}?regency={regency_code}"),
    ]
    print(f"\n{'page':34} {'median ms':>10}  (of {args.runs} requests, after a warm-up)")
    for label, url in figures:
        milliseconds, _size = timed(client, url, args.runs)
        print(f"{label:34} {milliseconds:10.1f}")
    for label, url in cold:
        milliseconds, _size = timed(client, url, args.runs, cold=True)
        print(f"{label:34} {milliseconds:10.1f}")

    searches = RegistryFilter({"q": "wiratmaja"}, queryset=Pact.objects.in_registry()).qs
    print("\nEXPLAIN of the rare-name search (first page):")
    print(explain(searches.order_by("-signed_at", "-pk")[:51]))
    common = RegistryFilter({"q": "siti"}, queryset=Pact.objects.in_registry()).qs
    print("\nEXPLAIN of the common-name search (first page):")
    print(explain(common.order_by("-signed_at", "-pk")[:51]))
    print("\nEXPLAIN of the half-way-down page:")
    print(explain(older_than(Pact.objects.in_registry(), deep_cursor)[:51]))


if __name__ == "__main__":
    main()
