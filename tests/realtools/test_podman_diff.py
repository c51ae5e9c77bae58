"""``c.diff(style="podman")`` against real ``podman diff`` (containers/storage's overlay driver)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from simulator import Engine
from tests.engine.test_image_stores import SCENARIOS, SETUP
from tests.realtools import harness

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def podman() -> Iterator[tuple[Any, str]]:
    harness.require("podman", "runc", "umoci", "busybox")
    sess = harness.session()
    ref = harness.make_busybox_layout(sess.base / "oci")
    yield sess, ref
    sess.cleanup()


def _podman(sess: Any, *args: str) -> str:
    proc = subprocess.run(
        [harness._tool("podman"), *args],
        env=sess.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"podman {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def _run(sess: Any, name: str, ref: str, cmd: str) -> None:
    run = ["run", "--runtime", harness._tool("runc"), "--cgroup-manager", "cgroupfs", "--network", "none"]
    _podman(sess, *run, "--name", name, ref, "sh", "-c", cmd)


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s[0][:30] for s in SCENARIOS])
def test_podman_diff_matches(podman: tuple[Any, str], index: int) -> None:
    sess, ref = podman
    cmd = SCENARIOS[index][0]
    try:
        _podman(sess, "image", "exists", "localhost/layerlab-app1")
    except AssertionError:
        _run(sess, "ll-base", ref, SETUP)
        _podman(sess, "commit", "-q", "ll-base", "layerlab-app1")
    name = f"ll-diff-{index}"
    _run(sess, name, "localhost/layerlab-app1", cmd)
    real = _podman(sess, "diff", name).split("\n")
    real = [line for line in real if line]
    engine = Engine()
    engine.images.pull("busybox:1.36")
    base = engine.containers.run("busybox:1.36", ["sh", "-c", SETUP], detach=False)
    base.commit(repository="app", tag="1")
    c = engine.containers.run("app:1", ["sh", "-c", cmd], detach=False)
    # podman walks the upper directory in readdir order, which changes from one run to the next
    # (the same lines came out as C /app, C /app/logs and as C /app/logs, C /app): the lines are
    # compared, not their order
    assert sorted(str(x) for x in c.diff(style="podman")) == sorted(real)
    assert sorted(real) == sorted(SCENARIOS[index][2])
