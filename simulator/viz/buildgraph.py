"""Diagram 5: a build: stages, steps, ``COPY --from`` edges, the cache, skipped stages.

Drawn from a :class:`~simulator.builder.result.BuildResult`.  Each stage is a box of its steps in
order; a step is ``CACHED`` (bluish green), rebuilt (orange) or metadata only (a note).  The
first step that missed the cache is drawn with a double vermillion border and says why it
missed: every layer step after it is rebuilt, because its parent changed.  Stages the target
does not need are drawn grey and dashed, with no steps.
"""

from __future__ import annotations

import itertools

import graphviz

from ..builder.result import BuildResult, StageRecord, StepRecord
from ..text import human_size
from .dispatch import diagram_for
from .style import LINE, SMALL, add_legend, label, narrow, new_digraph, node, shorten, wrap

__all__ = ["build_graph"]


def _stage_key(stages: tuple[StageRecord, ...], ref: str) -> int | None:
    for stage in stages:
        if ref in (stage.name, str(stage.index)):
            return stage.index
    return None


@diagram_for.register
def build_graph(result: BuildResult) -> graphviz.Digraph:
    """Stages and steps of a build with the cache outcome of each step."""
    first_miss = result.first_miss
    cached = sum(1 for s in result.steps if s.cached and s.layer is not None)
    rebuilt = sum(1 for s in result.steps if s.layer is not None and not s.cached)
    title = (
        f"build of {result.tag or 'image ' + result.image.short_id}: "
        f"{cached} layer step{'s' * (cached != 1)} cached, {rebuilt} rebuilt"
    )
    if first_miss is not None:
        title += f"\nfirst cache miss: {shorten(first_miss.instruction, 40)} ({first_miss.miss_reason or 'no reason recorded'})"
    g = new_digraph("build", title, rankdir="TB")
    stages = result.stages or tuple(
        StageRecord(index, next(s.stage for s in result.steps if s.stage_index == index), "", True)
        for index in sorted({s.stage_index for s in result.steps})
    )
    # steps keep the builder's order inside their stage; config-only steps have no vertex number
    ids = {id(step): f"step{i}" for i, step in enumerate(result.steps)}
    by_stage: dict[int, list[StepRecord]] = {}
    for step in sorted(result.steps, key=lambda s: s.stage_index):
        by_stage.setdefault(step.stage_index, []).append(step)
    used: set[str] = set()
    last: dict[int, str] = {}
    externals: dict[str, str] = {}

    def external(ref: str) -> str:
        if ref not in externals:
            externals[ref] = f"ext{len(externals)}"
            node(g, externals[ref], "image", f"image {ref}")
            used.add("image")
        return externals[ref]

    for stage in stages:
        head = f"stage{stage.index}"
        steps = by_stage.get(stage.index, [])
        with g.subgraph(name=f"cluster_stage{stage.index}") as c:
            name = stage.name if stage.name and stage.name != str(stage.index) else f"#{stage.index}"
            state = "" if stage.built else " · SKIPPED (the target does not need it)"
            c.attr(
                label=label(*narrow([f"stage {name}{state}"], LINE)),
                fontsize="16",
                style="rounded,dashed" if not stage.built else "rounded",
                color="#999999" if not stage.built else "#000000",
            )
            froms = [s for s in steps if s.keyword == "FROM"]
            number = f"#{froms[0].number} " if froms else ""
            node(c, head, "skipped" if not stage.built else "stage", f"{number}FROM {stage.base or '?'}")
            used.add("skipped" if not stage.built else "stage")
            previous = head
            for step in steps:
                if step.keyword == "FROM":
                    continue  # drawn as the stage's head
                sid = ids[id(step)]
                k, n = step.position
                words = wrap(f"#{step.number} [{k}/{n}] {step.instruction}" if k else step.instruction)
                if step.layer is None:
                    look, status = "meta_step", "no layer (config only)"
                elif step.cached:
                    look, status = "cached", f"CACHED · {human_size(step.layer.size)}"
                elif step is first_miss:
                    look, status = (
                        "first_miss",
                        f"FIRST MISS: {step.miss_reason or 'no reason recorded'}",
                    )
                else:
                    why = f" ({shorten(step.miss_reason, 30)})" if step.miss_reason else " (parent changed)"
                    look, status = "rebuilt", f"rebuilt{why} · {human_size(step.layer.size)}"
                used.add(look)
                status_lines = wrap(status, LINE, 3) if look == "first_miss" else narrow([status], LINE)
                node(c, sid, look, *words, *status_lines, f"line {step.line}")
                c.edge(previous, sid)
                previous = sid
            last[stage.index] = previous
    # the stages one under the other, in the Dockerfile's order, not side by side: the picture
    # grows down and fits a notebook column (simulator.viz.fit)
    for upper, lower in itertools.pairwise(stages):
        g.edge(last[upper.index], f"stage{lower.index}", style="invis")
    for stage in stages:
        source = _stage_key(stages, stage.base)
        if source is not None and source != stage.index:
            g.edge(last[source], f"stage{stage.index}", style="bold", label=label(f" FROM {stage.base} "))
        elif stage.base:
            g.edge(external(stage.base), f"stage{stage.index}", style="bold")
        for dep in stage.depends_on:
            if (
                dep in last
                and dep != source
                and not any(
                    _stage_key(stages, s.copy_from or "") == dep for s in by_stage.get(stage.index, [])
                )
            ):
                g.edge(last[dep], f"stage{stage.index}", style="dotted", label=" needs ")
    copy_seen = False
    for step in result.steps:
        if not step.copy_from:
            continue
        copy_seen = True
        source = _stage_key(stages, step.copy_from)
        origin = last[source] if source is not None else external(step.copy_from)
        g.edge(
            origin,
            ids[id(step)],
            style="dashed",
            color="#0072B2",
            fontcolor="#0072B2",
            label=label(f" COPY --from={step.copy_from} "),
            penwidth="2.5",
            fontsize=SMALL,
        )
    if result.warnings:
        node(g, "warnings", "metadata", *[line for w in result.warnings[:5] for line in wrap(w, LINE, 3)])
    order = ["image", "stage", "cached", "first_miss", "rebuilt", "meta_step", "skipped"]
    extra = [("bold", "FROM (stage base)"), ("solid", "next step")]
    if copy_seen:
        extra.append(("dashed blue", "COPY --from"))
    add_legend(g, [k for k in order if k in used], extra=extra)
    return g
