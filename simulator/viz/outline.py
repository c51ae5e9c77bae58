"""The text outline of any diagram: what ``show`` prints when Graphviz's ``dot`` is missing.

Every diagram of :mod:`simulator.viz` is a :class:`graphviz.Digraph`; without ``dot`` nobody can
see it, and its DOT source (40+ lines of attributes) is not something to put in front of a
class.  :func:`graph_tree` reads the DOT the diagram holds (the subset python-graphviz writes:
``id [attrs]``, ``a -> b [attrs]``, ``subgraph cluster_x { ... }``, ``{ rank=same ... }``) and
turns it into a text tree:

- the graph's label is the root; the legend cluster and invisible edges are left out;
- each node shows its label (multi-line labels joined with `` · ``, table-like ``\\l`` labels
  keep their lines as leaves); the first node of a cluster names it (``[stage builder]``);
- an edge drawn as a note (``constraint=false``: a whiteout beside its layer) becomes a leaf of
  its node; a chain (one successor, one predecessor: a stack of layers) continues at the same
  indentation; a branch (one base, two images) is indented, the rest of
  its chain under its first node; a node reached again is named, not
  repeated.

It never raises on a diagram it cannot read: the worst outcome is a shorter tree.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import graphviz

from .dispatch import Tree
from .style import CONTINUED

__all__ = ["graph_outline", "graph_tree"]

MAX_NODES = 80
"""A diagram larger than this is outlined up to here, then "… N more"."""

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"'  # a quoted string (may span lines)
    r"|<(?:[^<>]|<[^<>]*>)*>"  # an HTML label (not written by simulator.viz, read anyway)
    r"|->|--|[{}\[\]=;,]"
    r"|[^\s{}\[\]=;,\"<>-]+(?:-[^\s{}\[\]=;,\"<>-]+)*"  # an identifier or a number
    r"|-"
)
_ESCAPES = {"n": "\n", "l": "\n", "r": "\n", '"': '"', "\\": "\\"}


def _unquote(token: str) -> str:
    if token.startswith('"') and token.endswith('"') and len(token) >= 2:
        body = token[1:-1]
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)
    if token.startswith("<") and token.endswith(">"):
        return re.sub(r"<[^<>]*>", " ", token[1:-1]).strip()
    return token


@dataclass
class _Node:
    name: str
    label: str
    left_justified: bool
    cluster: str


@dataclass
class _Graph:
    title: str = ""
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)  # (tail, head, is_note)
    cluster_labels: dict[str, str] = field(default_factory=dict)


def _attrs(tokens: list[str], i: int) -> tuple[dict[str, str], dict[str, str], int]:
    """Parse ``[k=v ...]`` lists from ``tokens[i]``: (unquoted attrs, raw attrs, next index)."""
    attrs: dict[str, str] = {}
    raw: dict[str, str] = {}
    while i < len(tokens) and tokens[i] == "[":
        i += 1
        while i < len(tokens) and tokens[i] != "]":
            key = tokens[i]
            if i + 2 < len(tokens) and tokens[i + 1] == "=":
                raw[key] = tokens[i + 2]
                attrs[key] = _unquote(tokens[i + 2])
                i += 3
            else:
                i += 1
            while i < len(tokens) and tokens[i] in (",", ";"):
                i += 1
        i += 1
    return attrs, raw, i


def _parse(source: str) -> _Graph:
    tokens = _TOKEN.findall(source)
    g = _Graph()
    i = 0
    while i < len(tokens) and tokens[i] != "{":  # [strict] digraph [name] {
        i += 1
    i += 1
    scopes: list[str] = [""]  # the cluster each nested block belongs to ("" = none)
    while i < len(tokens):
        tok = tokens[i]
        if tok == "}":
            scopes.pop()
            if not scopes:
                break
            i += 1
        elif tok == "{":
            scopes.append(scopes[-1])
            i += 1
        elif tok in (";", ","):
            i += 1
        elif tok == "subgraph":
            name = _unquote(tokens[i + 1]) if i + 1 < len(tokens) and tokens[i + 1] != "{" else ""
            i += 2 if name else 1
            if i < len(tokens) and tokens[i] == "{":
                i += 1
            scopes.append(name if name.startswith("cluster") else scopes[-1])
        elif tok in ("graph", "node", "edge") and i + 1 < len(tokens) and tokens[i + 1] == "[":
            attrs, _, i = _attrs(tokens, i + 1)
            if tok == "graph" and "label" in attrs:
                _set_label(g, scopes[-1], attrs["label"])
        elif i + 2 < len(tokens) and tokens[i + 1] == "=":
            if tok == "label":
                _set_label(g, scopes[-1], _unquote(tokens[i + 2]))
            i += 3
        elif i + 2 < len(tokens) and tokens[i + 1] in ("->", "--"):
            ends = [_unquote(tok)]
            i += 1
            while i + 1 < len(tokens) and tokens[i] in ("->", "--"):
                ends.append(_unquote(tokens[i + 1]))
                i += 2
            attrs, _, i = _attrs(tokens, i)
            if "invis" in attrs.get("style", "") or scopes[-1] == "cluster_legend":
                continue
            note = attrs.get("constraint") == "false"
            for tail, head in itertools.pairwise(ends):
                for end in (tail, head):
                    g.nodes.setdefault(end, _Node(end, end, False, scopes[-1]))
                g.edges.append((tail, head, note))
        else:
            name = _unquote(tok)
            attrs, raw, i = _attrs(tokens, i + 1)
            if scopes[-1] == "cluster_legend" or name.startswith("legend_"):
                continue
            label = attrs.get("label", name)
            node = g.nodes.get(name)
            if node is None:
                g.nodes[name] = _Node(name, label, "\\l" in raw.get("label", ""), scopes[-1])
            elif "label" in attrs:
                node.label, node.left_justified = label, "\\l" in raw.get("label", "")
    return g


def _set_label(g: _Graph, scope: str, label: str) -> None:
    if scope:
        g.cluster_labels[scope] = label
    else:
        g.title = label


def _text(node: _Node, named: set[str], g: _Graph) -> Tree:
    lines: list[str] = []
    joined = True  # a line that viz.style wrapped inside a phrase ends with CONTINUED
    for raw in node.label.splitlines():
        line = raw.strip()
        if not line:
            continue
        if lines and not joined:
            lines[-1] += " " + line
        else:
            lines.append(line)
        joined = not raw.endswith(CONTINUED)
    lines = lines or [node.name]
    leaves: list[Tree] = []
    if node.left_justified and len(lines) > 1:
        text = lines[0]
        leaves = [(line, ()) for line in lines[1:]]
    else:
        text = " · ".join(lines)
    if node.cluster and node.cluster not in named and node.cluster in g.cluster_labels:
        named.add(node.cluster)
        text += f"  [{' '.join(g.cluster_labels[node.cluster].split())}]"
    return text, leaves


def graph_tree(graph: graphviz.Digraph | graphviz.Graph | str) -> Tree:
    """The text tree of a diagram (or of DOT source): see the module docstring."""
    source = graph if isinstance(graph, str) else graph.source
    try:
        g = _parse(source)
    except Exception as exc:  # an outline must never break a display
        return f"(diagram outline failed: {exc})", ()
    successors: dict[str, list[str]] = {n: [] for n in g.nodes}
    notes: dict[str, list[str]] = {n: [] for n in g.nodes}
    predecessors: dict[str, int] = dict.fromkeys(g.nodes, 0)
    for tail, head, note in g.edges:
        if note:
            notes[tail].append(head)
            predecessors[head] += 1
        elif head not in successors[tail]:
            successors[tail].append(head)
            predecessors[head] += 1
    placed: set[str] = set()
    named_clusters: set[str] = set()
    budget = [MAX_NODES]

    def place(start: str, out: list[Tree]) -> None:
        name: str | None = start
        while name is not None:
            if name in placed:
                first = g.nodes[name].label.splitlines()[0] if g.nodes[name].label else name
                out.append((f"→ {first.strip()} (above)", ()))
                return
            if budget[0] <= 0:
                return
            budget[0] -= 1
            placed.add(name)
            text, leaves = _text(g.nodes[name], named_clusters, g)
            children: list[Tree] = list(leaves)
            for note in notes[name]:
                if note not in placed:
                    placed.add(note)
                    children.append(_text(g.nodes[note], named_clusters, g))
            nexts = successors[name]
            follow: str | None = None
            if len(nexts) == 1 and predecessors[nexts[0]] == 1:
                follow = nexts[0]  # a chain: continue at the same level
            else:
                for nxt in nexts:
                    branch: list[Tree] = []
                    place(nxt, branch)
                    if branch:  # the branch's head, then the rest of its chain under it
                        children.append((branch[0][0], [*branch[0][1], *branch[1:]]))
            out.append((text, children))
            name = follow

    top: list[Tree] = []
    roots = [n for n in g.nodes if predecessors[n] == 0]
    for root in [*roots, *g.nodes]:  # then whatever a cycle left unplaced
        if root not in placed:
            place(root, top)
    total = len(g.nodes)
    if len(placed) < total:
        top.append((f"… {total - len(placed)} more nodes (install Graphviz to see them all)", ()))
    name = "diagram" if isinstance(graph, str) else (graph.name or "diagram")
    title = " ".join(g.title.split()) if g.title else name
    return title, top


def graph_outline(graph: graphviz.Digraph | graphviz.Graph | str) -> str:
    """:func:`graph_tree` drawn as text (``├──``, ``└──``)."""
    from .text import render_tree

    return render_tree(graph_tree(graph))
