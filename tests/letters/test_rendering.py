"""Panel letters as documents: their wording, their Markdown made safe, and the tagged PDF a reader gets."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from letters.models import Letter
from letters.rendering import (
    KINDS,
    decision_sentences,
    letter_html,
    letter_pdf,
    long_date,
    markdown_to_html,
    template_text,
)

D = datetime.date.fromisoformat

REFERENCE = "CSPR-2026-00042"
LEEDS_PARTNERSHIP = "Leeds Safeguarding Children Partnership"
TITLE = f"Response to a rapid review: {REFERENCE}"
HOSTILE_MARKDOWN = (
    "<script>alert(1)</script>\n\n"
    "[Click here](javascript:alert(1)) and <img src=x onerror=alert(2)>\n\n"
    "See [GOV.UK](https://www.gov.uk) or write to [the secretariat](mailto:panel@example.org)."
)


def leeds_response_context(**decision):
    """What the services fill a response to Leeds's rapid review with."""
    return {
        "reference": REFERENCE,
        "partnership": LEEDS_PARTNERSHIP,
        "local_authority": "Leeds",
        "incident_date": D("2026-10-01"),
        "notified_on": D("2026-10-05"),
        "sent_on": D("2026-11-03"),
        "today": D("2026-12-01"),
        "lcspr_decision": "not_required",
        **decision,
    }


def leeds_response_html():
    body = template_text(
        "rapid_review_response",
        leeds_response_context(
            panel_position="disagree",
            national_review="not_needed",
            quality_themes=["chronology_by_agency", "commended"],
            practice_themes=["babies"],
        ),
    )
    return letter_html(
        title=TITLE,
        reference=REFERENCE,
        date=D("2026-12-01"),
        recipient_lines=[LEEDS_PARTNERSHIP, "Leeds"],
        body_markdown=f"{body}\n\n{HOSTILE_MARKDOWN}",
    )


@pytest.fixture(scope="module")
def leeds_response_pdf():
    """One real PDF from WeasyPrint, read back by pypdf, shared by the tests that only read it."""
    return letter_pdf(leeds_response_html())


def pdf_text(pdf):
    """The text a reader copies out of the PDF, with line breaks and runs of spaces made single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


# Wording of the decision --------------------------------------------------------------------------


def test_it_words_the_panels_agreement_with_either_decision():
    assert decision_sentences(lcspr_decision="required", panel_position="agree", national_review="") == [
        "The Panel agrees with the partnership's decision that a local child safeguarding practice review is required."
    ]
    assert decision_sentences(lcspr_decision="not_required", panel_position="agree", national_review="") == [
        "The Panel agrees with the partnership's decision that a local child safeguarding practice review "
        "is not required."
    ]


def test_it_words_a_disagreement_as_further_or_limited_learning():
    (further,) = decision_sentences(lcspr_decision="not_required", panel_position="disagree", national_review="")
    (limited,) = decision_sentences(lcspr_decision="required", panel_position="disagree", national_review="")

    assert further.startswith("The Panel disagrees with the partnership's decision that a local")
    assert "is not required, and sees scope for further learning" in further
    assert "is required, and sees limited scope for learning" in limited


def test_it_words_each_decision_on_a_national_review():
    sentences = {
        choice: decision_sentences(lcspr_decision="required", panel_position="", national_review=choice)
        for choice in ("not_needed", "under_consideration", "commissioned", "thematic")
    }

    assert sentences == {
        "not_needed": ["The Panel has decided that a national review is not needed."],
        "under_consideration": ["The Panel is considering whether a national review is needed."],
        "commissioned": ["The Panel has decided to carry out a national review of this case."],
        "thematic": ["The Panel has decided to include this case in a thematic national review."],
    }


def test_it_gives_the_local_review_then_the_national_review():
    sentences = decision_sentences(lcspr_decision="required", panel_position="agree", national_review="thematic")

    assert sentences[0].startswith("The Panel agrees")
    assert sentences[1].startswith("The Panel has decided to include")


def test_it_refuses_a_decision_it_has_no_words_for():
    with pytest.raises(ValueError, match="national review"):
        decision_sentences(lcspr_decision="required", panel_position="agree", national_review="maybe")
    with pytest.raises(ValueError, match="position"):
        decision_sentences(lcspr_decision="", panel_position="agree", national_review="not_needed")


# Templates ------------------------------------------------------------------------------------------


def test_there_is_a_template_for_every_kind_of_letter():
    assert set(KINDS) == set(Letter.Kind.values)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_letter_has_a_first_draft_that_names_the_case(kind):
    text = template_text(kind, leeds_response_context())

    assert REFERENCE in text
    assert "{{" not in text and "{%" not in text


def test_it_writes_dates_as_govuk_does():
    assert long_date(D("2026-12-01")) == "1 December 2026"
    assert "received on 3 November 2026" in template_text("rapid_review_response", leeds_response_context())


def test_a_response_says_the_decision_its_fields_record_word_for_word():
    context = leeds_response_context(panel_position="disagree", national_review="commissioned")

    text = template_text("rapid_review_response", context)

    for sentence in decision_sentences(
        lcspr_decision="not_required", panel_position="disagree", national_review="commissioned"
    ):
        assert sentence in text
    assert "The decision whether to carry out a local review remains with the safeguarding partners." in text


def test_a_response_gives_feedback_and_themes_in_plain_words():
    context = leeds_response_context(
        quality_themes=["single_incident_focus", "commended"], practice_themes=["babies", "domestic_abuse"]
    )

    text = template_text("rapid_review_response", context)

    assert "- The Panel commends the quality of this rapid review.\n- The review looks at a single" in text
    assert "- Vulnerability of babies\n- Domestic abuse across services\n" in text


def test_a_response_drafted_before_the_decision_leaves_marked_gaps():
    text = template_text("rapid_review_response", leeds_response_context())

    assert "[Record the Panel's position on the partnership's decision" in text
    assert "[Record the Panel's decision on a national review" in text
    assert "The Panel agrees" not in text and "The Panel disagrees" not in text


def test_it_fills_templates_without_html_escaping():
    text = template_text("general", {"reference": "O'Brien & Co <CSPR>"})

    assert "quoting reference O'Brien & Co <CSPR>." in text


def test_it_refuses_a_kind_or_version_it_does_not_have():
    with pytest.raises(ValueError, match="kind"):
        template_text("threat", {"reference": REFERENCE})
    with pytest.raises(ValueError, match="version"):
        template_text("general", {"reference": REFERENCE}, version="../../../csprp/settings")


# Markdown -------------------------------------------------------------------------------------------


def test_it_keeps_the_plain_structure_of_a_letter():
    html = markdown_to_html(
        "## Findings\n\n### Detail\n\nSome **strong** and *weighted* words.\n\n- one\n- two\n\n1. first\n\n"
        "> quoted\n\nline one  \nline two"
    )

    for tag in ("<h2>", "<h3>", "<strong>", "<em>", "<ul>", "<ol>", "<li>", "<blockquote>", "<br>"):
        assert tag in html


def test_it_shows_raw_html_as_text():
    html = markdown_to_html(HOSTILE_MARKDOWN)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html and "<img" not in html


def test_it_links_only_to_the_web_and_to_email():
    html = markdown_to_html(
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) <javascript:alert(1)> [c](data:text/html,x) "
        "[d](/admin/) [e](https://www.gov.uk) [f](mailto:panel@example.org)"
    )

    assert re.findall(r"href=\"([^\"]*)\"", html) == ["https://www.gov.uk", "mailto:panel@example.org"]
    assert "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) &lt;javascript:alert(1)&gt;" in html


def test_it_leaves_out_pictures_and_code_blocks():
    html = markdown_to_html("![chart](https://example.org/chart.png)\n\n    indented text\n\n<b>bold</b>")

    assert "<img" not in html and "<pre" not in html and "<code" not in html
    assert "<p>indented text</p>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


# The letter's HTML ---------------------------------------------------------------------------------


def test_the_letter_carries_the_letterhead_reference_date_and_sign_off():
    html = leeds_response_html()

    assert '<html lang="en-GB">' in html
    assert f"<title>{TITLE}</title>" in html
    assert "Child Safeguarding Practice Review Panel" in html
    assert "Sanctuary Buildings<br>20 Great Smith Street<br>London SW1P 3BT" in html
    assert f"{LEEDS_PARTNERSHIP}<br>Leeds" in html
    assert f'Our reference: <span class="reference">{REFERENCE}</span><br>1 December 2026' in html
    assert "Yours sincerely," in html


def test_the_letter_escapes_what_it_is_given_outside_the_body():
    html = letter_html(
        title="<b>Title</b>",
        reference=REFERENCE,
        date=D("2026-12-01"),
        recipient_lines=["<script>x</script>"],
        body_markdown="Body",
    )

    assert "&lt;b&gt;Title&lt;/b&gt;" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


# The PDF ------------------------------------------------------------------------------------------


def test_the_pdf_says_what_the_letter_says(leeds_response_pdf):
    text = pdf_text(leeds_response_pdf)

    assert f"Our reference: {REFERENCE}" in text
    assert LEEDS_PARTNERSHIP in text
    assert "1 December 2026" in text
    for sentence in decision_sentences(
        lcspr_decision="not_required", panel_position="disagree", national_review="not_needed"
    ):
        assert sentence in text
    assert "Page 1 of " in text


def test_the_pdf_is_tagged_for_screen_readers(leeds_response_pdf):
    reader = PdfReader(io.BytesIO(leeds_response_pdf))
    catalog = reader.trailer["/Root"]

    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert reader.metadata.title == TITLE
    assert {"/H1", "/H2", "/P", "/L", "/LI"} <= structure_types(catalog["/StructTreeRoot"])


def structure_types(element):
    """Every structure type (/H1, /P, …) under a node of the structure tree."""
    element = element.get_object()
    found = {element["/S"]} if "/S" in element else set()
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get") and kid.get("/Type") in (None, "/StructElem") and "/S" in kid:
            found |= structure_types(kid)
    return found


def test_the_pdf_embeds_dejavu_and_no_other_font(leeds_response_pdf):
    reader = PdfReader(io.BytesIO(leeds_response_pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            (descendant,) = font["/DescendantFonts"]
            fonts[font["/BaseFont"].split("+")[-1]] = "/FontFile2" in descendant.get_object()["/FontDescriptor"]

    assert fonts == {"DejaVu-Sans": True, "DejaVu-Sans-Bold": True}


def test_the_pdf_shows_hostile_markdown_as_text_and_links_nowhere_else(leeds_response_pdf):
    text = pdf_text(leeds_response_pdf)
    reader = PdfReader(io.BytesIO(leeds_response_pdf))
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]

    assert "<script>alert(1)</script>" in text
    assert "[Click here](javascript:alert(1)) and <img src=x onerror=alert(2)>" in text
    assert uris == ["https://www.gov.uk", "mailto:panel@example.org"]
    assert "/OpenAction" not in reader.trailer["/Root"] and "/AA" not in reader.trailer["/Root"]


def test_the_same_letter_gives_the_same_bytes(leeds_response_pdf):
    assert letter_pdf(leeds_response_html()) == leeds_response_pdf, (
        "Without HarfBuzz's subsetter (Debian's libharfbuzz-subset0) WeasyPrint falls back to fontTools, "
        "which stamps each embedded font with the time."
    )


@pytest.mark.parametrize(
    "resource",
    ['<img src="https://example.org/logo.png" alt="">', '<link rel="stylesheet" href="pdf.css">'],
)
def test_the_pdf_fetches_nothing(resource):
    html = leeds_response_html().replace("</head>", f"{resource}</head>").replace("<main>", f"<main>{resource}")

    with pytest.raises(ValueError, match="outside itself"):
        letter_pdf(html)
