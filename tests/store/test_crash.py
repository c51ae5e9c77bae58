"""Crash safety: a child process killed (SIGKILL) at many points of a load, a build, a container
write, a commit and an rmi; the store it leaves opens, passes fsck, holds every completed operation,
and of the interrupted one either all or nothing.

The crash points are the store's own (``LAYERLAB_STORE_CRASH=<point>:<n>`` kills at the n-th one:
a blob written but not renamed, renamed, before COMMIT, after COMMIT, index.json written).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import Engine, Entry, Image, Layer
from simulator.oci import write_layout
from simulator.store import fsck

from . import _scenario

ROOT = Path(__file__).resolve().parents[2]
OPS = ["load", "build", "create", "write", "commit", "rmi"]


def _reference(layout: Path) -> dict[str, dict[str, str]]:
    """Tags -> image ID after each operation, from the same scenario in memory."""
    engine = Engine()
    states = {}
    engine.images.load(layout)
    states["load"] = _observed(engine)
    engine.build(_scenario.BUILD, tag="built:1")
    states["build"] = _observed(engine)
    c = engine.containers.create("built:1", name="work")
    states["create"] = _observed(engine)
    c.write_file("/data.txt", b"written from python\n")
    states["write"] = _observed(engine)
    c.commit(repository="committed", tag="1")
    states["commit"] = _observed(engine)
    engine.images.remove("loaded:1")
    states["rmi"] = _observed(engine)
    return states


def _observed(engine: Engine) -> dict[str, str]:
    return {t: img.id for img in engine.images.list(all=True) for t in engine.images.tags_of(img)}


@pytest.mark.slow
def test_killed_at_any_point_the_store_holds_the_completed_operations(tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    base = Image.of([Layer.of({"/bin": Entry.directory(), "/bin/tool": Entry.file(b"#!tool\n", mode=0o755)})])
    write_layout(base, layout, ["loaded:1"])
    states = _reference(layout)
    _scenario.crash(str(tmp_path / "ref"), str(layout), str(tmp_path / "ref-done"))
    assert _observed(Engine.open(tmp_path / "ref")) == states["rmi"]  # on disk: the same IDs
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    killed_at = set()
    points = [f"before-commit:{k}" for k in range(1, 7)]
    points += [
        "after-commit:2",
        "after-commit:5",
        "blob-written:1",
        "blob-renamed:4",
        "index-written:3",
        "*:9",
    ]
    for n in points:
        run = tmp_path / f"run-{n.replace(':', '-').replace('*', 'any')}"
        run.mkdir()
        done = run / "done"
        proc = subprocess.run(
            [sys.executable, "-m", "store._scenario", "crash", str(run / "store"), str(layout), str(done)],
            env={**env, "LAYERLAB_STORE_CRASH": n},
            cwd=ROOT,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode in (0, -signal.SIGKILL), proc.stderr.decode()
        completed = done.read_text().split() if done.exists() else []
        assert completed == OPS[: len(completed)]
        if proc.returncode == 0:
            assert completed == OPS
            continue
        killed_at.add(len(completed))
        report = fsck(run / "store")
        assert report.ok, f"killed at crash point {n}: {report}"
        engine = Engine.open(run / "store")  # opens
        tags = _observed(engine)
        before = states[completed[-1]] if completed else {}
        after = states[OPS[len(completed)]]
        assert tags in (before, after), f"crash point {n}, after {completed}: {tags}"
        for tag, image_id in tags.items():  # no half image: every image builds, layers and all
            image = engine.images.get(tag)
            assert image.id == image_id and all(layer.diff_id for layer in image.layers)
        names = {c.name for c in engine.containers.list(all=True)}
        assert names <= {"work"}
        if len(completed) != 2:  # during "create" either is right
            assert ("work" in names) == (len(completed) >= 3)
        if len(completed) >= 4:  # the write from Python completed: it is on disk
            assert engine.containers.get("work").read_file("/data.txt") == b"written from python\n"
        assert fsck(run / "store").ok
    assert killed_at == set(range(len(OPS))), f"no crash during some operations: {sorted(killed_at)}"
