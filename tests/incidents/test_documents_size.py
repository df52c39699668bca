"""A document's size limit is said as people read it, whatever it is."""

import pytest

from incidents.workflow import _size


@pytest.mark.parametrize(
    ("limit", "said"),
    [(25 * 1024 * 1024, "25 MB"), (1024 * 1024, "1 MB"), (1536 * 1024, "1.5 MB"), (512 * 1024, "512 KB"), (10, "1 KB")],
)
def test_size_limits_read_as_people_read_them(limit, said):
    assert _size(limit) == said
