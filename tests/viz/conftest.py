from __future__ import annotations

import shutil

import pytest

from .scenes import app_image, build_result, engine_scene


@pytest.fixture
def scene():
    return engine_scene()


@pytest.fixture
def image():
    return app_image()


@pytest.fixture
def result():
    return build_result()


@pytest.fixture
def no_dot(monkeypatch):
    """Graphviz's `dot` made unfindable, as on a machine without Graphviz."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("dot") is None


requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)"
)
