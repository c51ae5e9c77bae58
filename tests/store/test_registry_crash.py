"""Crash safety of a registry kept in a store: a child killed (SIGKILL) at many points of a push and
of a pull; the store opens, fsck is clean, every request the registry answered is there, and no
manifest is visible whose blobs are not all in its repository.

The child is tests/registry/_persist_child.py; it prints each request once the registry answered
it (so after its transaction committed).  Crash points: simulator/store/_crash.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import Engine
from simulator.engine.persist import open_registry
from simulator.store import fsck

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if k != "LAYERLAB_STORE_CRASH"}
ENV["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'tests'}"
REPO = "lesson/alpine"


def _run(crash: str | None, *argv: str) -> tuple[int, list[str]]:
    env = dict(ENV, LAYERLAB_STORE_CRASH=crash) if crash else ENV
    proc = subprocess.run(
        [sys.executable, "-m", "registry._persist_child", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    return proc.returncode, proc.stdout.splitlines()


def _check_registry(root: Path, lines: list[str], point: str) -> None:
    report = fsck(root)
    assert report.ok, f"killed at {point}: {report}"
    Engine.open(root)  # the engine's side opens too
    reg = open_registry(root)
    for line in lines:  # every answered upload and manifest is there
        parts = line.split()
        if parts[0] == "PUT" and "/blobs/uploads/" in parts[1] and parts[-1] == "201":
            assert reg.has_blob(REPO, parts[2].replace("%3A", ":")), (point, line)
        if parts[0] == "PUT" and "/manifests/" in parts[1] and parts[-1] == "201":
            assert parts[1].rsplit("/", 1)[1] in reg.tags(REPO), (point, line)
    for tag in reg.tags(REPO):  # whatever is tagged pulls completely
        assert Engine().images.pull(f"{REPO}:{tag}", reg, quiet=True).id


@pytest.mark.slow
def test_a_push_killed_at_any_point_leaves_whole_manifests_only(tmp_path: Path) -> None:
    _, lines = _run(None, "push", str(tmp_path / "ref"))
    commits = sum(1 for line in lines if line.split()[-1] == "201")
    points = [f"before-commit:{k}" for k in range(1, commits + 5)]
    points += ["after-commit:6", "blob-written:5", "blob-renamed:6", "index-written:5", "*:20", "*:31"]
    seen_tags: set[tuple[str, ...]] = set()
    for point in points:
        root = tmp_path / point.replace(":", "-").replace("*", "any")
        status, lines = _run(point, "push", str(root))
        if status == 0:
            continue
        _check_registry(root, lines, point)
        seen_tags.add(tuple(open_registry(root).tags(REPO)))
    # some crashes fell before the first manifest, some between the two, some after both
    assert {(), ("1",)} <= seen_tags, seen_tags


@pytest.mark.slow
def test_a_pull_killed_at_any_point_leaves_the_image_whole_or_absent(tmp_path: Path) -> None:
    source = tmp_path / "source"
    _run(None, "push", str(source))
    expected = Engine.open(source).images.get(f"{REPO}:1").id
    outcomes = set()
    for point in [
        *(f"before-commit:{k}" for k in (1, 2)),
        "after-commit:1",
        "blob-renamed:1",
        "blob-renamed:3",
        "*:4",
    ]:
        dest = tmp_path / point.replace(":", "-").replace("*", "any")
        shutil.rmtree(dest, ignore_errors=True)
        status, _ = _run(point, "pull-into", str(source), str(dest))
        assert fsck(source).ok
        if status == 0:
            continue
        report = fsck(dest)
        assert report.ok, f"killed at {point}: {report}"
        engine = Engine.open(dest)
        tags = {t for img in engine.images.list(all=True) for t in engine.images.tags_of(img)}
        assert tags in (set(), {f"{REPO}:1"}), (point, tags)
        if tags:
            image = engine.images.get(f"{REPO}:1")
            assert image.id == expected and all(layer.diff_id for layer in image.layers)
        outcomes.add(bool(tags))
    assert outcomes == {False, True}, outcomes
