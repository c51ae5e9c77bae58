"""Golden tests: the DOT text of each diagram is stable (ids, order, attributes).

Regenerate after an intended change with ``LAYERLAB_UPDATE_GOLDEN=1 pytest tests/viz`` and
review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator import viz

from .scenes import app_image, build_result, engine_scene

GOLDEN = Path(__file__).parent / "golden"


def _diagrams():
    engine, app, _ = engine_scene()
    web = engine.containers.get("web")
    return {
        "layer_stack": lambda: viz.layer_stack(app_image(), name="app:1"),
        "layer_tree": lambda: viz.layer_tree(app_image().layers[2]),
        "sharing_dag": lambda: viz.sharing_dag(engine),
        "overlay_upper": lambda: viz.overlay(web, "/app/new.txt"),
        "overlay_opaque": lambda: viz.overlay(web, "/var/cache/old.db"),
        "copy_up_chmod": lambda: viz.copy_up(web, "/bin/sh"),
        "copy_up_write": lambda: viz.copy_up(web, web.copy_ups[1]),
        "build": lambda: viz.build_graph(build_result()),
        "content_addressing": lambda: viz.content_addressing(app, 1),
    }


@pytest.mark.parametrize("name", sorted(_diagrams()))
def test_dot_matches_golden(name):
    source = _diagrams()[name]().source
    path = GOLDEN / f"{name}.gv"
    if os.environ.get("LAYERLAB_UPDATE_GOLDEN") or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(source)
        if not os.environ.get("LAYERLAB_UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written; review and commit it")
    assert source == path.read_text()


@pytest.mark.parametrize("name", sorted(_diagrams()))
def test_dot_is_stable_across_calls(name):
    make = _diagrams()[name]
    assert make().source == make().source
