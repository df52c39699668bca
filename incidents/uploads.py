"""A document too large is refused while its request arrives, not after the whole body is on disk.

Django parses a multipart body into temporary files before any view runs, so a size check in a
service (incidents.workflow.document_check) comes after every byte has been read and written.
SizeLimitedUploadHandler, first in FILE_UPLOAD_HANDLERS, stops reading instead:

- when the request's Content-Length is more than any request of ours can need (one document of
  DOCUMENT_MAX_BYTES, the form fields Django allows in memory, and their multipart headers), at the
  first file of the body: the fields before it (a page's CSRF token comes first) are kept, the rest is
  never read;
- when a file's bytes pass DOCUMENT_MAX_BYTES, whatever the request declared.

Either way reading stops with StopUpload(connection_reset=True): Django closes (and so deletes) the
temporary file it had begun, and neither reads nor stores the rest of the body. The refusal (a
DocumentTooLarge naming the file's field) is kept on the request (`upload_refused`). On the API it is
raised as the parser finishes, and answered 413 with the field's message
(incidents.workflow.api_exception_handler). A page's body is read before its view runs, by the CSRF
check, which must not fail on it: the page shows the refusal on its form (web.views.base.ServiceFormView).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .workflow import document_too_large

API_PREFIX = "/api/"
# Room for the boundaries and headers of every part of a form (DATA_UPLOAD_MAX_NUMBER_FIELDS parts of
# about 100 bytes each), above the fields' own bytes.
MULTIPART_HEADERS_MARGIN = 256 * 1024
# When DATA_UPLOAD_MAX_MEMORY_SIZE is None (no limit on fields), Django's default for it.
FORM_FIELDS_DEFAULT = 2_621_440


def request_max_bytes():
    """The largest body a request with a document can need: one document, the form fields, their headers."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DOCUMENT_MAX_BYTES + (FORM_FIELDS_DEFAULT if fields is None else fields) + MULTIPART_HEADERS_MARGIN


def upload_refusal(request):
    """The DocumentTooLarge with which SizeLimitedUploadHandler stopped reading this request, or None.

    Reads the body first if nothing has yet (the CSRF check usually has).
    """
    request.FILES  # noqa: B018  parsing is what finds a refusal
    return upload_refusal_of(request)


def upload_refusal_of(request):
    return getattr(request, "upload_refused", None)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a multipart body as soon as it is known to carry a document over the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Nothing is read yet. Refused at the first file part rather than here, so that the fields before
        # it are read: a page's form carries its CSRF token first, and without it the refusal could not
        # be shown on the page.
        self.request_too_large = content_length > request_max_bytes()
        return None

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if self.request_too_large:
            self.refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.DOCUMENT_MAX_BYTES:
            self.refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file

    def upload_complete(self):
        # Called after the parser has stopped and closed the files it had begun (temporary files included).
        refusal = upload_refusal_of(self.request)
        if refusal is not None and self.request.path_info.startswith(API_PREFIX):
            raise refusal

    def refuse(self):
        self.request.upload_refused = document_too_large(self.field_name)
        raise StopUpload(connection_reset=True)
