"""A push or a pull as a picture: which blobs travelled, which were already there, which were mounted.

- :func:`transfer_picture`: the local image store on one side, the registry's repository on the
  other, one box per layer blob (in Docker's order: top first for a push, bottom first for a
  pull), an arrow for each blob that crossed the network, none for a blob that was already
  there (``Layer already exists``, ``Already exists``) or mounted from another repository of
  the same registry (``Mounted from <repo>``); the manifest last.

Everything comes from the :class:`~simulator.registry.PushResult` or
:class:`~simulator.registry.PullResult` itself (its lines and its digest lists), so the picture
says what Docker printed.  Registered as the default diagram, table and text tree of both.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz

from ..registry.content import known_blob
from ..registry.transfer import PullResult, PushResult
from ..text import human_size
from . import ops_looks as _ops_looks  # noqa: F401  (registers the looks used below)
from .dispatch import Tree, diagram_for, table_for, tree_for
from .style import FONTSIZE, NARROW, add_legend, label, new_digraph, node, wrap
from .tables import html_table

__all__ = ["BlobRow", "blob_rows", "transfer_picture", "transfer_table", "transfer_tree"]


@dataclass(frozen=True, slots=True)
class BlobRow:
    """One layer blob of a push or pull: what Docker printed for it and whether it travelled."""

    line_id: str
    """The 12-character id Docker's line starts with (DiffID for a push, blob digest for a pull)."""
    digest: str
    """The compressed blob's digest (``sha256:…``)."""
    status: str
    """Docker's word: ``Pushed``, ``Layer already exists``, ``Mounted from web``, ``Downloaded``, ``Already exists``."""
    look: str
    """``blob_moved``, ``blob_kept`` or ``blob_mounted``."""
    size: str = ""
    """The blob's size when known (a pull knows the layers it holds)."""

    @property
    def moved(self) -> bool:
        return self.look == "blob_moved"


def _short(digest: str) -> str:
    return digest.split(":", 1)[-1][:12]


def _push_rows(result: PushResult) -> list[BlobRow]:
    queues = {"pushed": list(result.pushed), "exists": list(result.existing), "mounted": list(result.mounted)}
    rows = []
    for line in result.lines:
        line_id, _, status = line.partition(": ")
        if status == "Pushed":
            kind, look = "pushed", "blob_moved"
        elif status == "Layer already exists":
            kind, look = "exists", "blob_kept"
        elif status.startswith("Mounted from "):
            kind, look = "mounted", "blob_mounted"
        else:
            continue
        digest = str(queues[kind].pop(0)) if queues[kind] else ""
        rows.append(BlobRow(line_id, digest, status, look))
    return rows


def _pull_rows(result: PullResult) -> list[BlobRow]:
    by_short = {_short(str(d)): str(d) for d in (*result.downloaded, *result.existing)}
    downloaded = {str(d) for d in result.downloaded}
    layers = result.image.layers
    rows = []
    statuses = [
        (line_id, status)
        for line_id, _, status in (line.partition(": ") for line in result.lines)
        if status in ("Already exists", "Pulling fs layer")
    ]
    if not statuses:  # the config was local: Docker prints no layer line, nothing is fetched
        for layer in layers:
            desc = known_blob(layer)
            digest = str(desc.digest) if desc is not None else str(layer.diff_id)
            size = human_size(desc.size) if desc is not None else f"{human_size(layer.size)} unpacked"
            rows.append(BlobRow(_short(digest), digest, "Already exists", "blob_kept", size))
        return rows
    for i, (line_id, status) in enumerate(statuses):
        digest = by_short.get(line_id, "")
        size = ""
        if i < len(layers):
            desc = known_blob(layers[i])
            size = (
                human_size(desc.size)
                if desc is not None and str(desc.digest) == digest
                else f"{human_size(layers[i].size)} unpacked"
            )
        moved = digest in downloaded
        rows.append(
            BlobRow(
                line_id,
                digest,
                "Downloaded" if moved else status,
                "blob_moved" if moved else "blob_kept",
                size,
            )
        )
    return rows


def blob_rows(result: PushResult | PullResult) -> list[BlobRow]:
    """The layer blobs of a push (top first) or a pull (bottom first), each with Docker's status."""
    return _push_rows(result) if isinstance(result, PushResult) else _pull_rows(result)


def _repository(result: PushResult | PullResult) -> str:
    first = result.lines[0] if result.lines else ""
    if isinstance(result, PushResult):
        return first.partition("[")[2].rstrip("]") or "?"
    return first.partition(": Pulling from ")[2] or "?"


def _reference(result: PushResult | PullResult) -> str:
    """The tag (or digest) the lines name: ``3.12-slim``."""
    if isinstance(result, PushResult):
        last = result.lines[-1] if result.lines else ""
        return last.partition(": digest: ")[0]
    return (result.lines[0] if result.lines else "").partition(": Pulling from ")[0]


def _title(result: PushResult | PullResult, rows: list[BlobRow]) -> str:
    moved = sum(r.moved for r in rows)
    mounted = sum(r.look == "blob_mounted" for r in rows)
    repo, ref = _repository(result), _reference(result)
    if isinstance(result, PushResult):
        text = f"docker push {repo}:{ref}: {moved} of {len(rows)} layer blobs sent"
        return (
            text
            + (f", {mounted} mounted" if mounted else "")
            + f", {len(rows) - moved - mounted} already there"
        )
    if not any(line.endswith((": Already exists", ": Pulling fs layer")) for line in result.lines):
        return f"docker pull {repo}:{ref}: image already local, no layer downloaded"
    return f"docker pull {repo}:{ref}: {moved} of {len(rows)} layer blobs downloaded, {len(rows) - moved} already there"


def _blob_label(row: BlobRow, pull: bool) -> list[str]:
    lines = [f"blob {_short(row.digest) if row.digest else '?'}"]
    if not pull:
        lines.append(f"layer {row.line_id}")
    lines.append(row.status)
    if row.size:
        lines.append(row.size)
    return lines


@diagram_for.register(PushResult)
@diagram_for.register(PullResult)
def transfer_picture(result: PushResult | PullResult) -> graphviz.Digraph:
    """The push or pull: the engine's side, the registry's side, and which blobs crossed between them."""
    rows = blob_rows(result)
    pull = isinstance(result, PullResult)
    g = new_digraph("transfer", _title(result, rows), rankdir="LR")
    repo = _repository(result)
    # narrow ends and no label on each blob's arrow (the legend says what bold means): the
    # picture stays within a notebook column (simulator.viz.fit)
    node(
        g,
        "registry",
        "registry",
        "registry:",
        *wrap(f"repository {repo}", NARROW),
        "blobs stored once,",
        "by digest",
    )
    g.node("engine", label("this engine's", "image store:", "local layers,", "by content"), shape="box3d")
    used: list[str] = []
    manifest_digest = str(result.digest)
    with g.subgraph(name="cluster_blobs") as sub:
        sub.attr(
            label=label("layer blobs", "(bottom first)" if pull else "(top first, as docker push lists them)")
        )
        sub.attr(style="rounded", color="#999999", fontsize=FONTSIZE)
        for i, row in enumerate(rows):
            if row.look not in used:
                used.append(row.look)
            node(sub, f"blob{i}", row.look, *_blob_label(row, pull))
        node(sub, "manifest", "manifest", f"manifest {_short(manifest_digest)}", "config + layer list")
    source, target = ("registry", "engine") if pull else ("engine", "registry")
    for i, row in enumerate(rows):
        if row.moved:
            g.edge(source, f"blob{i}", style="bold")
            g.edge(f"blob{i}", target, style="bold")
        elif row.look == "blob_mounted":
            g.edge("registry", f"blob{i}", style="dashed", label=row.status)
        else:
            g.edge(f"blob{i}" if pull else "registry", "engine" if pull else f"blob{i}", style="dotted")
    g.edge(source, "manifest", style="bold")
    g.edge("manifest", target, style="bold", label="GET" if pull else "PUT", fontsize=FONTSIZE)
    order = [k for k in ("blob_moved", "blob_kept", "blob_mounted") if k in used]
    add_legend(
        g,
        [*order, "manifest", "registry"],
        extra=[
            ("bold", "sent over the network (" + ("download" if pull else "upload") + ")"),
            ("dotted", "already there: nothing sent"),
            *([("dashed", "mounted inside the registry")] if "blob_mounted" in used else []),
        ],
    )
    return g


@tree_for.register(PushResult)
@tree_for.register(PullResult)
def transfer_tree(result: PushResult | PullResult) -> Tree:
    """The push or pull as a text tree: one line per layer blob, then the manifest."""
    rows = blob_rows(result)
    children: list[Tree] = [
        (
            f"blob {_short(r.digest)}  {r.status}"
            + (f"  {r.size}" if r.size else "")
            + ("  SENT" if r.moved else ""),
            (),
        )
        for r in rows
    ]
    children.append((f"manifest {_short(str(result.digest))}  SENT", ()))
    return (_title(result, rows), children)


@table_for.register(PushResult)
@table_for.register(PullResult)
def transfer_table(result: PushResult | PullResult) -> str:
    """One row per layer blob: Docker's id, the blob digest, Docker's word, whether it was sent."""
    rows = blob_rows(result)
    return html_table(
        ["ID", "BLOB", "STATUS", "SIZE", "SENT"],
        [(r.line_id, _short(r.digest), r.status, r.size, "yes" if r.moved else "no") for r in rows],
        caption=_title(result, rows),
    )
