"""Progress of long work: the engine reports (done, total, what); the terminal bar and the Jupyter
widget bar draw it; nothing is drawn when standard error is not a terminal or outside Jupyter."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator import Engine, Entry, Image, Layer
from simulator.cli.progress import Progress
from simulator.oci import write_layout
from simulator.registry import Registry, serve
from simulator.widgets import progress as widget_progress
from simulator.widgets.progress import WidgetProgress, lab_engine, notebook_progress

from ._helpers import ROOT, cli, layerlab


@pytest.fixture
def three_layers(tmp_path: Path) -> Path:
    image = Image.of([Layer.of({f"/f{i}": Entry.file(b"x" * (i + 1))}) for i in range(3)])
    write_layout(image, tmp_path / "layout", ["three:1"])
    return tmp_path / "layout"


def test_the_widget_bar_after_loading_a_three_layer_image(three_layers: Path) -> None:
    bar = WidgetProgress("Loading", display=False)
    (image,) = Engine().images.load(three_layers, progress=bar)
    assert len(image.layers) == 3
    assert (bar.bar.value, bar.bar.max, bar.bar.description) == (3, 3, "Loading")
    assert bar.text.value == "loaded"
    assert bar.bar.bar_style == "success"


def test_lab_engine_shows_widget_bars_only_in_jupyter(
    three_layers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert notebook_progress("Loading") is None  # not in a kernel: no bar, no output
    made: list[WidgetProgress] = []

    def fake(label: str) -> WidgetProgress:
        made.append(WidgetProgress(label, display=False))
        return made[-1]

    monkeypatch.setattr(widget_progress, "notebook_progress", fake)
    engine = lab_engine(tmp_path / "store")
    assert engine.root == str(tmp_path / "store")
    engine.images.load(three_layers)
    assert [(w.bar.value, w.bar.max) for w in made] == [(3, 3)]
    assert Engine.open(tmp_path / "store").images.get("three:1").id  # kept on disk


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_terminal_bar_follows_the_engines_reports(three_layers: Path) -> None:
    stream = _Terminal()
    with Progress("Loading", stream=stream) as bar:
        Engine().images.load(three_layers, progress=bar.report)
    assert "[==============================] 3/3" in stream.getvalue()
    quiet = io.StringIO()  # not a terminal: nothing at all
    with Progress("Loading", stream=quiet) as bar:
        Engine().images.load(three_layers, progress=bar.report)
    assert quiet.getvalue() == ""


def test_layerlab_load_is_quiet_when_stderr_is_not_a_terminal(three_layers: Path) -> None:
    result = cli("load", "-i", str(three_layers), engine=Engine())
    assert result.status == 0
    assert result.out == "Loaded image: three:1\n"
    assert result.err == ""


# -- every long command: a bar on a terminal (a pty here), nothing otherwise -------------------
def _layerlab_on_a_tty(*argv: str, root: Path, timeout: float = 120) -> tuple[int, str, str]:
    """``layerlab ARGV`` as a separate process whose standard error is a pseudo-terminal."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("LAYERLAB_ROOT", "XDG_DATA_HOME")}
    env.update(PYTHONPATH=str(ROOT), LAYERLAB_ROOT=str(root))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
            cwd=ROOT,
        )
        os.close(slave)
        slave = -1
        err = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            err += chunk
        assert proc.stdout is not None
        out = proc.stdout.read().decode()
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return status, out, err.decode(errors="replace")


FULL = "[" + "=" * Progress.width + "]"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (os.openpty)")
def test_layerlab_draws_a_bar_for_each_long_command_on_a_tty(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo a > /a\nRUN echo b > /b\n")
    root = tmp_path / "store"
    with serve(Registry()) as server:
        ref = f"{server.address}/app:1"
        commands = {
            "build": ["build", "-t", ref, "-t", "app:1", str(context)],
            "save": ["save", "-o", str(tmp_path / "app.tar"), ref],
            "analyze": ["analyze", "app:1"],
            "push": ["push", ref],
            "load": ["load", "-i", str(tmp_path / "app.tar")],
        }
        drawn = {}
        for name, argv in commands.items():
            status, _, err = _layerlab_on_a_tty(*argv, root=root)
            assert status == 0, err
            drawn[name] = err
        status, _, err = _layerlab_on_a_tty("pull", ref, root=tmp_path / "other")
        assert status == 0, err
        drawn["pull"] = err
    assert f"{FULL} 3/3" in drawn["build"] and "[2/3] RUN echo a > /a" in drawn["build"]
    assert f"{FULL} 3/3" in drawn["save"] and "saved app.tar" in drawn["save"]
    assert f"{FULL} 6/6" in drawn["analyze"]  # each layer read twice: wasted bytes, dive's numbers
    assert f"{FULL} 4/4" in drawn["push"]  # three layers and the config
    assert f"{FULL} 4/4" in drawn["pull"] and "Status: Downloaded newer image" in drawn["pull"]
    assert f"{FULL} 3/3" in drawn["load"]
    assert all("\r\x1b[K" in err for err in drawn.values())


def test_layerlab_draws_nothing_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo a > /a\n")
    root = tmp_path / "store"
    with serve(Registry()) as server:
        ref = f"{server.address}/app:1"
        results = [
            layerlab("build", "-q", "-t", ref, "-t", "app:1", str(context), root=root),
            layerlab("save", "-o", str(tmp_path / "app.tar"), ref, root=root),
            layerlab("analyze", "app:1", root=root),
            layerlab("push", ref, root=root),
            layerlab("pull", ref, root=tmp_path / "other"),
        ]
    for result in results:
        assert result.status == 0, result.err
        assert "\x1b[K" not in result.err and "\r" not in result.err
    assert results[3].err == "" and ": Pushed" in results[3].out  # Docker's per-layer lines stay
    assert results[4].err == "" and ": Pull complete" in results[4].out


def test_the_widget_bar_through_a_build_and_a_push(monkeypatch: pytest.MonkeyPatch) -> None:
    made: dict[str, WidgetProgress] = {}

    def fake(label: str = "") -> WidgetProgress:
        made[label] = WidgetProgress(label, display=False)
        return made[label]

    monkeypatch.setattr(widget_progress, "notebook_progress", fake)
    engine = lab_engine()
    result = engine.build("FROM alpine:3.20\nRUN echo a > /a\nRUN echo b > /b\n", {}, tag="app:1")
    building = made["Building"]
    assert (building.bar.value, building.bar.max, building.bar.bar_style) == (3, 3, "success")
    assert building.text.value == f"writing image {result.image.id}"
    engine.images.push("app:1", Registry(), quiet=True)
    pushing = made["Pushing"]
    assert (pushing.bar.value, pushing.bar.max, pushing.bar.bar_style) == (4, 4, "success")
    assert pushing.text.value.startswith("1: digest: sha256:")
    seen: list[tuple[int, int]] = []
    bar = WidgetProgress("Building", display=False)

    def explicit(done: int, total: int, what: str) -> None:
        bar(done, total, what)
        seen.append((bar.bar.value, bar.bar.max))

    engine.build("FROM alpine:3.20\nRUN echo c > /c\n", {}, progress=explicit)
    assert seen == [(0, 2), (0, 2), (1, 2), (2, 2)]  # an explicit bar: per step, then done
