"""BuildKit's ``[internal]`` vertices in the ``--progress=plain`` log: which ones, in what order.

Read from a real build (Debian's docker.io 20.10 CLI and daemon, ``DOCKER_BUILDKIT=1 docker
build --network none --progress=plain``, checked by tests/realtools/test_build_log.py)::

    # 1 [internal] load build definition from Dockerfile
    # 2 [internal] load .dockerignore
    # 3 [internal] load metadata for docker.io/library/bb:1     one per base image (not scratch,
    # 7 [1/3] FROM docker.io/library/bb:1                        not an earlier stage)
    # 5 [internal] load build context                            once, when a step reads the context
    # 4 [2/3] RUN echo hi > /x
    # 6 [3/3] COPY a.txt /a.txt
    # 8 exporting to image

BuildKit numbers vertices as it meets them, so the real numbers are out of order; the simulator
numbers the lines in the order it prints them.  Newer BuildKit (buildx, Docker 23+) prints the
metadata before ``load .dockerignore``; the order here is the one the real tool on this machine
prints.

The numbered step lines (:func:`step_prefix`, :func:`from_vertex_owners`) follow today's
dockerfile2llb; docs/build-log.md lists the rules and where 20.10 differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from simulator.dockerfile import instructions as ins
from simulator.dockerfile.mounts import MountError, parse_mount
from simulator.reference import full_name

__all__ = ["Base", "from_vertex_owners", "full_name", "reads_context", "source_names", "step_prefix"]

Base = tuple[str, str | int | None]
"""What a stage starts from: ``("stage", index)``, ``("image", full name)`` or ``("scratch", None)``."""


def _is_remote(source: str) -> bool:
    return source.startswith(("http://", "https://", "git@", "git://"))


def reads_context(instruction: ins.Instruction) -> bool:
    """Whether a step reads the build context (so BuildKit loads it): ``COPY``/``ADD`` of local
    sources without ``--from``, and ``RUN --mount=type=bind`` without ``from=``."""
    if isinstance(instruction, (ins.Copy, ins.Add)):
        inline = {"<<" + h.name for h in instruction.heredocs} | {
            "<<-" + h.name for h in instruction.heredocs
        }
        local = [s for s in instruction.sources if s not in inline and not _is_remote(s)]
        return bool(local) and (not isinstance(instruction, ins.Copy) or instruction.from_ is None)
    if isinstance(instruction, ins.Run):
        for text in instruction.mounts:
            try:
                mount = parse_mount(text)
            except MountError:
                continue
            if getattr(mount, "type", "") == "bind" and not getattr(mount, "from_", None):
                return True
    return False


def source_names(instruction: ins.Instruction) -> list[str]:
    """The names a step reads another stage or an image by, as written: ``COPY --from=NAME``
    and ``RUN --mount=...,from=NAME`` (BuildKit expands no variable in either)."""
    names = [getattr(instruction, "from_", None)]
    for text in getattr(instruction, "mounts", ()):
        try:
            names.append(parse_mount(text).from_)
        except MountError:
            continue  # reported when the RUN runs
    return [n for n in names if n]


def step_prefix(label: str, index: int, total: int) -> str:
    """``[label i/n]`` as BuildKit prints it: ``i`` right-aligned to the width of ``n``
    (dockerfile2llb ``prefixCommand``: ``%*d/%d`` with width ``1+log10(n)``, since BuildKit
    v0.7.0, so Docker 20.10 too), so ``[ 1/12]``; ``label`` is ``"name "`` or ``""``."""
    return f"[{label}{index:>{len(str(total))}}/{total}]"


def from_vertex_owners(
    target: int, base_of: Callable[[int], Base], sources_of: Callable[[int], Iterable[int]]
) -> dict[str, int]:
    """Which stage names the one ``FROM`` vertex of each base image.

    Two stages ``FROM`` the same image make the same LLB operation, so BuildKit runs and prints
    it once; the Definition keeps one name per operation, the last one marshalled
    (client/llb ``marshal``: ``def.Metadata[dgst] = mergeMetadata(...)``, a depth-first walk
    from the target through each operation's inputs in order: a step's own stage before the
    stage it copies or mounts from).  Checked against Docker 20.10: ``FROM bb AS a``, ``FROM bb
    AS b``, ``FROM bb`` copying from a then b prints ``[b 1/2] FROM``.  ``base_of(i)`` is what
    stage ``i`` starts from; ``sources_of(i)`` the stages its steps read, in order.
    """
    owners: dict[str, int] = {}
    seen: set[int] = set()

    def visit(index: int) -> None:
        if index in seen:
            return
        seen.add(index)
        kind, value = base_of(index)
        if kind == "stage" and isinstance(value, int):
            visit(value)
        elif kind == "image" and isinstance(value, str):
            owners[value] = index
        for source in sources_of(index):
            visit(source)

    visit(target)
    return owners
