"""Text trees: the display that needs nothing (no ``dot``, no browser).

``text_tree(obj)`` draws an image, layer, container, union view, engine or build result as a
tree in the style of ``networkx.write_network_text`` (``├──``, ``└──``, ``│``).  Each type
registers its tree with :func:`~simulator.viz.dispatch.tree_for`; the engine's is
:func:`engine_tree`, registered for the engine's class by
:func:`simulator.viz.display.register_engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..builder.result import BuildResult
from ..digest import short_id
from ..model.container import Container, State
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.layer import Layer
from ..model.union import UnionView
from ..text import human_size
from .dispatch import Tree, tree_for
from .style import shorten

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["Tree", "engine_tree", "render_tree", "text_tree"]

MAX_LINES = 60


def render_tree(root: Tree) -> str:
    """``label`` then its children, each subtree indented with box-drawing characters."""
    lines = [root[0]]

    def walk(children: Sequence[Tree], prefix: str) -> None:
        for i, (text, sub) in enumerate(children):
            last = i == len(children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + text)
            walk(sub, prefix + ("    " if last else "│   "))

    walk(root[1], "")
    return "\n".join(lines)


def _cap(items: Sequence[Tree], limit: int = MAX_LINES) -> list[Tree]:
    if len(items) > limit:
        return [*items[:limit], (f"… {len(items) - limit} more", ())]
    return list(items)


def _entry(path: str, entry: Entry, extra: str = "") -> str:
    if entry.kind is Kind.WHITEOUT:
        return f"{path}  [whiteout]{extra}"
    if entry.kind is Kind.DIR:
        return f"{path}/" + ("  [opaque]" if entry.opaque else "") + extra
    if entry.kind is Kind.SYMLINK:
        return f"{path} -> {entry.target}{extra}"
    if entry.kind is Kind.HARDLINK:
        return f"{path} (hard link to {entry.target}){extra}"
    return f"{path}  {entry.mode_string()}  {human_size(entry.size)}{extra}"


@tree_for.register
def _layer(layer: Layer) -> Tree:
    title = f"layer {short_id(layer.diff_id)}  {len(layer)} changes, {human_size(layer.size)}" + (
        f"  {shorten(layer.created_by, 50)}" if layer.created_by else ""
    )
    return (title, _cap([(_entry(p, e), ()) for p, e in layer.entries.items()]))


@tree_for.register
def _image_tree(image: Image) -> Tree:
    return _image(image)


def _image(image: Image, name: str = "") -> Tree:
    rows: list[Tree] = []
    number = len(image.layers)
    for entry, layer in reversed(image.layer_history()):
        if layer is None:
            rows.append((f"(config only) {shorten(entry.created_by, 50)}", ()))
            continue
        number -= 1
        rows.append(
            (
                f"L{number}  {human_size(layer.size):>8}  {shorten(entry.created_by or layer.created_by, 50)}",
                (),
            )
        )
    head = f"image {name + ' ' if name else ''}{image.short_id}  {len(image.layers)} layers, {human_size(image.size)} (top first)"
    return head, rows


@tree_for.register
def _container(c: Container) -> Tree:
    head = f"container {c.name or c.id[:12]} ({c.state.value})  image {c.image.short_id}"
    if c.state is State.REMOVED:
        return head, [("writable layer discarded (removed)", ())]
    upper = [(_entry(p, e), ()) for p, e in sorted(c.upper_entries.items()) if p != "/"]
    return head, [
        (
            f"writable layer  {human_size(c.size_rw)}  ({len(upper)} entries, {len(c.copy_ups)} copy-ups)",
            _cap(upper),
        ),
        _image(c.image),
    ]


@tree_for.register
def _view(view: UnionView) -> Tree:
    rows = [(_entry(o.path, o.entry, f"  ← L{o.layer}"), ()) for o in view.walk()]
    return f"merged view of {len(view.layers)} layers, {len(view)} paths", _cap(rows)


def engine_tree(engine: Engine) -> Tree:
    """The engine's images (layers with their reference counts), containers and df summary."""
    images = []
    for image in sorted(engine.images.list(all=True), key=lambda i: (i.created, i.id)):
        tags = engine.images.tags_of(image)
        layers = [
            (f"L{i} {short_id(chain)} {human_size(layer.size)}  refs={engine.layers.refcount(chain)}", ())
            for i, (chain, layer) in enumerate(zip(image.chain_ids, image.layers, strict=True))
        ]
        images.append(
            (f"{tags[0] if tags else '<none>'}  {image.short_id}  {human_size(image.size)}", layers[::-1])
        )
    containers = [
        (f"{c.name}  {c.status}  image {c.image.short_id}  writable {human_size(c.size_rw)}", ())
        for c in engine.containers.list(all=True)
    ]
    return "engine", [
        (f"images ({len(images)})", images),
        (f"containers ({len(containers)})", containers),
        ("docker system df", [(line, ()) for line in engine.df().table().splitlines()[:3]]),
    ]


@tree_for.register
def _build(result: BuildResult) -> Tree:
    stages: list[Tree] = []
    for stage in result.stages or ():
        steps = [
            (
                f"#{s.number} [{s.position[0]}/{s.position[1]}] {shorten(s.instruction, 44)}  "
                + (
                    "CACHED"
                    if s.cached
                    else "no layer"
                    if s.layer is None
                    else f"rebuilt ({s.miss_reason or 'parent changed'})"
                ),
                (),
            )
            for s in result.steps
            if s.stage_index == stage.index
        ]
        state = "" if stage.built else "  SKIPPED"
        stages.append((f"stage {stage.name or stage.index} FROM {stage.base}{state}", steps))
    if not stages:
        stages = [
            (f"#{s.number} {shorten(s.instruction, 44)} {'CACHED' if s.cached else ''}", ())
            for s in result.steps
        ]
    miss = result.first_miss
    head = f"build {result.tag or result.image.short_id}" + (
        f"  first miss: #{miss.number} ({miss.miss_reason})" if miss else "  all cached"
    )
    return head, stages


def text_tree(obj: object) -> str:
    """A text tree for an image, layer, container, union view, engine or build result."""
    return render_tree(tree_for(obj))
