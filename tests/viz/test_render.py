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


# ---------------------------------------------------------------------------------------------
# slides and handouts: viz.render(obj, "x.svg" | ".png" | ".pdf", theme="slides" | "handout")


def _font_sizes(svg: str) -> list[float]:
    import re

    return [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]


@pytest.mark.render
@requires_dot
@pytest.mark.parametrize("theme", ["slides", "handout"])
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_render_for_slides_and_handouts(tmp_path, scene, theme, fmt):
    _engine, app, _ = scene
    out = render(app, tmp_path / f"app.{fmt}", theme=theme)  # a model object: its default diagram
    assert out.read_bytes().startswith(MAGIC[fmt])
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"app.{fmt}"]


@pytest.mark.render
@requires_dot
def test_slides_text_is_half_as_large_again(image):
    plain = pipe(layer_stack(image), "svg").decode()
    slides = pipe(layer_stack(image), "svg", theme="slides").decode()
    assert "COPY main.py /app/" in slides
    assert min(_font_sizes(slides)) == pytest.approx(1.5 * min(_font_sizes(plain)))
    assert max(_font_sizes(slides)) == pytest.approx(1.5 * max(_font_sizes(plain)))


@pytest.mark.render
@requires_dot
def test_handout_png_is_printed_at_300_dpi(image):
    notebook = pipe(layer_stack(image), "png")
    handout = pipe(layer_stack(image), "png", theme="handout")
    width = int.from_bytes(handout[16:20], "big")
    assert width == pytest.approx(2 * int.from_bytes(notebook[16:20], "big"), rel=0.02)


def test_a_theme_leaves_the_diagram_unchanged(image):
    from simulator.viz import themed

    graph = layer_stack(image)
    before = graph.source
    slides = themed(graph, "slides")
    assert graph.source == before and slides.source != before
    assert "fontsize=24" in slides.source and "fontsize=16" not in slides.source


def test_unknown_theme(image):
    with pytest.raises(ValueError, match="notebook, slides, handout"):
        pipe(layer_stack(image), "svg", theme="poster")
