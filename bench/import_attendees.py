"""How long checking and importing an attendee list of 2,000 rows takes (prints figures).

Runs against a throw-away SQLite database unless DATABASE_URL is set:
`SECRET_KEY=bench .venv/bin/python bench/import_attendees.py`.
"""

import io
import time

from benchsetup import django_setup

django_setup("import")

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = 2000


def main():
    call_command("migrate", verbosity=0)
    from events import imports
    from tests.factories import AgencyFactory, BawasluStaffFactory, EventFactory, nip

    staff = BawasluStaffFactory()
    event = EventFactory()
    AgencyFactory(name="Dinas Pendidikan", regency=event.regency)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nama", "NIP", "Jabatan", "Pangkat/Golongan", "Instansi/OPD", "Telepon", "Email"])
    for n in range(ROWS):
        sheet.append([f"Pegawai {n}", nip(n), "Pelaksana", "Pengatur (II/c)", "Dinas Pendidikan", "0811", ""])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)

    started = time.perf_counter()
    records = imports.parse_upload(upload)
    parsed = time.perf_counter()
    checks = imports.check_rows(event, records)
    checked = time.perf_counter()
    count = imports.import_commit(
        event=event, records=records, lines={c.line for c in checks}, create_agencies=set(), user=staff
    )
    done = time.perf_counter()
    print(f"rows imported         {count}")
    print(f"read XLSX             {parsed - started:.2f} s")
    print(f"check (preview)       {checked - parsed:.2f} s")
    print(f"commit (check+insert) {done - checked:.2f} s")
    print(f"total                 {done - started:.2f} s")


if __name__ == "__main__":
    main()
