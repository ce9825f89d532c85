"""Importing attendee lists from CSV and XLSX: preview verdicts, commit of confirmed rows, broken files."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from events import imports
from events.models import Agency, Attendee, Event
from events.pending import PendingImport
from tests.factories import AgencyFactory, AttendeeFactory, EventFactory, nip

pytestmark = pytest.mark.django_db

PNS = "198503122010012001"
PPPK = "199002252024211013"


@pytest.fixture
def event():
    event = EventFactory(status=Event.Status.DRAFT)
    AgencyFactory(name="Dinas Pendidikan", regency=event.regency)
    AgencyFactory(name="Dinas Kesehatan", regency=event.regency)
    return event


def csv_file(text: str, *, encoding: str = "utf-8", name: str = "peserta.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode(encoding))
    upload.name = name
    return upload


def xlsx_file(rows: list[list], name: str = "peserta.xlsx") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


def upload(client, event, file):
    return client.post(reverse("events:import", args=[event.pk]), {"file": file})


def preview(client, event):
    return client.get(reverse("events:import_preview", args=[event.pk]))


def commit(client, event, rows, create_agency=()):
    return client.post(
        reverse("events:import_preview", args=[event.pk]),
        {"rows": [str(line) for line in rows], "create_agency": list(create_agency)},
    )


def verdicts(response):
    return {
        check.line: (check.is_valid, check.errors, check.unknown_agency)
        for check in response.context["checks"]
    }


def test_a_valid_csv_is_previewed_then_imported(client, staff, event):
    text = (
        "nama,NIP,jabatan,pangkat/golongan,instansi/OPD,telepon,email\n"
        f"Rina Marlina,{PNS},Kepala Bidang,Penata (III/c),Dinas Pendidikan,0811,rina@example.org\n"
        f"Yusuf Hidayat,{PPPK},Pranata Komputer,PPPK IX,dinas  kesehatan,,\n"
    )
    response = upload(client, event, csv_file(text))
    assert response.status_code == 302
    assert response.url == reverse("events:import_preview", args=[event.pk])
    assert not event.attendees.exists()
    response = preview(client, event)
    assert response.context["valid_count"] == 2
    response = commit(client, event, [2, 3])
    assert response.status_code == 302
    rina, yusuf = event.attendees.order_by("full_name")
    assert (rina.identity_kind, rina.identity_number, rina.agency.name) == ("pns", PNS, "Dinas Pendidikan")
    assert (yusuf.identity_kind, yusuf.agency.name) == ("pppk", "Dinas Kesehatan")
    assert len({rina.personal_code, yusuf.personal_code}) == 2
    assert set(event.invited_agencies.values_list("name", flat=True)) == {
        "Dinas Pendidikan",
        "Dinas Kesehatan",
    }
    assert rina.history.get().history_user == staff


def test_english_headers_in_another_order_after_title_rows_with_semicolons_in_a_windows_code_page(
    client, staff, event
):
    text = (
        "DAFTAR HADIR SOSIALISASI NETRALITAS ASN;;;\n"
        "Kabupaten Ogan Komering Ulu;;;\n"
        ";;;\n"
        "Agency;Position;Full name;Identity number;Rank\n"
        f"Dinas Pendidikan;Kepala Seksi;Sri Wahyuni Pöhl;{PNS};Penata\n"
    )
    upload(client, event, csv_file(text, encoding="cp1252"))
    response = preview(client, event)
    assert verdicts(response) == {5: (True, [], "")}
    commit(client, event, [5])
    attendee = event.attendees.get()
    assert attendee.full_name == "Sri Wahyuni Pöhl"
    assert attendee.position == "Kepala Seksi"


def test_a_mixed_file_gets_a_verdict_per_row_and_only_confirmed_valid_rows_are_imported(client, staff, event):
    AttendeeFactory(event=event, identity_number=nip(500), agency=AgencyFactory(regency=event.regency))
    text = (
        "nama,nip,jabatan,instansi\n"
        f"Baris Sah,{PNS},Staf,Dinas Pendidikan\n"  # 2 valid
        "NIP Salah,198513122010012001,Staf,Dinas Pendidikan\n"  # 3 month 13 is no date
        f"Duplikat,{PNS},Staf,Dinas Pendidikan\n"  # 4 same as line 2
        f"Sudah Ada,{nip(500)},Staf,Dinas Pendidikan\n"  # 5 already registered
        f"Instansi Baru,{PPPK},Staf,Badan Pendapatan Daerah\n"  # 6 unknown agency
        f"Tidak Dicentang,{nip(7)},Staf,Dinas Kesehatan\n"  # 7 valid but not confirmed
        ",,,\n"  # blank lines are skipped
    )
    upload(client, event, csv_file(text))
    found = verdicts(preview(client, event))
    assert found[2] == (True, [], "")
    assert found[3][0] is False
    assert "NIP: delapan digit pertama bukan tanggal lahir yang sah." in found[3][1]
    assert found[4][1] == [str(imports.ROW_DUPLICATE_IN_FILE % {"line": 2})]
    assert found[5][1] == [str(imports.ROW_ALREADY_REGISTERED)]
    assert found[6] == (False, [], "Badan Pendapatan Daerah")
    assert 8 not in found
    response = commit(client, event, [2, 3, 4, 5, 6])
    assert response.status_code == 302
    assert set(event.attendees.values_list("identity_number", flat=True)) == {PNS, nip(500)}
    assert not Agency.objects.filter(name="Badan Pendapatan Daerah").exists()


def test_an_unknown_agency_is_created_when_the_user_agrees(client, staff, event):
    text = f"nama,nip,instansi\nAndi,{PNS},Badan Pendapatan Daerah\n"
    upload(client, event, csv_file(text))
    response = preview(client, event)
    assert response.context["unknown_agencies"] == ["Badan Pendapatan Daerah"]
    assert "Buat instansi" in response.text
    commit(client, event, [2], create_agency=["Badan Pendapatan Daerah"])
    agency = Agency.objects.get(name="Badan Pendapatan Daerah")
    assert agency.regency_id == event.regency_id
    assert event.attendees.get().agency == agency


def test_a_nip_damaged_by_excel_is_refused_and_never_stored_rounded(client, staff, event):
    workbook_rows = [
        ["Nama", "NIP", "Instansi"],
        ["Angka Excel", 1.98503122010011e17, "Dinas Pendidikan"],
        ["Teks Benar", PNS, "Dinas Pendidikan"],
        ["NRP Angka", 85061234, "Dinas Pendidikan"],
    ]
    workbook_rows[3].append("Polri")
    workbook_rows[0].append("Jenis")
    upload(client, event, xlsx_file(workbook_rows))
    found = verdicts(preview(client, event))
    assert found[2][1] == [str(imports.ROW_NUMBER_DAMAGED % {"value": "1.98503122010011E+17"})]
    assert found[3][0] and found[4][0]
    commit(client, event, [2, 3, 4])
    assert set(event.attendees.values_list("identity_number", flat=True)) == {"85061234", PNS}


def test_a_damaged_nip_in_a_csv_is_refused(client, staff, event):
    upload(client, event, csv_file("nama;nip;instansi\nBudi;1,98503122010011E+17;Dinas Pendidikan\n"))
    found = verdicts(preview(client, event))
    assert found[2][1] == [str(imports.ROW_NUMBER_DAMAGED % {"value": "1,98503122010011E+17"})]


def test_the_jenis_column_marks_people_without_a_nip(client, staff, event):
    text = "nama,nip,jenis,instansi\nSutrisno,,lainnya,Dinas Pendidikan\nTanpa Nomor,,,Dinas Pendidikan\nX,123,alien,Dinas Pendidikan\n"
    upload(client, event, csv_file(text))
    found = verdicts(preview(client, event))
    assert found[2] == (True, [], "")
    assert found[3][1] == [str(imports.ROW_NUMBER_MISSING)]
    assert found[4][1] == [str(imports.ROW_KIND_UNKNOWN % {"value": "alien"})]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.csv", imports.IMPORT_NOT_SPREADSHEET),
        (b"PK\x03\x04 this is not a workbook", "rusak.xlsx", imports.IMPORT_NOT_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "lama.xls", imports.IMPORT_OLD_XLS),
        (b"nama,nip\n\x81\x8d\x8f,1\n", "kodepage.csv", imports.IMPORT_ENCODING),
        (b"judul,lain\n1,2\n", "tanpa-header.csv", imports.IMPORT_NO_HEADER),
        (b"nama,nip\n", "kosong.csv", imports.IMPORT_NO_ROWS),
    ],
)
def test_a_broken_file_gets_a_clear_message_and_changes_nothing(client, staff, event, content, name, message):
    file = io.BytesIO(content)
    file.name = name
    response = upload(client, event, file)
    assert response.status_code == 400
    assert str(message) in response.context["form"].errors["file"]
    assert not event.attendees.exists()
    assert PendingImport.SESSION_KEY not in client.session


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, staff, event, settings, tmp_path):
    """A sparse 50 MB file costs no disk; the limit is lowered so that the test posts little."""
    big = tmp_path / "besar.csv"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1_048_576)
    settings.ATTENDEE_IMPORT_MAX_BYTES = 1_048_576
    with open(big, "rb") as handle:
        head = io.BytesIO(handle.read(2 * 1_048_576))
    head.name = "besar.csv"
    response = upload(client, event, head)
    assert "Berkas terlalu besar (2.0 MB); batasnya 1.0 MB." in response.context["form"].errors["file"]
    assert not event.attendees.exists()


def test_the_preview_expires_with_a_clear_message(client, staff, event):
    response = client.get(reverse("events:import_preview", args=[event.pk]), follow=True)
    assert str(imports.IMPORT_EXPIRED) in response.text


def test_the_pending_upload_belongs_to_its_event(client, staff, event):
    upload(client, event, csv_file(f"nama,nip,instansi\nAndi,{PNS},Dinas Pendidikan\n"))
    other = EventFactory(status=Event.Status.DRAFT)
    response = commit(client, other, [2])
    assert not Attendee.objects.exists()
    assert response.status_code == 302


def test_a_closed_event_refuses_imports(client, staff, event):
    event.status = Event.Status.CLOSED
    event.save()
    response = upload(client, event, csv_file(f"nama,nip,instansi\nAndi,{PNS},Dinas Pendidikan\n"))
    assert response.status_code == 403


def test_rows_registered_meanwhile_are_not_imported_twice(client, staff, event):
    upload(client, event, csv_file(f"nama,nip,instansi\nAndi,{PNS},Dinas Pendidikan\n"))
    AttendeeFactory(event=event, identity_number=PNS)
    response = commit(client, event, [2])
    assert response.status_code == 200
    assert str(imports.IMPORT_NOTHING_CONFIRMED) in response.text
    assert event.attendees.count() == 1


def test_two_thousand_rows_import_in_bulk_without_a_query_per_row(
    client, staff, event, django_assert_max_num_queries
):
    header = ["NAMA", "NIP", "JABATAN", "PANGKAT/GOL", "UNIT KERJA", "NO HP", "E-MAIL"]
    rows = [header] + [
        [f"Pegawai {n}", nip(n), "Pelaksana", "Pengatur (II/c)", "Dinas Pendidikan", "", ""]
        for n in range(2000)
    ]
    upload(client, event, xlsx_file(rows))
    # A query per row would be 4,000 and more; SQLite splits a bulk insert into batches of about 90 rows.
    with django_assert_max_num_queries(100):
        response = commit(client, event, range(2, 2002))
    assert response.status_code == 302
    assert event.attendees.count() == 2000
    assert Attendee.history.filter(event_id=event.pk).count() == 2000


def test_abandoned_uploads_are_removed_after_a_day(client, staff, event, settings, tmp_path):
    import os

    settings.ATTENDEE_IMPORT_DIR = tmp_path
    stale = tmp_path / ("0" * 32 + ".json")
    stale.write_text("[]")
    os.utime(stale, (0, 0))
    upload(client, event, csv_file(f"nama,nip,instansi\nAndi,{PNS},Dinas Pendidikan\n"))
    assert not stale.exists()
    assert len(list(tmp_path.glob("*.json"))) == 1
    commit(client, event, [2])
    assert not list(tmp_path.glob("*.json"))
