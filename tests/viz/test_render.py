"""Rendering with Graphviz's `dot` (CI installs it; skipped only where it is truly absent)."""

from __future__ import annotations

import pytest

from simulator.viz import GraphvizMissing, layer_stack, pipe, render, sharing_dag

from .conftest import requires_dot

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@pytest.mark.render
@requires_dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_render_writes_each_slide_format(tmp_path, scene, fmt):
    engine, _, _ = scene
    out = render(sharing_dag(engine), tmp_path / f"dag.{fmt}")
    assert out.read_bytes().startswith(MAGIC[fmt])
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"dag.{fmt}"]  # no stray .gv file


@pytest.mark.render
@requires_dot
def test_png_is_high_resolution(tmp_path, image):
    data = pipe(layer_stack(image), "png")
    width = int.from_bytes(data[16:20], "big")
    assert width > 1000  # 150 dpi: sharp at full slide width


@pytest.mark.render
@requires_dot
def test_svg_keeps_the_words(image):
    svg = pipe(layer_stack(image), "svg").decode()
    assert "COPY main.py /app/" in svg and "Legend" in svg


def test_render_without_dot_says_how_to_install(tmp_path, image, no_dot):
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        render(layer_stack(image), tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()


def test_unknown_format(image):
    with pytest.raises(ValueError, match="svg, png, pdf"):
        pipe(layer_stack(image), "gif")
