"""Uploaded documents about a case: their type is judged from their content, never their name.

Documents are stored under MEDIA_ROOT, outside the web root, and served only through views that check
who may see the case.
"""

import filetype
from django.conf import settings

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
JPEG = "image/jpeg"
PNG = "image/png"

TYPE_NAMES = {
    PDF: "a PDF",
    DOC: "a Word document",
    DOCX: "a Word document",
    ODT: "an OpenDocument text",
    JPEG: "a JPEG image",
    PNG: "a PNG image",
}

REVIEW_DOCUMENT_TYPES = frozenset({PDF, DOC, DOCX, ODT})
# A notification that came by post may be a scan.
OFFLINE_NOTIFICATION_TYPES = REVIEW_DOCUMENT_TYPES | {JPEG, PNG}


class DocumentRejected(Exception):
    status_code = 400

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class DocumentTooLarge(DocumentRejected):
    status_code = 413


class DocumentTypeNotAllowed(DocumentRejected):
    status_code = 415


def document_check(*, field, upload, allowed_types):
    """Refuse a file that is too large (413) or whose content is not an allowed type (415)."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise DocumentTooLarge(field, f"The file must be smaller than {limit // (1024 * 1024)} MB.")
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in allowed_types:
        names = sorted({TYPE_NAMES[mime] for mime in allowed_types})
        raise DocumentTypeNotAllowed(field, f"The file must be {', '.join(names[:-1])} or {names[-1]}.")
    return kind.mime
