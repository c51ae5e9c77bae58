"""Every widget keeps working with no Graphviz: its diagram pane shows a text tree and one
install hint (never DOT source, never a traceback), and its buttons still do their work."""

from __future__ import annotations

import re
import shutil

import pytest

from simulator import Engine
from simulator.viz import INSTALL_HINT
from simulator.widgets import BuildStepper, ContainerPlayground, LayerExplorer, SharingDashboard

DOT_SYNTAX = re.compile(r"-&gt;|->|fillcolor|digraph|\[label=|penwidth|rankdir")


@pytest.fixture
def no_dot(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("dot") is None


def _text_only(value: str) -> None:
    assert "<svg" not in value
    assert value.count("Install Graphviz") == 1, value
    assert not DOT_SYNTAX.search(value.replace(INSTALL_HINT, "")), value


def test_stepper_without_dot(no_dot) -> None:
    stepper = BuildStepper(Engine())
    stepper.build_button.click()
    _text_only(stepper.diagram.widget.value)
    assert "L" in stepper.diagram.widget.value
    stepper.view.value = "whole build"
    _text_only(stepper.diagram.widget.value)
    assert "FROM busybox" in stepper.diagram.widget.value
    stepper.slider.value = 1
    _text_only(stepper.diagram.widget.value)


def test_playground_without_dot(no_dot) -> None:
    pg = ContainerPlayground(Engine(), "busybox", containers=2)
    pg.command.value = "echo hi > /tmp/x"
    pg.run_button.click()
    _text_only(pg.diagram.widget.value)
    assert "/tmp/x" in pg.diagram.widget.value


def test_explorer_without_dot(no_dot) -> None:
    engine = Engine()
    engine.images.build("FROM busybox\nRUN echo x > /x\n", context={}, tag="x:1")
    explorer = LayerExplorer(engine, "x:1")
    _text_only(explorer.diagram.widget.value)
    assert "A /x" in explorer.lines


def test_dashboard_without_dot(no_dot) -> None:
    dash = SharingDashboard(Engine())
    dash.pull_picker.value = "busybox:latest"
    dash.pull_button.click()
    dash.run_button.click()
    _text_only(dash.diagram.widget.value)
    assert "containers (1)" in dash.diagram.widget.value
