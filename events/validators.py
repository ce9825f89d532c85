"""Identity numbers of Indonesian civil servants and security personnel.

A NIP (PNS) is 18 digits: birth date (YYYYMMDD), appointment year and month (YYYYMM), gender (1 or 2) and a
3-digit sequence. An NI PPPK has the same shape, with the code ``21`` where the appointment month stands.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PPPK_MONTH_CODE = "21"
MIN_APPOINTMENT_AGE = 18


def normalize_number(value: str | None) -> str:
    """Drop the spaces, dots and dashes people type inside long numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def _digits(value: str, length: int, label) -> str:
    number = normalize_number(value)
    if not number.isdigit():
        raise ValidationError(_("%(label)s hanya boleh berisi angka.") % {"label": label}, code="digits")
    if len(number) != length:
        raise ValidationError(
            _("%(label)s harus %(length)d digit (tertulis %(count)d).")
            % {"label": label, "length": length, "count": len(number)},
            code="length",
        )
    return number


def _birth_date(number: str, label) -> datetime.date:
    try:
        born = datetime.date(int(number[0:4]), int(number[4:6]), int(number[6:8]))
    except ValueError:
        raise ValidationError(
            _("%(label)s: delapan digit pertama bukan tanggal lahir yang sah.") % {"label": label},
            code="birth_date",
        ) from None
    if born > timezone.localdate():
        raise ValidationError(
            _("%(label)s: tanggal lahir berada di masa depan.") % {"label": label}, code="birth_date"
        )
    return born


def _appointment_year(number: str, born: datetime.date, label) -> int:
    year = int(number[8:12])
    if year < born.year + MIN_APPOINTMENT_AGE:
        raise ValidationError(
            _("%(label)s: tahun pengangkatan %(year)d kurang dari 18 tahun setelah tahun lahir.")
            % {"label": label, "year": year},
            code="appointment",
        )
    if year > timezone.localdate().year:
        raise ValidationError(
            _("%(label)s: tahun pengangkatan %(year)d berada di masa depan.")
            % {"label": label, "year": year},
            code="appointment",
        )
    return year


def _gender_and_sequence(number: str, label) -> None:
    if number[14] not in "12":
        raise ValidationError(
            _("%(label)s: digit ke-15 (jenis kelamin) harus 1 atau 2.") % {"label": label}, code="gender"
        )
    if number[15:18] == "000":
        raise ValidationError(_("%(label)s: nomor urut tidak boleh 000.") % {"label": label}, code="sequence")


def validate_nip(value: str) -> str:
    """Check a PNS NIP and return it without separators."""
    label = _("NIP")
    number = _digits(value, 18, label)
    born = _birth_date(number, label)
    year = _appointment_year(number, born, label)
    month = int(number[12:14])
    if number[12:14] == PPPK_MONTH_CODE:
        raise ValidationError(
            _("NIP: kode 21 pada digit ke-13 dan ke-14 menandai NI PPPK, bukan NIP PNS."), code="pppk_code"
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("NIP: bulan pengangkatan %(month)02d tidak ada.") % {"month": month}, code="month"
        )
    appointed = datetime.date(year, month, 1)
    adult = datetime.date(born.year + MIN_APPOINTMENT_AGE, born.month, 1)
    if appointed < adult:
        raise ValidationError(_("NIP: pengangkatan terjadi sebelum usia 18 tahun."), code="appointment")
    today = timezone.localdate()
    if appointed > today.replace(day=1):
        raise ValidationError(_("NIP: bulan pengangkatan berada di masa depan."), code="appointment")
    _gender_and_sequence(number, label)
    return number


def validate_ni_pppk(value: str) -> str:
    """Check an NI PPPK (digits 13-14 are the PPPK code 21) and return it without separators."""
    label = _("NI PPPK")
    number = _digits(value, 18, label)
    born = _birth_date(number, label)
    _appointment_year(number, born, label)
    if number[12:14] != PPPK_MONTH_CODE:
        raise ValidationError(
            _("NI PPPK: digit ke-13 dan ke-14 harus kode PPPK 21 (tertulis %(code)s).")
            % {"code": number[12:14]},
            code="pppk_code",
        )
    _gender_and_sequence(number, label)
    return number


def validate_nrp(value: str) -> str:
    """TNI and Polri numbers differ in shape; only digits and a plausible length are checked."""
    number = normalize_number(value)
    if not number.isdigit():
        raise ValidationError(_("NRP hanya boleh berisi angka."), code="digits")
    if not 5 <= len(number) <= 18:
        raise ValidationError(_("NRP harus 5 sampai 18 digit."), code="length")
    return number


def validate_nik(value: str) -> str:
    """A NIK (population number) is 16 digits, the first two a province code."""
    number = _digits(value, 16, _("NIK"))
    if number[:2] < "11":
        raise ValidationError(_("NIK: dua digit pertama bukan kode provinsi."), code="province")
    return number
