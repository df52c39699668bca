"""Fixtures for the incidents tests that need a service outside the database."""

import pytest

from tests.clamd import clamd_running


@pytest.fixture(scope="session")
def clamd():
    """A real clamd for the whole run, with the EICAR test signature (tests.clamd)."""
    with clamd_running() as daemon:
        yield daemon
