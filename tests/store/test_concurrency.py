"""Two processes building, running and committing against one store at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import Engine
from simulator.store import fsck

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_two_processes_lose_no_update_and_corrupt_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    Engine.open(store).images.pull("alpine:3.20")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    rounds = 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "store._scenario", "worker", str(store), name, str(rounds)],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for name in ("alpha", "beta")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    report = fsck(store)
    assert report.ok, str(report)
    engine = Engine.open(store)
    tags = {t for img in engine.images.list() for t in engine.images.tags_of(img)}
    expected = {"alpine:3.20"}
    for name in ("alpha", "beta"):
        for i in range(rounds):
            expected |= {f"{name}-{i}:1", f"{name}-commit-{i}:1"}
    assert tags == expected  # no lost update
    names = sorted(c.name for c in engine.containers.list(all=True))
    assert names == sorted(f"{n}-run-{i}" for n in ("alpha", "beta") for i in range(rounds))
    assert len({c.id for c in engine.containers.list(all=True)}) == 2 * rounds  # no ID given twice
    for i in range(rounds):
        image = engine.images.get(f"beta-commit-{i}:1")
        assert (
            image.view.read_file("/note") == b"beta"
            and image.view.read_file("/who") == f"beta-{i}\n".encode()
        )
