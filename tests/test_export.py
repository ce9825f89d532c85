"""Attendee exports open back in a spreadsheet with every value as typed and no formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pledges.models import Pact
from pledges.spreadsheets import neutralise
from tests.factories import AttendeeFactory, BawasluStaffFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db

NIP = "198503122010012001"


@pytest.fixture
def event(client):
    client.force_login(BawasluStaffFactory())
    event = EventFactory()
    AttendeeFactory(event=event, full_name='=HYPERLINK("http://evil")', identity_number=NIP, phone="+62811")
    PactFactory(
        attendee=AttendeeFactory(event=event, full_name="Budi Santoso", position="@SUM(A1)"),
        method=Pact.Method.DRAWN,
    )
    AttendeeFactory(event=event, full_name="Citra", rank="-1+2", email="citra@example.org")
    return event


def rows_by_name(rows):
    header, *body = rows
    return header, {row[0].lstrip("'"): dict(zip(header, row, strict=True)) for row in body}


def test_the_csv_export_opens_back_with_status_and_defused_formulas(client, event):
    response = client.get(reverse("events:export", args=[event.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    header, rows = rows_by_name(list(csv.reader(io.StringIO(content))))
    assert header[0] == "Nama" and len(rows) == 3
    evil = rows['=HYPERLINK("http://evil")']
    assert evil["Nama"] == '\'=HYPERLINK("http://evil")'
    assert evil["NIP/NI PPPK/NRP"] == NIP
    assert evil["Telepon"] == "'+62811"
    assert evil["Status"] == "Belum menandatangani"
    assert rows["Budi Santoso"]["Status"] == "Sudah menandatangani"
    assert rows["Budi Santoso"]["Cara"] == "Tanda tangan di layar"
    assert rows["Budi Santoso"]["Jabatan"] == "'@SUM(A1)"
    assert rows["Citra"]["Pangkat/golongan"] == "'-1+2"


def test_the_xlsx_export_opens_back_with_text_cells_and_no_formula(client, event):
    response = client.get(reverse("events:export", args=[event.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    header, rows = rows_by_name([[cell.value or "" for cell in row] for row in sheet.iter_rows()])
    evil = rows['=HYPERLINK("http://evil")']
    assert evil["Nama"].startswith("'=")
    assert evil["NIP/NI PPPK/NRP"] == NIP  # text, all 18 digits
    assert rows["Budi Santoso"]["Status"] == "Sudah menandatangani"


def test_an_unknown_export_format_is_404(client, event):
    assert client.get(reverse("events:export", args=[event.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_every_formula_trigger_is_quoted(value):
    assert neutralise(value) == "'" + value


def test_plain_text_is_left_alone():
    assert neutralise("Dinas Pendidikan") == "Dinas Pendidikan"
    assert neutralise(None) == ""
