"""Scanning uploaded documents for viruses with ClamAV's daemon (clamd), when CLAMAV_URL names one.

Every document is streamed to clamd (its INSTREAM command, through clamav-client) after its type is
checked and before anything is stored. A document clamd finds a virus in is refused; a document clamd
could not scan (the daemon is down, slow or refuses the stream) is refused too, so nothing is ever
stored unscanned. With CLAMAV_URL unset (development) documents are not scanned.
"""

from urllib.parse import urlparse

import structlog
from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = structlog.get_logger(__name__)

DEFAULT_PORT = 3310


class VirusFound(Exception):
    def __init__(self, signature):
        super().__init__(signature)
        self.signature = signature


class ScanFailed(Exception):
    """clamd could not be reached or could not scan the document: it is not known to be clean."""


def clamd_for(url, *, timeout):
    """A clamd client for `tcp://host:port` or `unix:///path/to/clamd.ctl`."""
    parsed = urlparse(url)
    if parsed.scheme == "tcp" and parsed.hostname:
        return ClamdNetworkSocket(host=parsed.hostname, port=parsed.port or DEFAULT_PORT, timeout=timeout)
    if parsed.scheme == "unix" and parsed.path:
        return ClamdUnixSocket(path=parsed.path, timeout=timeout)
    raise ImproperlyConfigured(f"CLAMAV_URL must be tcp://host:port or unix:///path, not {url!r}.")


def document_scan(upload, *, field):
    """Stream an upload to clamd. Raises VirusFound or ScanFailed; returns quietly for a clean file
    (or without a scan when CLAMAV_URL is unset). The upload is read from its start and rewound."""
    if not settings.CLAMAV_URL:
        return
    clamd = clamd_for(settings.CLAMAV_URL, timeout=settings.CLAMAV_TIMEOUT_SECONDS)
    upload.seek(0)
    try:
        result = clamd.instream(upload)
    except (ClamdError, OSError) as error:
        # The error names clamd's address and the socket's complaint, never the document.
        logger.error("virus_scan_failed", field=field, error=str(error))
        raise ScanFailed(str(error)) from error
    finally:
        upload.seek(0)
    status, signature = result.get("stream", (None, None))
    if status == "FOUND":
        # What was found and where it was sent; the file's name and content are the sender's, and stay out.
        logger.warning("virus_found", field=field, signature=signature, size=upload.size)
        raise VirusFound(signature)
    if status != "OK":
        logger.error("virus_scan_failed", field=field, error=f"clamd answered {result!r}")
        raise ScanFailed(f"clamd answered {result!r}")
