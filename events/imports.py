"""Attendee lists from CSV or XLSX: read, check every row, show a preview, then import the confirmed rows.

Reading and checking happen in memory without a query per row; the parsed rows wait between preview and
commit in a private file (events.pending) named by a random token kept in the user's session, and the commit
checks them again against the database inside one transaction (the list may have changed in between).
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from events import access
from events.import_columns import FIELDS, HEADER_LOOKUP, HEADER_SEARCH_ROWS, KIND_VALUES
from events.models import Agency, Attendee, Event, Invitation, fresh_personal_codes
from events.services import EVENT_CLOSED, EventError, agency_create
from events.validators import PPPK_MONTH_CODE, normalize_number


class AttendeeImportError(Exception):
    """The file cannot be imported at all; the message is for the user."""


IMPORT_NOT_SPREADSHEET = _("Berkas ini bukan spreadsheet CSV atau XLSX yang dapat dibaca.")
IMPORT_OLD_XLS = _("Format .xls lama tidak didukung. Simpan ulang di Excel sebagai .xlsx atau CSV.")
IMPORT_ENCODING = _(
    "Huruf dalam berkas CSV ini tidak dapat dibaca (pengodean tidak dikenal). Simpan ulang sebagai "
    "“CSV UTF-8” atau unggah berkas XLSX."
)
IMPORT_CONTROL_CHARACTERS = _(
    "Berkas ini berisi karakter kendali (misalnya byte NUL) di dalam teksnya, jadi bukan daftar yang dapat "
    "dibaca. Simpan ulang dari Excel sebagai “CSV UTF-8” atau XLSX."
)
IMPORT_XLSX_TOO_BIG = _(
    "Isi berkas XLSX ini terlalu besar setelah dibuka (lebih dari %(limit)s) untuk sebuah daftar peserta. "
    "Bagi menjadi beberapa berkas."
)
IMPORT_NO_HEADER = _(
    "Baris judul kolom tidak ditemukan. Berkas harus memiliki kolom “nama” dan sedikitnya satu kolom lain "
    "seperti NIP, jabatan, pangkat/golongan atau instansi/OPD."
)
IMPORT_NO_ROWS = _("Berkas ini tidak berisi satu pun baris peserta di bawah judul kolom.")
IMPORT_TOO_MANY_ROWS = _("Berkas ini berisi lebih dari %(limit)d baris; bagi menjadi beberapa berkas.")
IMPORT_EXPIRED = _("Pratinjau impor sudah tidak tersedia. Unggah berkasnya sekali lagi.")
IMPORT_NOTHING_CONFIRMED = _("Tidak ada baris sah yang dipilih untuk diimpor.")
IMPORT_CONFLICT = _("Daftar peserta berubah selama impor. Tidak ada yang disimpan; periksa pratinjau lagi.")

ROW_NAME_MISSING = _("Nama kosong.")
ROW_NUMBER_MISSING = _("NIP/NRP kosong. Untuk peserta tanpa nomor, isi kolom jenis dengan “lainnya”.")
ROW_NUMBER_DAMAGED = _(
    "NIP rusak oleh Excel: tersimpan sebagai angka (%(value)s) sehingga digit terakhirnya hilang. Format "
    "kolom NIP sebagai Teks lalu ketik ulang."
)
ROW_KIND_UNKNOWN = _("Jenis “%(value)s” tidak dikenal (gunakan PNS, PPPK, TNI, Polri atau lainnya).")
ROW_AGENCY_MISSING = _("Instansi/OPD kosong.")
ROW_AGENCY_UNKNOWN = _("Instansi “%(name)s” belum terdaftar.")
ROW_DUPLICATE_IN_FILE = _("Nomor ini sudah muncul di baris %(line)d berkas ini.")
ROW_ALREADY_REGISTERED = _("Sudah terdaftar sebagai peserta kegiatan ini.")

# "1.98503122010011E+17" or "1,98503122E+17": an 18-digit number Excel kept in a numeric cell.
SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
EXCEL_DIGITS = 15
CSV_DELIMITERS = (";", ",", "\t", "|")
# An XLSX is a zip archive: its declared uncompressed sizes are checked before openpyxl inflates anything
# (zipfile never inflates an entry past its declared size). 10,000 rows of a dozen columns take about 10 MB of
# XML; a zip bomb declares gigabytes, or compresses a thousandfold.
XLSX_MAX_UNCOMPRESSED = 50 * 1_048_576
XLSX_MAX_RATIO = 200
XLSX_MAX_ENTRIES = 500
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _header_key(value) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(value or "").lower()).strip()


def agency_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _text(value) -> str:
    """A cell as text; whole numbers lose the ".0" a spreadsheet gives them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _number(value) -> tuple[str, str]:
    """(number, damaged original): a number that went through a numeric cell is refused, never rounded."""
    if isinstance(value, bool):
        return str(value), ""
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return "", str(value)
        digits = str(int(value))
        if len(digits) > EXCEL_DIGITS:
            return "", f"{value:.15G}" if isinstance(value, float) else digits
        return digits, ""
    text = _text(value).lstrip("'")
    if SCIENTIFIC.match(text):
        return "", text
    return text, ""


def _find_header(rows: list[list]) -> tuple[int, dict[int, str]] | None:
    """The first row among the top ones that names the column "nama" and at least one other known column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, cell in enumerate(row):
            name = HEADER_LOOKUP.get(_header_key(cell))
            if name and name not in columns.values():
                columns[position] = name
        if "full_name" in columns.values() and len(columns) >= 2:
            return index, columns
    return None


def _check_xlsx_size(data: bytes) -> None:
    """Refuse a workbook whose parts would inflate beyond what a list of attendees needs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise AttendeeImportError(IMPORT_NOT_SPREADSHEET) from error
    total = sum(entry.file_size for entry in entries)
    too_dense = any(entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1024) for entry in entries)
    if len(entries) > XLSX_MAX_ENTRIES or total > XLSX_MAX_UNCOMPRESSED or too_dense:
        raise AttendeeImportError(IMPORT_XLSX_TOO_BIG % {"limit": filesizeformat(XLSX_MAX_UNCOMPRESSED)})


def _read_xlsx(data: bytes) -> list[list]:
    _check_xlsx_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise AttendeeImportError(IMPORT_NOT_SPREADSHEET) from error
    try:
        limit = settings.ATTENDEE_IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS + 1
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > limit:
                    break
            if _find_header(rows):
                return rows
        return []
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise AttendeeImportError(IMPORT_NOT_SPREADSHEET) from error
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), UTF-16 with one, else the Windows code page Excel uses."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise AttendeeImportError(IMPORT_ENCODING) from error
    elif b"\x00" in data:
        raise AttendeeImportError(IMPORT_NOT_SPREADSHEET)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_code_page(data)
    # Whatever the encoding, a list of names holds no control characters (a NUL made the CSV reader raise).
    if CONTROL_CHARACTERS.search(text):
        raise AttendeeImportError(IMPORT_CONTROL_CHARACTERS)
    return text


def _decode_code_page(data: bytes) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise AttendeeImportError(IMPORT_ENCODING) from error
    if "\x7f" in text or CONTROL_CHARACTERS.search(text):
        raise AttendeeImportError(IMPORT_ENCODING)
    return text


def _read_csv(data: bytes) -> list[list]:
    """Pick the separator under which a header row is found (Excel in an Indonesian locale writes ";")."""
    text = _decode(data)
    limit = settings.ATTENDEE_IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS + 1
    sample = text.splitlines()[:HEADER_SEARCH_ROWS]
    best, best_score = None, 0
    for delimiter in CSV_DELIMITERS:
        found = _find_header(list(csv.reader(sample, delimiter=delimiter)))
        if found and len(found[1]) > best_score:
            best, best_score = delimiter, len(found[1])
    if best is None:
        raise AttendeeImportError(IMPORT_NO_HEADER)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=best):
            rows.append(row)
            if len(rows) > limit:
                break
    except csv.Error as error:
        raise AttendeeImportError(IMPORT_NOT_SPREADSHEET) from error
    return rows


def parse_upload(upload) -> list[dict]:
    """The rows of an uploaded CSV or XLSX as plain dicts (line number, the known columns as text)."""
    data = upload.read(settings.ATTENDEE_IMPORT_MAX_BYTES + 1)
    if not data.strip():
        raise AttendeeImportError(IMPORT_NO_ROWS)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise AttendeeImportError(IMPORT_OLD_XLS)
    rows = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    found = _find_header(rows)
    if found is None:
        raise AttendeeImportError(IMPORT_NO_HEADER)
    header_index, columns = found
    parsed = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        values = {name: row[position] if position < len(row) else None for position, name in columns.items()}
        if not any(_text(value) for value in values.values()):
            continue
        number, damaged = _number(values.get("identity_number"))
        record = {name: _text(values.get(name)) for name in FIELDS}
        if any(CONTROL_CHARACTERS.search(value) for value in (*record.values(), number)):
            raise AttendeeImportError(IMPORT_CONTROL_CHARACTERS)
        record.update(line=offset, identity_number=number, damaged_number=damaged)
        parsed.append(record)
    if not parsed:
        raise AttendeeImportError(IMPORT_NO_ROWS)
    limit = settings.ATTENDEE_IMPORT_MAX_ROWS
    if len(parsed) > limit:
        raise AttendeeImportError(IMPORT_TOO_MANY_ROWS % {"limit": limit})
    return parsed


@dataclass
class RowCheck:
    """One row's verdict: valid, or the reasons it is not."""

    record: dict
    attendee: Attendee | None = None
    errors: list[str] = field(default_factory=list)
    unknown_agency: str = ""

    @property
    def line(self) -> int:
        return self.record["line"]

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.unknown_agency


def _kind(record: dict) -> str:
    raw = _header_key(record.get("identity_kind"))
    kind = KIND_VALUES.get(raw) if raw else Attendee.IdentityKind.PNS
    if kind in (Attendee.IdentityKind.PNS, Attendee.IdentityKind.PPPK):
        number = normalize_number(record["identity_number"])
        is_pppk = len(number) == 18 and number[12:14] == PPPK_MONTH_CODE
        kind = Attendee.IdentityKind.PPPK if is_pppk else Attendee.IdentityKind.PNS
    return kind


def check_rows(
    event: Event, records: list[dict], *, new_agencies: dict[str, Agency] | None = None
) -> list[RowCheck]:
    """Every row's verdict against the event's agencies and attendees (two queries, whatever the length)."""
    agencies = {agency_key(agency.name): agency for agency in access.agencies_for_event(event)}
    agencies.update(new_agencies or {})
    registered = set(event.attendees.exclude(identity_number="").values_list("identity_number", flat=True))
    seen: dict[str, int] = {}
    checks = []
    for record in records:
        check = RowCheck(record)
        checks.append(check)
        if not record["full_name"]:
            check.errors.append(str(ROW_NAME_MISSING))
        if record["damaged_number"]:
            check.errors.append(str(ROW_NUMBER_DAMAGED % {"value": record["damaged_number"]}))
            continue
        raw_kind = _header_key(record.get("identity_kind"))
        if raw_kind and raw_kind not in KIND_VALUES:
            check.errors.append(str(ROW_KIND_UNKNOWN % {"value": record["identity_kind"]}))
            continue
        kind = _kind(record)
        if not record["identity_number"] and kind != Attendee.IdentityKind.OTHER:
            check.errors.append(str(ROW_NUMBER_MISSING))
            continue
        attendee = Attendee(
            event=event,
            full_name=record["full_name"],
            identity_kind=kind,
            identity_number=record["identity_number"],
            position=record["position"],
            rank=record["rank"],
            phone=record["phone"],
            email=record["email"],
        )
        try:
            attendee.clean_fields(exclude=["event", "agency", "personal_code"])
            attendee.clean()
        except ValidationError as error:
            check.errors.extend(message for messages in error.message_dict.values() for message in messages)
            continue
        number = attendee.identity_number
        if number and number in seen:
            check.errors.append(str(ROW_DUPLICATE_IN_FILE % {"line": seen[number]}))
        elif number:
            seen[number] = check.line
            if number in registered:
                check.errors.append(str(ROW_ALREADY_REGISTERED))
        agency_name = record["agency"]
        if not agency_name:
            check.errors.append(str(ROW_AGENCY_MISSING))
        elif agency_key(agency_name) in agencies:
            attendee.agency = agencies[agency_key(agency_name)]
        else:
            check.unknown_agency = " ".join(agency_name.split())
        check.attendee = attendee
    return checks


def unknown_agencies(checks: list[RowCheck]) -> list[str]:
    """Agency names that only need creating to make their rows valid, each once, in file order."""
    names = {}
    for check in checks:
        if check.unknown_agency and not check.errors:
            names.setdefault(agency_key(check.unknown_agency), check.unknown_agency)
    return list(names.values())


def import_commit(
    *, event: Event, records: list[dict], lines: set[int], create_agencies: set[str], user
) -> int:
    """Import the confirmed rows that are (still) valid, creating the agencies the user agreed to create."""
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            if event.is_closed:
                raise EventError(EVENT_CLOSED)
            checks = check_rows(event, records)
            created = {}
            for name in unknown_agencies(checks):
                if agency_key(name) in create_agencies:
                    agency = agency_create(
                        name=name, kind=Agency.Kind.OTHER, province=event.province, regency=event.regency
                    )
                    created[agency_key(name)] = agency
            if created:
                checks = check_rows(event, records, new_agencies=created)
            attendees = [check.attendee for check in checks if check.is_valid and check.line in lines]
            if not attendees:
                raise AttendeeImportError(IMPORT_NOTHING_CONFIRMED)
            for attendee, code in zip(attendees, fresh_personal_codes(len(attendees)), strict=True):
                attendee.personal_code = code
            bulk_create_with_history(attendees, Attendee, batch_size=500, default_user=user)
            invited = set(event.invitations.values_list("agency_id", flat=True))
            missing = {attendee.agency_id for attendee in attendees} - invited
            Invitation.objects.bulk_create([Invitation(event=event, agency_id=pk) for pk in missing])
    except IntegrityError as error:
        raise AttendeeImportError(IMPORT_CONFLICT) from error
    return len(attendees)
