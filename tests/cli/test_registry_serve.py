"""``layerlab registry serve``: the store's registry over HTTP; what is pushed survives a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.engine import Engine
from simulator.store import fsck

from ._helpers import ROOT, layerlab


@contextmanager
def _serving(root: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LAYERLAB_ROOT", "LAYERLAB_STORE_CRASH")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "--root", str(root), "registry", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "Serving registry.local on 127.0.0.1:PORT (store ...)"
        assert line.startswith("Serving registry.local on 127.0.0.1:"), line + (
            proc.stderr.read() if proc.stderr else ""
        )
        yield line.split()[3]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_pushed_to_a_served_store_pulled_after_a_restart(tmp_path: Path) -> None:
    registry_root = tmp_path / "registry-store"
    with _serving(registry_root) as address:
        engine = Engine()
        engine.images.tag(engine.images.pull("alpine:3.20"), f"{address}/class/alpine:3.20")
        engine.images.push(f"{address}/class/alpine:3.20", quiet=True)
        expected = engine.images.get("alpine:3.20").id
    with _serving(registry_root) as address:  # a new server process on the same store
        pulled = layerlab("pull", f"{address}/class/alpine:3.20", root=tmp_path / "client")
        assert pulled.status == 0, pulled.err
        assert f"Status: Downloaded newer image for {address}/class/alpine:3.20" in pulled.out
    assert Engine.open(tmp_path / "client").images.get(f"{address}/class/alpine:3.20").id == expected
    report = fsck(registry_root)
    assert report.ok and report.manifests == 1, report
