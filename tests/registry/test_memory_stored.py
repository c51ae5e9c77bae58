"""The in-memory registry's spec tests (test_memory.py), run again on a registry kept in a store.

Two implementations, one behaviour: every status, header and error code must be the same when
the contents live in SQLite rows and blob files (simulator/store/registry.py).  After each test
the store must pass fsck.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.engine.persist import open_registry
from simulator.registry import Registry
from simulator.store import fsck

from .test_memory import *  # noqa: F403 - the same tests, on the stored registry below


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    registry = open_registry(tmp_path / "store")
    yield registry
    report = fsck(tmp_path / "store")
    assert report.ok, report
    again = open_registry(tmp_path / "store")  # what a new process sees
    assert again.repositories() == registry.repositories()
    for name in registry.repositories():
        assert again.tags(name) == registry.tags(name)
