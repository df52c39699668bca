"""The text of rapid review documents: read on arrival from real PDF, Word and OpenDocument files, indexed,
and found by a search scoped to the cases a person may see."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from incidents.services import incident_create, incident_submit
from reviews import search
from reviews.models import RapidReviewText, RapidReviewVersion
from reviews.selectors import SearchOrder, case_search, search_passages
from reviews.services import rapid_review_send

from ..conftest import case_values, rapid_review_values
from ..documents import real_docx, real_pdf

pytestmark = pytest.mark.django_db

PHRASE = "non-mobile baby's bruising"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search (websearch, stemming, ranking) is PostgreSQL's"
)


# Real documents, built here so that what they say is known.


def review_pdf(*paragraphs):
    """A PDF laid out by WeasyPrint, so its text layer holds the paragraphs as a reader extracts them."""
    from weasyprint import HTML

    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return HTML(string=f"<html lang='en'><body><h1>Rapid review</h1>{body}</body></html>").write_pdf()


def review_docx(*paragraphs, table=()):
    """A Word document written by python-docx, with a table as rapid review templates have."""
    from docx import Document

    document = Document()
    document.add_heading("Rapid review", level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=1)
        for row, text in enumerate(table):
            grid.cell(row, 0).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def review_odt(*paragraphs):
    """An OpenDocument text written by odfpy: a heading, then paragraphs with a span inside."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P, Span

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Rapid review"))
    for paragraph in paragraphs:
        first, _, rest = paragraph.partition(" ")
        element = P(text=f"{first} ")
        element.addElement(Span(text=rest))
        document.text.addElement(element)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def case_with_review(la, notifier, lead, document, name="review.pdf", **review):
    """A notified case of `la` whose partnership has sent a rapid review with this document."""
    incident = incident_create(by=notifier, notifying_la=la, **case_values())
    incident = incident_submit(incident=incident, by=notifier, late_reason="Known late.")
    rapid_review_send(
        incident=incident, by=lead, **rapid_review_values(document=SimpleUploadedFile(name, document), **review)
    )
    return incident


def text_of(incident, number=1):
    return RapidReviewText.objects.get(version__rapid_review__incident=incident, version__number=number)


@pytest.fixture
def leeds_case(leeds, leeds_notifier, leeds_lead):
    """A Leeds case whose rapid review speaks of the phrase only inside its PDF, in no field."""
    return case_with_review(
        leeds, leeds_notifier, leeds_lead, review_pdf("Bruises were seen.", f"The {PHRASE} was not explained.")
    )


# Reading documents ------------------------------------------------------------------------------------


def test_it_reads_the_text_layer_of_an_uploaded_pdf(leeds_case):
    record = text_of(leeds_case)
    assert f"The {PHRASE} was not explained." in record.text
    assert "Rapid review" in record.text
    assert not record.truncated


def test_it_reads_a_word_document_with_its_tables(leeds, leeds_notifier, leeds_lead):
    document = review_docx("Health visitor saw the family.", table=["Learning: safe sleep advice at every contact"])
    incident = case_with_review(leeds, leeds_notifier, leeds_lead, document, name="review.docx")

    text = text_of(incident).text
    assert "Health visitor saw the family." in text
    assert "Learning: safe sleep advice at every contact" in text
    assert RapidReviewVersion.objects.get(rapid_review__incident=incident).document_type.endswith("document")


def test_it_reads_an_opendocument_text(leeds, leeds_notifier, leeds_lead):
    incident = case_with_review(
        leeds, leeds_notifier, leeds_lead, review_odt("Police attended the home twice."), name="review.odt"
    )

    assert "Police attended the home twice." in text_of(incident).text


def test_it_reads_the_test_suites_own_small_documents():
    assert search.document_text(io.BytesIO(real_pdf("Minimal PDF")), mime=search.PDF) == ("Minimal PDF", False)
    assert search.document_text(io.BytesIO(real_docx("Minimal Word")), mime=search.DOCX) == ("Minimal Word", False)


def test_a_corrupt_pdf_gives_empty_text_and_the_upload_still_succeeds(leeds, leeds_notifier, leeds_lead):
    broken = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 99 0 R >>\nthis is not a PDF body\n"

    incident = case_with_review(leeds, leeds_notifier, leeds_lead, broken)

    assert incident.rapid_review.status == "submitted"
    assert text_of(incident).text == ""


def test_a_pdf_with_no_text_layer_gives_empty_text(leeds, leeds_notifier, leeds_lead):
    from weasyprint import HTML

    scan = HTML(string="<html lang='en'><body><svg width='200' height='100'><rect width='200' height='100'/></svg>")
    incident = case_with_review(leeds, leeds_notifier, leeds_lead, scan.write_pdf())

    assert text_of(incident).text == ""


def test_an_old_binary_word_document_is_stored_without_text():
    assert search.document_text(io.BytesIO(b"\xd0\xcf\x11\xe0" + bytes(508)), mime="application/msword") == ("", False)


def test_a_zip_that_would_unpack_too_large_is_not_read(monkeypatch):
    monkeypatch.setattr(search, "UNPACKED_MAX_BYTES", 100)

    assert search.document_text(io.BytesIO(review_docx("A" * 500)), mime=search.DOCX) == ("", False)


def test_the_stored_text_is_bounded(monkeypatch):
    monkeypatch.setattr(search, "TEXT_MAX_CHARS", 60)
    document = review_docx(*(f"Paragraph number {n} of a long review." for n in range(20)))

    text, truncated = search.document_text(io.BytesIO(document), mime=search.DOCX)

    assert truncated
    assert len(text) == 60
    assert text.startswith("Rapid review\n\nParagraph number 0")


def test_text_the_database_refuses_is_cleaned_away():
    assert search._clean("a\x00b\x07c \ue000d\ud800  e\r\n\r\n\r\n\nf") == "a b c d e\n\nf"


# Indexing and searching -------------------------------------------------------------------------------


def test_a_search_for_a_phrase_only_inside_the_pdf_finds_that_case_with_its_passage(
    leeds_case, leeds, leeds_notifier, leeds_lead, panel_member
):
    other = case_with_review(leeds, leeds_notifier, leeds_lead, review_pdf("A fall from a climbing frame."))

    found = list(case_search(user=panel_member, words=f'"{PHRASE}"'))

    assert [case.reference for case in found] == [leeds_case.reference]
    passage = search_passages(cases=found, words=f'"{PHRASE}"')[leeds_case.pk]
    assert "<mark>" in passage.html
    assert "bruising</mark>" in passage.html
    assert "not explained" in passage.text
    assert other.pk not in {case.pk for case in case_search(user=panel_member, words="bruising")}


def test_a_partnerships_search_never_returns_another_partnerships_case(
    leeds_case, bradford, bradford_notifier, bradford_lead, leeds_lead
):
    bradford_case = case_with_review(bradford, bradford_notifier, bradford_lead, review_pdf(f"A {PHRASE} too."))

    assert [c.pk for c in case_search(user=bradford_lead, words="bruising")] == [bradford_case.pk]
    assert [c.pk for c in case_search(user=leeds_lead, words="bruising")] == [leeds_case.pk]
    assert list(case_search(user=bradford_lead, reference=leeds_case.reference)) == []
    assert list(case_search(user=bradford_notifier, words="bruising", local_authority=leeds_case.notifying_la)) == []


def test_an_analyst_finds_no_case(leeds_case, analyst):
    assert list(case_search(user=analyst, words="bruising")) == []


def test_the_findings_typed_beside_the_document_are_searched_too(leeds_case, panel_member):
    found = list(case_search(user=panel_member, words="Information sharing"))

    assert [case.pk for case in found] == [leeds_case.pk]
    assert "<mark>" in search_passages(cases=found, words="Information sharing")[leeds_case.pk].html


def test_a_case_is_one_row_with_its_latest_matching_version(leeds_case, leeds_lead, panel_member, secretariat):
    from reviews.services import rapid_review_return

    rapid_review_return(incident=leeds_case, by=secretariat, reason="Say more about the bruising.")
    rapid_review_send(
        incident=leeds_case,
        by=leeds_lead,
        **rapid_review_values(document=SimpleUploadedFile("v2.pdf", review_pdf("The bruising was seen by a GP."))),
    )

    found = list(case_search(user=panel_member, words="bruising"))
    assert len(found) == 1
    assert found[0].matched_version_id == text_of(leeds_case, number=2).pk
    only_first = list(case_search(user=panel_member, words="explained"))
    assert only_first[0].matched_version_id == text_of(leeds_case, number=1).pk


def test_a_passage_escapes_what_the_document_says(leeds, leeds_notifier, leeds_lead, panel_member):
    incident = case_with_review(
        leeds, leeds_notifier, leeds_lead, review_docx("<script>alert(1)</script> bruising & more"), name="r.docx"
    )

    found = list(case_search(user=panel_member, words="bruising"))
    html = search_passages(cases=found, words="bruising")[incident.pk].html

    # PostgreSQL's headline leaves tag-like text out; SQLite's passage escapes it. Neither lets it through.
    assert "<script" not in html
    assert "&lt;script&gt;" in html or connection.vendor == "postgresql"
    assert "<mark>bruising</mark> &amp; more" in html


def test_the_index_command_reads_versions_stored_before(leeds_case):
    RapidReviewText.objects.all().delete()
    out = io.StringIO()

    call_command("rapid_reviews_index", stdout=out)

    assert PHRASE in text_of(leeds_case).text
    assert "Rapid review versions indexed: 1; with no text: 0" in out.getvalue()
    call_command("rapid_reviews_index", stdout=out)
    assert "Rapid review versions indexed: 0;" in out.getvalue()


def test_the_index_command_survives_a_missing_document(leeds_case):
    version = RapidReviewVersion.objects.get(rapid_review__incident=leeds_case)
    version.document.storage.delete(version.document.name)
    out = io.StringIO()

    call_command("rapid_reviews_index", "--all", stdout=out)

    assert text_of(leeds_case).text == ""
    assert "with no text: 1" in out.getvalue()


# PostgreSQL's full-text search ------------------------------------------------------------------------


@on_postgresql
def test_the_search_vector_is_stored_and_has_a_gin_index(leeds_case):
    assert text_of(leeds_case).search_vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'reviews_rapidreviewtext_search_gin'",
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


@on_postgresql
def test_words_are_matched_by_their_stems(leeds_case, panel_member):
    assert [case.pk for case in case_search(user=panel_member, words="bruises explain")] == [leeds_case.pk]


@on_postgresql
def test_web_search_syntax_excludes_words(leeds_case, panel_member):
    assert list(case_search(user=panel_member, words="bruising -explained")) == []
    assert [c.pk for c in case_search(user=panel_member, words="bruising or climbing")] == [leeds_case.pk]


@on_postgresql
def test_a_match_in_the_findings_ranks_above_one_in_the_document(
    leeds_case, leeds, leeds_notifier, leeds_lead, panel_member
):
    in_findings = case_with_review(
        leeds, leeds_notifier, leeds_lead, review_pdf("Nothing more."), learning="Bruising in a non-mobile baby."
    )

    found = list(case_search(user=panel_member, words="bruising", order=SearchOrder.RELEVANCE))

    assert [case.pk for case in found] == [in_findings.pk, leeds_case.pk]
    assert found[0].rank > found[1].rank


@on_postgresql
def test_a_vector_postgresql_refuses_leaves_the_upload_standing(
    monkeypatch, leeds, leeds_notifier, leeds_lead, panel_member
):
    # Random words make a vector over PostgreSQL's 1 MB limit; the vector is then built from the start.
    import random

    words = " ".join(f"w{random.getrandbits(48):x}" for _ in range(120_000))
    monkeypatch.setattr(search, "VECTOR_FALLBACK_CHARS", 2_000)
    incident = case_with_review(
        leeds, leeds_notifier, leeds_lead, review_docx(f"Opening {PHRASE}.", words), name="big.docx"
    )

    assert incident.rapid_review.status == "submitted"
    record = text_of(incident)
    assert len(record.text) > 1_000_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(search_vector) FROM reviews_rapidreviewtext WHERE version_id = %s", [record.pk])
        assert cursor.fetchone()[0] < 1_000  # lexemes of the first 2,000 characters, not of 120,000 words
    assert [case.pk for case in case_search(user=panel_member, words="bruising")] == [incident.pk]
