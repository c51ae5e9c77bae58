"""Fixtures for the overlayfs backend: one state directory per session, skipped where it cannot run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.backends import OverlayBackend, availability


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("overlay-state"))


@pytest.fixture(scope="session")
def backend(state_dir: str) -> Iterator[OverlayBackend]:
    found = availability(state_dir)
    if not found.ok:
        pytest.skip(f"overlayfs backend unavailable: {found.reason}")
    with OverlayBackend.create(state_dir) as b:
        yield b
