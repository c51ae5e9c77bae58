"""Fixtures for the real-tool tests: one isolated buildah/skopeo/podman session per test run.

``realtools`` creates the private store (see ``harness`` for what is isolated and how) and
removes it, with every mount the overlay driver left, when the session ends. Set
``LAYERLAB_REALTOOLS_DIR`` to keep the store in a directory of your choice and inspect it later
(it is then not deleted).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from . import harness


@pytest.fixture(scope="session")
def realtools() -> Iterator[harness.RealtoolsSession]:
    """The session store; skips unless buildah, skopeo, umoci and a static busybox are present."""
    harness.require("buildah", "skopeo", "umoci", "busybox")
    sess = harness.session()
    yield sess
    if not os.environ.get("LAYERLAB_REALTOOLS_DIR"):
        sess.cleanup()


@pytest.fixture(scope="session")
def busybox_ref(realtools: harness.RealtoolsSession) -> str:
    """``oci:<dir>:busybox``: the base image built once per session from /bin/busybox."""
    return harness.make_busybox_layout(realtools.base / "oci")
