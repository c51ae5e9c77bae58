"""dive's efficiency numbers, computed the way dive computes them (quirks included).

`dive <https://github.com/wagoodman/dive>`_ (``dive/filetree/efficiency.go`` and
``dive/image/analysis.go``) builds one file tree per layer from the layer's tar headers and:

1. visits only the **leaves** of each layer's tree (files, links, whiteouts and directories with
   no children *in that layer*), children in sorted order, deepest first;
2. keys everything by path; a whiteout counts under the path it deletes, with size 0 when the
   deleted thing was not a directory and, for a directory, the sum of every node below it in
   the layers underneath (a directory is one only if its own tar entry said so: a parent
   directory that is only implied by a deeper path is not);
3. per path keeps the sum of sizes (``CumulativeSize``) and the smallest size seen; a path seen
   in two or more layers is "inefficient";
4. score = Σ smallest / Σ cumulative over all paths (1.0 when nothing has bytes);
5. wasted bytes = Σ ``CumulativeSize`` of the inefficient paths — *including* the copy that is
   kept; user size = every layer's size except the first (layer 0 is taken as "the base image"
   whatever the base really has), and user-wasted percent = wasted / user size;
6. sizes are tar header sizes: regular files only (symlinks, hard links and directories are 0);
7. opaque-directory markers (``.wh..wh..opq``) are skipped entirely, so an opaque directory
   hides nothing and the bytes below it are not counted as wasted.

Differences from :func:`simulator.analysis.efficiency` are explained in ``docs/analysis.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..digest import short_id
from ..model.entries import Kind
from ..model.image import Image
from ..model.layer import Layer

__all__ = ["DivePath", "DiveReport", "dive_efficiency", "humanize_bytes"]


@dataclass
class _Node:
    """One node of a layer tree: ``is_dir``/``size`` come from the tar entry (none if implied)."""

    size: int = 0
    is_dir: bool = False
    whiteout: bool = False
    children: dict[str, _Node] = field(default_factory=dict)


def _layer_tree(layer: Layer) -> _Node:
    root = _Node()
    for path, entry in layer.entries.items():
        if entry.kind is Kind.DIR and entry.opaque:
            pass  # the directory's own entry is kept; its .wh..wh..opq marker is skipped (quirk 7)
        node = root
        parts = path.strip("/").split("/")
        for name in parts[:-1]:
            node = node.children.setdefault(name, _Node())
        last = parts[-1]
        if entry.kind is Kind.WHITEOUT:
            node.children[".wh." + last] = _Node(whiteout=True)
            continue
        child = node.children.setdefault(last, _Node())
        child.size = entry.size if entry.kind is Kind.FILE else 0
        child.is_dir = entry.kind is Kind.DIR
    return root


def _walk(node: _Node, prefix: str = "") -> Iterator[tuple[str, _Node]]:
    """(path, node) for every node below ``node``, children sorted, deepest first."""
    for name in sorted(node.children):
        child = node.children[name]
        path = f"{prefix}/{name}"
        yield from _walk(child, path)
        yield path, child


def _visible_path(path: str, node: _Node) -> str:
    if node.whiteout:
        head, _, name = path.rpartition("/")
        return f"{head}/{name[len('.wh.') :]}"
    return path


def _stack(trees: list[_Node], stop: int) -> _Node:
    """The trees 0..stop stacked as dive stacks them (whiteouts remove, others overwrite data)."""
    root = _Node()
    for tree in trees[: stop + 1]:
        for path, node in _walk(tree):
            parts = path.strip("/").split("/")
            if node.whiteout:
                parent = _get(root, parts[:-1])
                if parent is not None:
                    parent.children.pop(parts[-1][len(".wh.") :], None)
                continue
            target = root
            for name in parts:
                target = target.children.setdefault(name, _Node())
            target.size, target.is_dir = node.size, node.is_dir
    return root


def _get(root: _Node, parts: list[str]) -> _Node | None:
    node = root
    for name in parts:
        if name not in node.children:
            return None
        node = node.children[name]
    return node


def _subtree_size(node: _Node) -> int:
    return node.size + sum(_subtree_size(c) for c in node.children.values())


@dataclass(frozen=True)
class DivePath:
    """One of dive's "inefficient files": a path seen in ``count`` layers."""

    path: str
    count: int
    cumulative_size: int
    layers: tuple[int, ...]


@dataclass(frozen=True)
class DiveReport:
    """dive's analysis numbers (``dive --ci`` prints them)."""

    efficiency: float
    size_bytes: int
    user_size_bytes: int
    wasted_bytes: int
    inefficiencies: tuple[DivePath, ...]
    """Largest first, as dive's CI report and export list them."""

    @property
    def user_wasted_percent(self) -> float:
        """wasted / user bytes as a fraction (dive prints it ×100); ``inf``/``nan`` when user is 0."""
        if self.user_size_bytes == 0:
            return float("nan") if self.wasted_bytes == 0 else float("inf")
        return self.wasted_bytes / self.user_size_bytes

    def ci_text(self) -> str:
        """The analysis lines and the "Inefficient Files" table of ``dive --ci``."""
        lines = [
            f"  efficiency: {self.efficiency * 100:2.4f} %",
            f"  wastedBytes: {self.wasted_bytes} bytes ({humanize_bytes(self.wasted_bytes)})",
            f"  userWastedPercent: {self.user_wasted_percent * 100:2.4f} %",
            "Inefficient Files:",
            f"{'Count':>5}  {'Wasted Space':>12}  File Path",
        ]
        if not self.inefficiencies:
            lines.append("None")
        for p in self.inefficiencies:
            lines.append(f"{p.count:>5}  {humanize_bytes(p.cumulative_size):>12}  {p.path}")
        return "\n".join(lines)


def humanize_bytes(n: int) -> str:
    """go-humanize's ``Bytes``: SI units with a space, one decimal below 10 (``6.4 kB``, ``13 kB``)."""
    if n < 10:
        return f"{n} B"
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    exponent = 0
    value = float(n)
    while value >= 1000 and exponent < len(units) - 1:
        value /= 1000
        exponent += 1
    value = int(n / 1000**exponent * 10 + 0.5) / 10  # go-humanize rounds to one decimal first
    return f"{value:.1f} {units[exponent]}" if value < 10 else f"{value:.0f} {units[exponent]}"


def dive_efficiency(image: Image, progress: Callable[[int, int, str], None] | None = None) -> DiveReport:
    """dive's efficiency score, wasted bytes and inefficient files for ``image``.

    ``progress`` is called ``(done, total, what)`` per layer read (total: the image's layers).
    """
    trees = [_layer_tree(layer) for layer in image.layers]
    data: dict[str, list[int]] = {}  # path -> [cumulative, minimum]
    layers_of: dict[str, list[int]] = {}
    matches: list[str] = []
    for index, tree in enumerate(trees):
        stacked: _Node | None = None
        for path, node in _walk(tree):
            if node.children:
                continue  # only leaves are visited (quirk 1)
            key = _visible_path(path, node)
            if node.whiteout:
                if stacked is None:
                    stacked = _stack(trees, index - 1)
                below = _get(stacked, key.strip("/").split("/"))
                if below is None:
                    break  # dive's visitor returns an error here and stops visiting this layer
                size = _subtree_size(below) if below.is_dir else 0
            else:
                size = node.size
            entry = data.setdefault(key, [0, -1])
            entry[0] += size
            if entry[1] < 0 or size < entry[1]:
                entry[1] = size
            layers_of.setdefault(key, []).append(index)
            if len(layers_of[key]) == 2:
                matches.append(key)
        if progress is not None:
            progress(
                index + 1,
                len(trees),
                f"read layer {index + 1}/{len(trees)} {short_id(image.layers[index].diff_id)}",
            )
    minimum = sum(v[1] for v in data.values())
    discovered = sum(v[0] for v in data.values())
    score = 1.0 if discovered == 0 else minimum / discovered
    ordered = sorted(matches, key=lambda k: data[k][0])  # stable, as Go's insertion sort for < 12 items
    paths = tuple(DivePath(k, len(layers_of[k]), data[k][0], tuple(layers_of[k])) for k in reversed(ordered))
    sizes = [sum(e.size for e in layer.entries.values() if e.kind is Kind.FILE) for layer in image.layers]
    return DiveReport(score, sum(sizes), sum(sizes[1:]), sum(p.cumulative_size for p in paths), paths)
