"""Notebook display: SVG with `dot`, a table and a text tree without it, and never an exception."""

from __future__ import annotations

import pytest

from simulator import Container, Image, Layer, UnionView
from simulator.viz import INSTALL_HINT, install_reprs, mimebundle, text_tree

from .conftest import requires_dot


@pytest.fixture(autouse=True)
def _reprs():
    install_reprs()


def _objects(scene, result):
    engine, app, _ = scene
    return [app, app.layers[0], engine.containers.get("web"), app.view, engine, result]


@pytest.mark.render
@requires_dot
def test_every_model_object_displays_svg(scene, result):
    for obj in _objects(scene, result):
        bundle = obj._repr_mimebundle_()
        assert bundle["image/svg+xml"].lstrip().startswith("<?xml"), type(obj)
        assert "<svg" in bundle["text/html"] and "<table" in bundle["text/html"]
        assert bundle["text/plain"] == text_tree(obj)


def test_without_dot_shows_table_tree_and_install_line(scene, result, no_dot):
    for obj in _objects(scene, result):
        bundle = obj._repr_mimebundle_()
        assert "image/svg+xml" not in bundle
        assert bundle["text/plain"].endswith(INSTALL_HINT)
        assert bundle["text/plain"].count("Graphviz") == 1
        assert "<table" in bundle["text/html"] and "graphviz.org" in bundle["text/html"]


def test_include_and_exclude(image, no_dot):
    assert set(mimebundle(image, include={"text/plain"})) == {"text/plain"}
    assert "text/html" not in mimebundle(image, exclude={"text/html"})


def test_a_repr_never_raises(monkeypatch, image):
    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr("simulator.viz.display.diagram_for", broken)
    bundle = image._repr_mimebundle_()
    assert "diagram failed: boom" in bundle["text/html"] and bundle["text/plain"]
    monkeypatch.setattr("simulator.viz.display.text_tree", broken)
    assert "text display failed: boom" in image._repr_mimebundle_()["text/plain"]


def test_removed_container_still_displays(scene, no_dot):
    engine, _, _ = scene
    web = engine.containers.get("web")
    web.stop()
    web.remove()
    assert "discarded" in web._repr_mimebundle_()["text/plain"]


def test_reprs_are_installed_on_the_classes():
    for cls in (Layer, Image, Container, UnionView):
        assert callable(getattr(cls, "_repr_mimebundle_", None))


def test_text_trees(scene, result):
    engine, app, _ = scene
    assert text_tree(app).splitlines()[1].startswith("├── (config only) CMD")
    assert "└── L0" in text_tree(app)
    assert "[whiteout]" in text_tree(engine.containers.get("web"))
    assert "SKIPPED" in text_tree(result)
    assert "refs=2" in text_tree(engine)
    assert "← L0" in text_tree(app.view)
    with pytest.raises(TypeError):
        text_tree(42)


def test_model_stays_pure():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['graphviz'] = None; sys.modules['networkx'] = None; "
        "import simulator.model, simulator.model.container"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
