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
"""

from __future__ import annotations

from simulator.dockerfile import instructions as ins
from simulator.dockerfile.mounts import MountError, parse_mount

__all__ = ["full_name", "reads_context"]


def full_name(ref: str) -> str:
    """The fully qualified name BuildKit prints: ``alpine:3.20`` -> ``docker.io/library/alpine:3.20``,
    ``user/app`` -> ``docker.io/user/app:latest``; a registry host (``localhost:5000/a``, a name
    with a dot or a port) stays (docker/distribution reference.ParseNormalizedNamed)."""
    name, at, digest = ref.partition("@")
    first, slash, _ = name.partition("/")
    has_domain = bool(slash) and ("." in first or ":" in first or first == "localhost")
    path = name if has_domain else ("docker.io/" + (name if slash else "library/" + name))
    last = path.rsplit("/", 1)[-1]
    if ":" not in last and not at:
        path += ":latest"
    return path + (at + digest if at else "")


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
