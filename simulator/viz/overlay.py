"""Diagrams 3 and 4: a container's overlay, and one copy-up before and after.

The overlay is drawn as overlayfs mounts it: the image's layers (read-only, ``lowerdir``) with
the container's writable layer (``upperdir``) on top.  For a chosen path the lookup runs top
down and stops at the first layer that has the name (or a whiteout for it, or an opaque
directory above it); that layer is drawn with a thick double border.
"""

from __future__ import annotations

import graphviz

from ..model.container import Container, CopyUp, State
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.paths import ancestors
from ..model.union import UnionView
from .dispatch import diagram_for
from .style import CONTINUED, LINE, add_legend, new_digraph, node, size_text, wrap

__all__ = ["copy_up", "overlay"]

MAX_MARKS = 6
"""Whiteouts / opaque directories listed per layer before ``+N more``."""


def _describe(entry: Entry) -> str:
    if entry.kind is Kind.FILE:
        return f"file {entry.mode_string()} {entry.uid}:{entry.gid} {size_text(entry.size)}"
    if entry.kind is Kind.DIR:
        return f"directory {entry.mode_string()}" + (" (opaque)" if entry.opaque else "")
    if entry.kind is Kind.SYMLINK:
        return f"symlink → {entry.target}"
    if entry.kind is Kind.HARDLINK:
        return f"hard link → {entry.target}"
    return "whiteout"


def _layers(obj: Container | Image) -> tuple[Image, list[tuple[str, str, dict[str, Entry]]]]:
    """(image, [(node id, title, entries)]) bottom to top, the writable layer last."""
    image = obj.image if isinstance(obj, Container) else obj
    rows = [
        (
            f"L{i}",
            "\n".join(
                [f"L{i} · {size_text(layer.size)}", *wrap(layer.created_by or "(no command recorded)")]
            ),
            dict(layer.entries),
        )
        for i, layer in enumerate(image.layers)
    ]
    if isinstance(obj, Container):
        upper = {} if obj.state is State.REMOVED else {p: e for p, e in obj.upper_entries.items() if p != "/"}
        size = 0 if obj.state is State.REMOVED else obj.size_rw
        rows.append(
            (
                "upper",
                f"writable layer (upperdir)\n{size_text(size)}\ncontainer {obj.name or obj.id[:12]}",
                upper,
            )
        )
    return image, rows


def _lookup(rows: list[tuple[str, str, dict[str, Entry]]], path: str) -> tuple[str | None, dict[str, str]]:
    """Top-down lookup: the layer the path resolves from, and what each layer says about it."""
    notes: dict[str, str] = {}
    resolved: str | None = None
    stopped = False
    for nid, _, entries in reversed(rows):
        entry = entries.get(path)
        if stopped:
            if entry is not None and entry.kind is not Kind.WHITEOUT:
                hidden = "merged below it" if entry.kind is Kind.DIR and resolved else "hidden"
                notes[nid] = f"{path}: {_describe(entry)} ({hidden})"
            continue
        if entry is not None:
            stopped = True
            if entry.kind is Kind.WHITEOUT:
                notes[nid] = f"{path}: whiteout, lookup stops (not found)"
            else:
                resolved = nid
                notes[nid] = f"{path}: {_describe(entry)} ← resolves here"
            continue
        for anc in ancestors(path):
            above = entries.get(anc)
            if above is None:
                continue
            if above.kind is Kind.WHITEOUT:
                notes[nid], stopped = f"{anc} is a whiteout: {path} not found", True
            elif above.kind is Kind.DIR and above.opaque:
                notes[nid], stopped = f"{anc}/ is opaque: lower layers hidden", True
            elif above.kind is not Kind.DIR:
                notes[nid], stopped = f"{anc} is not a directory here: {path} not found", True
            break
    return resolved, notes


def overlay(obj: Container | Image, path: str | None = None) -> graphviz.Digraph:
    """A container's (or image's) overlay: layers bottom to top, writable layer on top.

    Args:
        obj: a container (writable layer included) or an image.
        path: if given, the lookup of this path is drawn: the layer it resolves from is
            highlighted and every layer that holds the name says what it holds there.
    """
    image, rows = _layers(obj)
    what = f"container {obj.name or obj.id[:12]}" if isinstance(obj, Container) else f"image {image.short_id}"
    title = f"overlay of {what}" + (f": where does {path} come from?" if path else "")
    g = new_digraph("overlay", title, rankdir="BT")
    resolved, notes = _lookup(rows, path) if path else (None, {})
    used = {"layer"}
    previous = None
    for nid, text, entries in rows:
        look = "writable" if nid == "upper" else "layer"
        used.add(look)
        lines = text.split("\n")
        if nid in notes:
            lines.extend(wrap(notes[nid], LINE, 3))
        extra = {}
        if nid == resolved:
            used.add("resolved")
            extra = {"peripheries": "2", "penwidth": "3.5"}
        node(g, nid, look, *lines, **extra)
        if previous is not None:
            g.edge(previous, nid)
        previous = nid
        whiteouts = [p for p, e in entries.items() if e.kind is Kind.WHITEOUT]
        opaques = [p for p, e in entries.items() if e.kind is Kind.DIR and e.opaque]
        beside = None  # the marks of a layer stand in one column beside it, not in a row
        for kind, items in (("whiteout", whiteouts), ("opaque", opaques)):
            if not items:
                continue
            used.add(kind)
            word = "whiteout" if kind == "whiteout" else "opaque dir"
            # narrow: the word on a line of its own, then the paths
            shown = [word + CONTINUED, items[0]] if len(items) == 1 else [word + "s", *items[:MAX_MARKS]]
            if len(items) > MAX_MARKS:
                shown.append(f"+{len(items) - MAX_MARKS} more")
            mark = f"{nid}_{kind}"
            node(g, mark, kind, *shown, fontsize="14")
            g.edge(nid, mark, style="dashed", arrowhead="none", constraint="false")
            if beside is None:
                with g.subgraph() as same:
                    same.attr(rank="same")
                    same.node(nid)
                    same.node(mark)
            else:
                g.edge(beside, mark, style="invis")
            beside = mark
    view_lines = ["merged view" + CONTINUED, "(what the container sees)"]
    if path:
        view_lines.extend(
            wrap(f"{path} ← {resolved}" if resolved else f"{path}: not found (ENOENT)", LINE, 3)
        )
        if resolved is None:
            used.add("missing")
    used.add("merged")
    node(g, "merged", "missing" if path and resolved is None else "merged", *view_lines)
    if previous is not None:
        g.edge(previous, "merged", style="bold" if resolved is None else "solid")
    if resolved is not None and resolved != previous:
        g.edge(resolved, "merged", label=f" {path} ", color="#000000", penwidth="3", constraint="false")
    order = ["merged", "missing", "resolved", "writable", "layer", "whiteout", "opaque"]
    add_legend(
        g, [k for k in order if k in used], extra=[("solid", "stacked on (lower → upper)")], bottom_up=True
    )
    return g


@diagram_for.register
def _container_overlay(container: Container) -> graphviz.Digraph:
    return overlay(container)


@diagram_for.register
def _view_overlay(view: UnionView) -> graphviz.Digraph:
    """A merged view has no container: its layers drawn as an image's overlay."""
    return overlay(Image.of(view.layers))


def _find_event(container: Container, event_or_path: CopyUp | str) -> tuple[int, CopyUp]:
    events = container.copy_ups
    if isinstance(event_or_path, CopyUp):
        for i, e in enumerate(events):
            if e == event_or_path:
                return i, e
        raise ValueError(f"{event_or_path!r} is not one of this container's copy-ups")
    for i in range(len(events) - 1, -1, -1):
        if events[i].path == event_or_path and not events[i].reason.endswith(f" {event_or_path}"):
            return i, events[i]
    for i in range(len(events) - 1, -1, -1):
        if events[i].path == event_or_path:
            return i, events[i]
    known = ", ".join(sorted({e.path for e in events})) or "none yet"
    raise LookupError(
        f"no copy-up of {event_or_path!r} in container {container.name}; copied-up paths: {known}"
    )


def copy_up(container: Container, event_or_path: CopyUp | str) -> graphviz.Digraph:
    """One copy-up, before and after: the lower entry, the copy in the writable layer, the bytes.

    Args:
        container: the container whose ``copy_ups`` record the event.
        event_or_path: a :class:`CopyUp` from ``container.copy_ups``, or a path (its last copy-up).

    Raises:
        LookupError: the path was never copied up.
    """
    index, event = _find_event(container, event_or_path)
    parents: list[CopyUp] = []
    j = index - 1
    while j >= 0 and container.copy_ups[j].reason == f"{event.reason} {event.path}":
        parents.insert(0, container.copy_ups[j])
        j -= 1
    image = container.image
    lower = (
        image.layers[event.layer].entries.get(event.path) if 0 <= event.layer < len(image.layers) else None
    )
    if lower is None:
        found = image.view.origin(event.path)
        lower = found.entry if found is not None else None
    after = None if container.state is State.REMOVED else container.upper_entries.get(event.path)
    whole = "the whole file" if event.kind is Kind.FILE else "metadata only"
    title = f"copy-up of {event.path} for {event.reason}: {size_text(event.bytes)} copied ({whole})"
    # before above after (TB): side by side (LR) it was ~1,900 px wide, 5 px text in a column
    g = new_digraph("copy_up", title, rankdir="TB")
    with g.subgraph(name="cluster_before") as b:
        b.attr(label="before", fontsize="16", style="rounded")
        node(
            b,
            "before_lower",
            "file",
            f"L{event.layer} (read-only): {event.path}",
            _describe(lower) if lower is not None else "(not in the image)",
        )
        node(b, "before_upper", "hidden", "writable layer:", f"no {event.path} yet")
    with g.subgraph(name="cluster_after") as a:
        a.attr(label="after", fontsize="16", style="rounded")
        node(
            a,
            "after_lower",
            "hidden",
            f"L{event.layer}: {event.path} unchanged,",
            "now hidden by the copy above",
        )
        lines = [
            f"writable layer: {event.path}",
            _describe(after) if after is not None else "(writable layer discarded)",
        ]
        for p in parents:
            lines.append(f"+ parent {p.path}/ copied (0 B)")
        node(a, "after_upper", "copied", *lines)
        a.edge("after_lower", "after_upper", style="invis")
    g.edge(
        "before_lower",
        "after_upper",
        label=f" copy-up: {size_text(event.bytes)} ",
        penwidth="3",
    )
    g.edge("before_lower", "after_lower", style="dashed", label=" stays in the image ")
    g.edge("before_upper", "after_upper", style="dashed", arrowhead="none", constraint="false")
    cost = (
        "a metadata change still copies every byte of the file"
        if event.reason in ("chmod", "chown") and event.kind is Kind.FILE
        else f"{event.reason} needs the file in the writable layer first"
    )
    node(g, "why", "metadata", cost, f"container SIZE now {size_text(container.size_rw if after else 0)}")
    g.edge("after_upper", "why", style="dashed", arrowhead="none")
    add_legend(g, ["file", "copied", "hidden"], extra=[("bold", "bytes copied up")])
    return g
