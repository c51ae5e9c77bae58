"""Nothing outlives its owner: mounts and directories go on close, on collection and at exit."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.backends import OverlayBackend, availability
from simulator.backends.overlayfs import mounts_under
from simulator.model import Entry, Image, Layer

pytestmark = pytest.mark.real

IMAGE = Image.of([Layer.of({"/etc/": Entry.directory(), "/etc/hostname": Entry.file(b"box\n")})])


def _needs_overlay(state: Path) -> None:
    found = availability(str(state))
    if not found.ok:
        pytest.skip(f"overlayfs backend unavailable: {found.reason}")


def _mounts(state: Path) -> list[str]:
    with open("/proc/mounts") as f:
        return [line.split()[1] for line in f if line.split()[1].startswith(str(state))]


SCRIPT = """
import gc, sys
from simulator import Engine
from simulator.model import Entry, Image, Layer

IMAGE = Image.of([Layer.of({"/etc/": Entry.directory(), "/etc/hostname": Entry.file(b"box\\n")})])

def lesson(n):
    engine = Engine(backend="overlayfs", state_dir=sys.argv[1])
    engine.images.add(IMAGE, "demo:1")
    c = engine.containers.create("demo:1", name=f"c{n}")
    c.write_file("/etc/hostname", b"changed")
    print("mounted", c.merged_dir, flush=True)

for n in range(3):
    lesson(n)              # the engine is dropped without close()
gc.collect()
print("collected", flush=True)
{at_exit}
"""


@pytest.mark.parametrize(
    "at_exit",
    [
        "",  # collected before exit
        "keep = [Engine(backend='overlayfs', state_dir=sys.argv[1])]\n"
        "keep[0].images.add(IMAGE, 'demo:1')\nkeep[0].containers.create('demo:1')",  # alive at exit
    ],
    ids=["collected", "alive-at-exit"],
)
def test_dropped_engines_leave_no_mount(tmp_path: Path, at_exit: str) -> None:
    state = tmp_path / "state"
    _needs_overlay(state)
    code = textwrap.dedent(SCRIPT).replace("{at_exit}", at_exit)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", code, str(state)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("mounted") == 3 and "collected" in done.stdout
    assert _mounts(state) == [] and mounts_under(str(state)) == []
    assert os.listdir(state / "containers") == []  # the container directories went too


def test_collecting_a_backend_unmounts_its_containers(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _needs_overlay(state)
    backend = OverlayBackend.create(str(state))
    container = backend.new_container(IMAGE)
    merged = container.merged_dir
    assert merged in _mounts(state)
    del backend, container
    gc.collect()
    assert _mounts(state) == [] and not os.path.exists(merged)


def test_close_then_collection_does_nothing_twice(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _needs_overlay(state)
    with OverlayBackend.create(str(state)) as backend:
        container = backend.new_container(IMAGE)
        container.close()
        assert _mounts(state) == []
    del container
    gc.collect()
    assert _mounts(state) == []
