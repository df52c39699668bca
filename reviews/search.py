"""Searching the text of rapid reviews: each version's document read when it arrives, indexed, and matched.

A version's document (PDF, Word .docx or OpenDocument text) is read into plain text as it reaches the
Panel, in the transaction that saves the version, and indexed with the version's findings: on
PostgreSQL as a full-text search vector (websearch syntax, ranked, the passage shown by ts_headline);
on SQLite, which has no full-text search here, by LIKE on the same text and a passage cut around the
first match. Reading a document never fails an upload: a scan, an old binary .doc or a damaged file
gives empty text, and says so in the log.
"""

import re
import time
import zipfile
from dataclasses import dataclass

import structlog
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat, Greatest, Left, Lower, StrIndex, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe

from incidents.workflow import DOCX, ODT, PDF

from .models import RapidReviewText

logger = structlog.get_logger(__name__)

# What is kept of a document: its first two million characters (a long rapid review runs to a few
# hundred thousand); reading stops there, or after EXTRACTION_SECONDS, keeping what it has read.
TEXT_MAX_CHARS = 2_000_000
EXTRACTION_SECONDS = 30
# A .docx or .odt is a zip: one that would unpack to more than this is not read (a zip bomb).
UNPACKED_MAX_BYTES = 256 * 1024 * 1024
# PostgreSQL refuses a search vector over 1 MB; a document of unusual words gets one from its start.
VECTOR_FALLBACK_CHARS = 200_000
SEARCH_CONFIG = "english"
# The findings the partnership types beside its document, searched with it (and ranked above it).
SEARCHED_FINDINGS = ("lcspr_rationale", "lines_of_enquiry", "immediate_actions", "learning")
# A passage marks its matches between these two private-use characters, which the stored text never
# holds (they are removed on reading), so that everything else can be escaped before <mark> goes in.
MATCH_START, MATCH_END = "\ue000", "\ue001"
PASSAGE_CHARS = 320


# Reading documents ------------------------------------------------------------------------------------


class _NotRead(Exception):
    """A document this module declines to read (too large unpacked)."""


def _unpacked_size_check(stream):
    with zipfile.ZipFile(stream) as archive:
        if sum(member.file_size for member in archive.infolist()) > UNPACKED_MAX_BYTES:
            raise _NotRead("unpacks_too_large")
    stream.seek(0)


def _pdf_paragraphs(stream):
    from pypdf import PdfReader

    reader = PdfReader(stream)
    if reader.is_encrypted:
        reader.decrypt("")  # many PDFs are "encrypted" with an empty password; others are not read
    for page in reader.pages:
        yield page.extract_text() or ""


def _docx_paragraphs(stream):
    from docx import Document
    from docx.oxml.ns import qn

    _unpacked_size_check(stream)
    body = Document(stream).element.body
    # Every paragraph of the body in order, those in tables (where rapid review templates put most
    # of what they say) included.
    for paragraph in body.iter(qn("w:p")):
        yield paragraph.text


def _odt_paragraphs(stream):
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    _unpacked_size_check(stream)
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    pending = [load(stream).text]
    while pending:
        node = pending.pop()
        if getattr(node, "qname", None) in blocks:
            yield teletype.extractText(node)
        else:
            pending.extend(reversed([child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE]))


READERS = {PDF: _pdf_paragraphs, DOCX: _docx_paragraphs, ODT: _odt_paragraphs}

_UNWANTED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{MATCH_START}{MATCH_END}]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _clean(text):
    """Text the database stores and a page shows: no NULs, controls or lone surrogates; tidy spaces."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = _UNWANTED.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def document_text(stream, *, mime):
    """A document's text (cleaned, at most TEXT_MAX_CHARS) and whether it was cut short.

    Never raises: a type with no reader (an old binary .doc), a document with no text layer (a scan)
    or one a reader fails on gives what was read before the failure, often "", and a log line.
    """
    reader = READERS.get(mime)
    if reader is None:
        logger.info("document_text_not_read", mime=mime, why="no_reader_for_type")
        return "", False
    started = time.monotonic()
    parts, size, truncated = [], 0, False
    try:
        stream.seek(0)
        for paragraph in reader(stream):
            paragraph = _clean(paragraph)
            if paragraph:
                parts.append(paragraph)
                size += len(paragraph) + 2
            if size > TEXT_MAX_CHARS or time.monotonic() - started > EXTRACTION_SECONDS:
                truncated = True
                break
    except Exception as error:  # any failure of any reader on an uploaded file, by design
        logger.warning("document_text_not_read", mime=mime, why=type(error).__name__, chars_read=size)
    text = "\n\n".join(parts)[:TEXT_MAX_CHARS]
    if truncated:
        logger.info("document_text_truncated", mime=mime, chars=len(text), seconds=round(time.monotonic() - started))
    elif not text:
        logger.info("document_text_empty", mime=mime)
    return text, truncated


# Indexing ---------------------------------------------------------------------------------------------


def version_text_index(*, version):
    """Read a version's stored document and index its text with the version's findings.

    Called in the transaction that saves the version (reviews.services), so a version is searchable
    from the moment it exists; also by `manage.py rapid_reviews_index` for versions stored before.
    """
    try:
        with version.document.open("rb") as stored:
            text, truncated = document_text(stored, mime=version.document_type)
    except OSError as error:
        logger.warning("document_text_not_read", version_id=version.pk, why=type(error).__name__)
        text, truncated = "", False
    record, _ = RapidReviewText.objects.update_or_create(
        version=version, defaults={"text": text, "truncated": truncated}
    )
    _vector_update(record, version)
    return record


def _vector_update(record, version):
    if connection.vendor != "postgresql":
        return
    findings = "\n".join(getattr(version, name) or "" for name in SEARCHED_FINDINGS)
    for text in (F("text"), Left("text", VECTOR_FALLBACK_CHARS)):
        vector = SearchVector(Value(findings), weight="A", config=SEARCH_CONFIG) + SearchVector(
            text, weight="B", config=SEARCH_CONFIG
        )
        try:
            # A savepoint: a vector PostgreSQL refuses (over 1 MB) must not undo the version itself.
            with transaction.atomic():
                RapidReviewText.objects.filter(pk=record.pk).update(search_vector=vector)
            return
        except DatabaseError as error:
            logger.warning("search_vector_refused", version_id=version.pk, why=type(error).__name__)


# Matching ---------------------------------------------------------------------------------------------


def _on_postgresql():
    return connection.vendor == "postgresql"


def _search_query(words):
    return SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)


_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')


def _terms(words):
    """SQLite's reading of web search syntax: "a phrase", a word, -excluded; "or" is ignored."""
    wanted, unwanted = [], []
    for minus, phrase, word in _TERM.findall(words):
        term = (phrase or word.strip('"')).strip()
        if word.startswith("-") and len(word) > 1:
            minus, term = "-", word[1:]
        if not term or term.lower() == "or":
            continue
        (unwanted if minus else wanted).append(term)
    return wanted, unwanted


def _contains(term, prefix=""):
    q = Q(**{f"{prefix}document_text__text__icontains": term})
    for name in SEARCHED_FINDINGS:
        q |= Q(**{f"{prefix}{name}__icontains": term})
    return q


def version_match(words, prefix=""):
    """What a search for `words` asks of a RapidReviewVersion: a Q, and an expression of its rank
    (None on SQLite, which cannot rank). Given a `prefix` (the path to versions from another model,
    ending in "__"), both are written from that model."""
    if _on_postgresql():
        query = _search_query(words)
        vector = f"{prefix}document_text__search_vector"
        return Q(**{vector: query}), SearchRank(F(vector), query)
    wanted, unwanted = _terms(words)
    if not wanted:
        return Q(pk__in=[]), None
    match = Q()
    for term in wanted:
        match &= _contains(term, prefix)
    for term in unwanted:
        match &= ~_contains(term, prefix)
    return match, None


# Passages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A matching passage of a document, its matches between MATCH_START and MATCH_END."""

    marked: str

    @property
    def html(self):
        """The passage as HTML: every character escaped, then the matches in <mark>."""
        return mark_safe(  # noqa: S308  escaped just here; only our own tags go in
            escape(self.marked).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
        )

    @property
    def text(self):
        return self.marked.replace(MATCH_START, "").replace(MATCH_END, "")


def _searched_text():
    """The findings, then the document's text: what the vector was built from, in one string."""
    parts = []
    for name in SEARCHED_FINDINGS:
        parts += [F(f"version__{name}"), Value("\n")]
    return Concat(*parts, F("text"), output_field=TextField())


def passages(*, version_ids, words):
    """The passage of each version's text that matches `words`, by version id (one query)."""
    if not version_ids or not words:
        return {}
    texts = RapidReviewText.objects.filter(pk__in=version_ids)
    if _on_postgresql():
        headline = SearchHeadline(
            _searched_text(),
            _search_query(words),
            config=SEARCH_CONFIG,
            start_sel=MATCH_START,
            stop_sel=MATCH_END,
            max_words=40,
            min_words=20,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = texts.annotate(passage=headline).values_list("pk", "passage")
        return {pk: Passage(" ".join(passage.split())) for pk, passage in rows}
    wanted, _unwanted = _terms(words)
    if not wanted:
        return {}
    # The passage is cut by the database around the first match, so no document's whole text is read.
    at = StrIndex(Lower(_searched_text()), Value(wanted[0].lower()))
    start = Greatest(at - PASSAGE_CHARS // 3, 1)
    rows = texts.annotate(at=at, start=start, passage=Substr(_searched_text(), start, PASSAGE_CHARS))
    found = {}
    for pk, start, passage in rows.values_list("pk", "start", "passage"):
        found[pk] = Passage(_marked(passage, wanted, cut_before=start > 1, cut_after=len(passage) == PASSAGE_CHARS))
    return found


def _marked(passage, terms, *, cut_before, cut_after):
    passage = " ".join(passage.split())
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    passage = pattern.sub(lambda match: f"{MATCH_START}{match.group(0)}{MATCH_END}", passage)
    return f"{'… ' if cut_before else ''}{passage}{' …' if cut_after else ''}"
