"""Panel letters as documents: their wording from templates, their Markdown made safe, their HTML and tagged PDF.

Pure functions of their arguments: no models and no database. The services decide what a letter says and when
it is issued; this module only turns that into text, HTML and PDF bytes.
"""

import datetime
import re
from pathlib import Path

import nh3
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from incidents.codes import LcsprDecision, NationalReview, PanelPosition, PracticeTheme, QualityTheme

PANEL_NAME = "Child Safeguarding Practice Review Panel"
PANEL_ADDRESS_LINES = ("Sanctuary Buildings", "20 Great Smith Street", "London SW1P 3BT")

LETTER_TEMPLATES_DIR = Path(__file__).resolve().parent / "letter_templates"
KINDS = (
    "rapid_review_response",
    "retrospective_request",
    "offline_confirmation_request",
    "final_report_feedback",
    "general",
)
TEMPLATE_VERSION_PATTERN = re.compile(r"v[0-9]+")


def long_date(value: datetime.date) -> str:
    """A date as GOV.UK writes it: "1 December 2026" (no leading zero, month in full)."""
    return f"{value.day} {value:%B %Y}"


# Markdown ----------------------------------------------------------------------------------------

# CommonMark without raw HTML: `<script>` and `<img …>` typed by the secretariat stay visible text. No images
# (a letter fetches nothing) and no indented code blocks (text pasted with an indent is still a paragraph).
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable(["image", "code"])

# Markdown-it already refuses javascript: links; the sanitiser is the second lock on the door, and the one that
# decides what a letter may contain at all.
_SANITISER = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "a", "blockquote"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    # A relative link would point into the server that rendered the PDF.
    url_relative="deny",
    link_rel=None,
)


def markdown_to_html(text: str) -> str:
    """The secretariat's Markdown as HTML that is safe to put in a letter: raw HTML is shown as text, links
    go only to http, https or mailto, and only a few plain tags survive."""
    return _SANITISER.clean(_MARKDOWN.render(text))


# The letter --------------------------------------------------------------------------------------


def letter_html(
    *,
    title: str,
    reference: str,
    date: datetime.date,
    recipient_lines: list[str],
    body_markdown: str,
    lang: str = "en-GB",
) -> str:
    """The whole HTML document of a letter: letterhead, recipient, reference, date, body and sign-off."""
    return render_to_string(
        "letters/pdf.html",
        {
            "lang": lang,
            "title": title,
            "reference": reference,
            "date": date,
            "date_text": long_date(date),
            "recipient_lines": recipient_lines,
            # nh3 has just sanitised it to an allow-list of plain tags: safe to insert unescaped.
            "body_html": mark_safe(markdown_to_html(body_markdown)),  # noqa: S308
            "panel_name": PANEL_NAME,
            "panel_address_lines": PANEL_ADDRESS_LINES,
        },
    )


def letter_pdf(html: str) -> bytes:
    """The letter as a tagged PDF/UA-1 document, with its language, title and structure for screen readers.

    Nothing is fetched: the stylesheet is inline, fonts come from the machine's fontconfig (Debian's
    fonts-dejavu-core, the same bytes on every machine), and a resource the HTML would load (an image, a
    stylesheet) is a ValueError. Links are not resources: they stay links. The same HTML gives the same bytes on
    the same versions: WeasyPrint adds no creation date of its own (the template gives the letter's date) and
    HarfBuzz's subsetter (Debian's libharfbuzz-subset0) embeds fonts without a timestamp; without it WeasyPrint
    falls back to fontTools, which stamps the time. An issued letter is stored and never rendered again anyway.
    """
    # WeasyPrint loads Pango when imported: only rendering a letter needs it, not every process that imports
    # the services.
    import weasyprint

    class RefuseEveryFetch(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"A letter fetches nothing: {url}")

    try:
        document = weasyprint.HTML(
            string=html,
            base_url=LETTER_TEMPLATES_DIR.as_uri() + "/",
            url_fetcher=RefuseEveryFetch(fail_on_errors=True),
        )
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    except weasyprint.urls.FatalURLFetchingError as error:
        # A BaseException in WeasyPrint, which would slip past every `except Exception` above us.
        raise ValueError(f"The letter names a resource outside itself: {error}") from error


# Wording of the decision -------------------------------------------------------------------------

_LOCAL_REVIEW = "a local child safeguarding practice review"

_POSITION_SENTENCES = {
    (PanelPosition.AGREE, LcsprDecision.REQUIRED): (
        f"The Panel agrees with the partnership's decision that {_LOCAL_REVIEW} is required."
    ),
    (PanelPosition.AGREE, LcsprDecision.NOT_REQUIRED): (
        f"The Panel agrees with the partnership's decision that {_LOCAL_REVIEW} is not required."
    ),
    # Disagreeing with "not required" is further learning (data standard: panel_position).
    (PanelPosition.DISAGREE, LcsprDecision.NOT_REQUIRED): (
        f"The Panel disagrees with the partnership's decision that {_LOCAL_REVIEW} is not required, "
        "and sees scope for further learning from this case."
    ),
    # Disagreeing with "required" is limited learning (data standard: panel_position).
    (PanelPosition.DISAGREE, LcsprDecision.REQUIRED): (
        f"The Panel disagrees with the partnership's decision that {_LOCAL_REVIEW} is required, "
        "and sees limited scope for learning beyond what the rapid review has found."
    ),
}

_NATIONAL_REVIEW_SENTENCES = {
    NationalReview.NOT_NEEDED: "The Panel has decided that a national review is not needed.",
    NationalReview.UNDER_CONSIDERATION: "The Panel is considering whether a national review is needed.",
    NationalReview.COMMISSIONED: "The Panel has decided to carry out a national review of this case.",
    NationalReview.THEMATIC: "The Panel has decided to include this case in a thematic national review.",
}

_QUALITY_SENTENCES = {
    QualityTheme.COMMENDED: "The Panel commends the quality of this rapid review.",
    QualityTheme.CHRONOLOGY_TOO_DETAILED: (
        "The chronology is too detailed: a rapid review needs only the events that help explain what happened."
    ),
    QualityTheme.CHRONOLOGY_BY_AGENCY: (
        "The chronology is set out agency by agency. One chronology would show better how services worked together."
    ),
    QualityTheme.INSUFFICIENT_ANALYSIS_OF_WHY: (
        "The review says what happened but does not analyse enough why it happened."
    ),
    QualityTheme.LACKS_CLARITY: "The review is not clear enough in places.",
    QualityTheme.LINES_OF_ENQUIRY_UNCLEAR: "The lines of enquiry for a local review are not clear.",
    QualityTheme.CHILD_CONTEXT_MISSING: "The review says too little about the child, their daily life and their voice.",
    QualityTheme.RACE_CULTURE_NOT_CONSIDERED: "The review does not consider the family's race and culture.",
    QualityTheme.SINGLE_INCIDENT_FOCUS: (
        "The review looks at a single incident rather than the family's history with services."
    ),
    QualityTheme.ETHNICITY_IMPACT_NOT_CONSIDERED: (
        "The review does not consider how the child's ethnicity may have affected the help they received."
    ),
}


def _position_sentence(*, lcspr_decision, panel_position):
    if not panel_position:
        return None
    try:
        return _POSITION_SENTENCES[(panel_position, lcspr_decision)]
    except KeyError:
        raise ValueError(
            f"No wording for the Panel's position {panel_position!r} on a decision {lcspr_decision!r}."
        ) from None


def _national_review_sentence(national_review):
    if not national_review:
        return None
    try:
        return _NATIONAL_REVIEW_SENTENCES[national_review]
    except KeyError:
        raise ValueError(f"No wording for the national review decision {national_review!r}.") from None


def decision_sentences(*, lcspr_decision: str, panel_position: str, national_review: str) -> list[str]:
    """The sentences a response to a rapid review must contain, word for word, to say the decision its fields
    record: the Panel's view of the partnership's decision on a local review, then its own decision on a
    national review (Working Together 2023, chapter 5: the Panel's response to a rapid review).

    A field not decided yet (blank) gives no sentence; a value with no wording is a ValueError.
    """
    sentences = [
        _position_sentence(lcspr_decision=lcspr_decision, panel_position=panel_position),
        _national_review_sentence(national_review),
    ]
    return [sentence for sentence in sentences if sentence]


def quality_sentences(quality_themes: list[str]) -> list[str]:
    """The Panel's feedback on a rapid review, one sentence per quality theme, in the data standard's order."""
    unknown = set(quality_themes) - set(_QUALITY_SENTENCES)
    if unknown:
        raise ValueError(f"No wording for the quality themes {sorted(unknown)}.")
    return [sentence for theme, sentence in _QUALITY_SENTENCES.items() if theme in quality_themes]


def practice_theme_labels(practice_themes: list[str]) -> list[str]:
    """Practice themes as the letter names them: a known code by its label, anything else as written."""
    labels = dict(PracticeTheme.choices)
    return [labels.get(theme, theme) for theme in practice_themes]


# Templates ---------------------------------------------------------------------------------------

# Markdown, not HTML: nothing is escaped here because markdown_to_html makes the whole body safe when the
# letter is rendered, whoever wrote which part of it.
_TEMPLATES = Engine(dirs=[LETTER_TEMPLATES_DIR])


def template_text(kind: str, context: dict, *, version: str = "v1") -> str:
    """The first draft of a letter of this kind: `letter_templates/<kind>/<version>.md` filled in.

    Dates in the context are written as "1 December 2026". For a response to a rapid review, the decision
    fields (`lcspr_decision`, `panel_position`, `national_review`, `quality_themes`, `practice_themes`) become
    the sentences that say them; a decision not made yet leaves a marked gap for the secretariat.
    """
    if kind not in KINDS:
        raise ValueError(f"No template for letters of kind {kind!r}.")
    if not TEMPLATE_VERSION_PATTERN.fullmatch(version):
        raise ValueError(f"Template versions are v1, v2 and so on, not {version!r}.")
    values = {name: long_date(value) if isinstance(value, datetime.date) else value for name, value in context.items()}
    if kind == "rapid_review_response":
        values |= {
            "position_sentence": _position_sentence(
                lcspr_decision=context.get("lcspr_decision"), panel_position=context.get("panel_position")
            ),
            "national_review_sentence": _national_review_sentence(context.get("national_review")),
            "quality_sentences": quality_sentences(context.get("quality_themes") or []),
            "practice_theme_labels": practice_theme_labels(context.get("practice_themes") or []),
        }
    template = _TEMPLATES.get_template(f"{kind}/{version}.md")
    return template.render(Context(values, autoescape=False))
