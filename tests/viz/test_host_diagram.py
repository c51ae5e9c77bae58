"""The host diagram: golden DOT text, and what the picture must say (no ``dot`` needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator import Engine
from simulator.runtime import Host
from simulator.viz import diagram_for, host_picture, table_for, text_tree, tree_for
from simulator.viz.host import host_table, host_tree

from .scenes import flat

GOLDEN = Path(__file__).parent / "golden"


def scene() -> Engine:
    """A sleeper with limits, a CPU hog throttled to 1.5 CPUs, and a container OOM-killed."""
    engine = Engine()
    engine.containers.run("busybox", "sleep infinity", detach=True, name="web", mem_limit="512m", cpus=1.5)
    engine.containers.run(
        "busybox", "stress --cpu 2 --vm 1 --vm-bytes 200M", detach=True, name="busy", cpus=1.5
    )
    engine.containers.run(
        "busybox", "stress --vm 1 --vm-bytes 128M", detach=True, name="hog", mem_limit="64m"
    )
    engine.host.advance(2)
    return engine


def test_dot_matches_golden() -> None:
    source = host_picture(scene().host).source
    path = GOLDEN / "host_picture.gv"
    if os.environ.get("LAYERLAB_UPDATE_GOLDEN") or not path.exists():
        path.write_text(source)
        if not os.environ.get("LAYERLAB_UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written; review and commit it")
    assert source == path.read_text()


def test_the_picture_agrees_with_docker_stats() -> None:
    engine = scene()
    dot = host_picture(engine.host).source
    assert "container web running" in flat(dot) and "memory.max 536870912" in dot
    assert "cpu.max 150000 100000 (CPU limit 1.5)" in flat(dot)
    assert "CPU 150.00%" in dot and "150.00%" in engine.host.stats_table()  # busy, throttled
    assert "container hog exited (1)" in flat(dot) and "OOMKilled" in dot
    # a limit is not memory taken: used is what runs, the limits are summed apart
    assert "used 200MiB, free 7.805GiB" in flat(dot) and "sum of memory limits 512MiB" in flat(dot)
    assert 'style="filled,dashed"' in dot  # the exited one, in shape as well as colour


def test_registered_for_the_host() -> None:
    host = scene().host
    assert diagram_for(host).source == host_picture(host).source
    assert tree_for(host) == host_tree(host)
    assert table_for(host) == host_table(host)
    assert "<td>hog</td><td>exited (1)</td>" in host_table(host)
    assert "├── container web · running" in text_tree(host)


def test_an_empty_host() -> None:
    dot = host_picture(Host(cpus=2, memory="1g", name="tiny")).source
    assert "host tiny · 2 CPUs" in flat(dot) and "0 containers" in flat(dot) and "free 1GiB" in flat(dot)
