"""Progress of long work: the engine reports (done, total, what); the terminal bar and the Jupyter
widget bar draw it; nothing is drawn when standard error is not a terminal or outside Jupyter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator import Engine, Entry, Image, Layer
from simulator.cli.progress import Progress
from simulator.oci import write_layout
from simulator.widgets import progress as widget_progress
from simulator.widgets.progress import WidgetProgress, lab_engine, notebook_progress

from ._helpers import cli


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
