"""Fixtures shared by test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.disks import Disk


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    """A folder whose writing can really be taken away and given back (see `Disk`)."""
    d = Disk(tmp_path)
    try:
        yield d
    finally:
        d.remove()
