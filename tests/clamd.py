"""A real ClamAV daemon for the tests: Debian's clamd, started in a folder of its own with one signature.

The signature (a `.ndb` body signature) matches the EICAR anti-virus test string anywhere in a file, so
a real PDF carrying that string is found as a virus by the real scanner, offline, with no download of
ClamAV's databases. Absent clamd, the tests that need it skip, unless CLAMAV_TESTS=required (CI).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from clamav_client.clamd import ClamdError, ClamdNetworkSocket

CLAMD = "/usr/sbin/clamd"
# The industry's harmless test string: every scanner is expected to report it, and it does nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "Csprp.Test.EICAR"
STARTUP_SECONDS = 60


@dataclass
class Clamd:
    process: subprocess.Popen
    port: int
    socket_path: Path
    log: Path

    @property
    def tcp_url(self):
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def unix_url(self):
        return f"unix://{self.socket_path}"

    def scans_logged(self):
        """The results clamd has logged, one a scan (LogClean: clean files too)."""
        text = self.log.read_text() if self.log.exists() else ""
        return [line for line in text.splitlines() if line.rstrip().endswith((" OK", " FOUND"))]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clamd_required():
    return os.environ.get("CLAMAV_TESTS") == "required"


def clamd_start(folder):
    """Start clamd on a free port and a Unix socket in `folder`, and wait until it answers PING."""
    if not Path(CLAMD).exists():
        if clamd_required():
            pytest.fail(f"CLAMAV_TESTS=required but {CLAMD} is not installed (Debian: clamav-daemon).")
        pytest.skip(f"{CLAMD} is not installed (Debian: clamav-daemon); CLAMAV_TESTS=required makes this fail.")
    database = folder / "db"
    database.mkdir(parents=True)
    (database / "csprp-test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    port = free_port()
    socket_path = folder / "clamd.ctl"
    log = folder / "clamd.log"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"DatabaseDirectory {database}",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"LocalSocket {socket_path}",
                f"LogFile {log}",
                "LogClean yes",
                # Above DOCUMENT_MAX_MB, as README says a deployment's must be.
                "StreamMaxLength 100M",
                "",
            ]
        )
    )
    process = subprocess.Popen([CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = ClamdNetworkSocket(host="127.0.0.1", port=port, timeout=2)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited at start: {process.stderr.read().decode(errors='replace')}")
        try:
            if client.ping() == "PONG":
                return Clamd(process=process, port=port, socket_path=socket_path, log=log)
        except ClamdError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"clamd did not answer within {STARTUP_SECONDS} seconds")


@contextlib.contextmanager
def clamd_running():
    """A clamd of its own, in a temporary folder with a short path (a Unix socket's is limited to ~100
    characters), stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="csprp-clamd-"))
    try:
        daemon = clamd_start(folder)
        try:
            yield daemon
        finally:
            if daemon.process.poll() is None:
                daemon.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
