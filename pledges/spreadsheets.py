"""The one way the project writes CSV and XLSX files: every cell made safe to open in a spreadsheet program.

A cell that starts with `=`, `+`, `-` or `@` runs as a formula in Excel or LibreOffice (OWASP "CSV injection":
`=HYPERLINK("http://…")` becomes a live link). Checking the first character is not enough: Excel in an
Indonesian locale splits a comma-separated file on `;`, so `Budi;=1+1` arrives as two cells, the second a
formula. Every separator a spreadsheet program may split on therefore counts as the start of a cell, and a
trigger there gets a leading `'` too. Control characters XML cannot hold are dropped (they break an XLSX).
"""

import csv
import io
import re

from openpyxl import Workbook

SEPARATORS = ",;\t|\r\n"
FORMULA_START = re.compile(r"(^|[" + re.escape(SEPARATORS) + r"])( *)([=+\-@])")
ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value) -> str:
    """A cell's text that no spreadsheet program runs as a formula, however it splits the line."""
    text = ILLEGAL_IN_XML.sub("", "" if value is None else str(value))
    if text.startswith(("\t", "\r")):
        text = "'" + text
    return FORMULA_START.sub(r"\1\2'\3", text)


class SafeWriter:
    """csv.writer with every cell neutralised; `writerow` returns what the underlying writer returns."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_bytes(rows) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the names with their accents."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, *, title: str) -> bytes:
    """Every value written as text: an 18-digit NIP stored as a number would lose its last digits."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
