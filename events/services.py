"""Writes to regions, agencies and events that more than one caller needs."""

import csv
from pathlib import Path

from django.db import transaction

from events.models import Province, Regency

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


@transaction.atomic
def regions_load(
    path: Path = REGIONS_CSV, *, province_model=Province, regency_model=Regency
) -> tuple[int, int]:
    """Create or update every province and regency from the Kemendagri list; safe to run again.

    The data migration passes its historical models, so the same code serves both.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["level"] == "province":
            province_model.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows:
        if row["level"] != "province":
            regency_model.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "kind": row["level"], "province_id": row["code"][:2]},
            )
    return province_model.objects.count(), regency_model.objects.count()
