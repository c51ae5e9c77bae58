"""Fixtures for the OCI import/export tests."""

from __future__ import annotations

import pytest

from simulator.model import Image

from .samples import sample_image


@pytest.fixture
def image() -> Image:
    return sample_image()
