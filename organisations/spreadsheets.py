"""CSV files that open safely in a spreadsheet: the one writer behind every download and export.

A cell beginning with =, +, -, @, a tab or a carriage return is run as a formula by Excel and LibreOffice
(OWASP: CSV injection). Text people typed (a letter's subject, a person's name, a user agent) reaches these
files, so such a cell is written with a leading apostrophe, which keeps it as text; numbers stay numbers.
"""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(value):
    try:
        float(value)
    except ValueError:
        return False
    return True


def spreadsheet_cell(value):
    """A cell as text; one that a spreadsheet would run as a formula is kept as text."""
    value = "" if value is None else str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) and not _is_number(value) else value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(rows):
    """Each row as one CSV line, lazily (a file of any size is never held in memory), every cell made safe."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def csv_response(filename, headings, rows):
    """A CSV attachment of a header and rows, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([spreadsheet_cell(value) for value in headings])
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return response
