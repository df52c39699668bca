"""Every CSV the service writes opens safely in a spreadsheet: text that would run as a formula stays text."""

import csv
import io

import pytest
from django.urls import reverse

from letters.models import Letter
from letters.services import letter_ask_for_approval, letter_draft, letter_update
from organisations.spreadsheets import csv_lines, csv_response, spreadsheet_cell
from tests.signin import sign_in


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("-3", "-3"),
        ("+44", "+44"),
        ("2.5", "2.5"),
        ("Leeds", "Leeds"),
        (None, ""),
        (7, "7"),
    ],
)
def test_it_keeps_a_formula_as_text_and_a_number_as_a_number(value, written):
    assert spreadsheet_cell(value) == written


def test_it_makes_every_cell_of_a_streamed_file_and_a_download_safe():
    rows = [["=1+1", "ok"], ["-5", "@me"]]
    streamed = list(csv.reader(io.StringIO("".join(csv_lines(rows)))))
    assert streamed == [["'=1+1", "ok"], ["-5", "'@me"]]
    response = csv_response("out.csv", ["=Heading"], rows)
    assert response["Content-Disposition"] == 'attachment; filename="out.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [["'=Heading"], *streamed]


def test_the_letters_list_download_keeps_a_typed_formula_as_text(client, notified, secretariat, panel_member):
    letter = letter_draft(incident=notified, by=secretariat, kind=Letter.Kind.GENERAL)
    letter = letter_update(letter=letter, by=secretariat, subject="=cmd|' /C calc'!A0", body_markdown="Dear partners,")
    letter_ask_for_approval(letter=letter, by=secretariat)
    sign_in(client, panel_member)
    response = client.get(reverse("web:letters-awaiting-approval"), {"download": "csv"})
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
