"""``layerlab inspect``: ``docker inspect``'s JSON for images and containers.

The objects follow the Engine API's ``ImageInspect`` and ``ContainerJSON`` (moby
``api/types/types.go``) in their key order; what the simulator has no notion of (networks,
graph drivers) is left out rather than invented.  Output is ``json.MarshalIndent`` with four
spaces, as the Docker CLI prints it; ``--format`` applies a template to each object.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..engine import Engine
from ..engine.df import image_id, image_size
from ..errors import NotFound
from ..model.container import Container, State
from ..model.image import Image
from ._context import Context, command
from ._errors import CommandError
from ._format import render
from ._parser import CommandParser

__all__ = ["container_json", "image_json"]


def _config(image: Image, image_ref: str = "") -> dict[str, Any]:
    """A ``container.Config`` as ``docker image inspect`` shows it (every key present)."""
    c = image.config
    return {
        "Hostname": "",
        "Domainname": "",
        "User": c.user,
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
        "ExposedPorts": {p: {} for p in c.exposed_ports} or None,
        "Tty": False,
        "OpenStdin": False,
        "StdinOnce": False,
        "Env": list(c.env) or None,
        "Cmd": list(c.cmd) if c.cmd is not None else None,
        "Healthcheck": dict(c.healthcheck) if c.healthcheck else None,
        "ArgsEscaped": c.args_escaped or None,
        "Image": image_ref,
        "Volumes": {v: {} for v in c.volumes} or None,
        "WorkingDir": c.working_dir,
        "Entrypoint": list(c.entrypoint) if c.entrypoint is not None else None,
        "OnBuild": list(c.on_build) or None,
        "Labels": dict(c.labels) or None,
        "StopSignal": c.stop_signal or None,
        "Shell": list(c.shell) if c.shell is not None else None,
    }


def _drop_none(d: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None or k in keep}


def image_json(engine: Engine, image: Image) -> dict[str, Any]:
    """``docker image inspect`` of ``image``."""
    parent = engine.images.parent_of(image)
    config = _drop_none(_config(image), ("Env", "Cmd", "Volumes", "Entrypoint", "OnBuild", "Labels"))
    # the store's answers (moby daemon/containerd/image_inspect.go ImageInspect: ID is the
    # target (manifest) digest, Size the manifest's content + unpacked snapshots, as image list)
    return {
        "Id": image_id(image, engine.image_store),
        "RepoTags": engine.images.tags_of(image),
        "RepoDigests": engine.images.repo_digests(image),
        "Parent": image_id(parent, engine.image_store) if parent is not None else "",
        "Comment": image.history[-1].comment if image.history else "",
        "Created": image.created,
        "Author": image.author,
        "Config": config,
        "Architecture": image.architecture,
        "Os": image.os,
        "Size": image_size(engine, image),
        "RootFS": {"Type": "layers", "Layers": list(image.diff_ids)},
    }


def container_json(engine: Engine, c: Container, *, size: bool = False) -> dict[str, Any]:
    """``docker container inspect`` of ``c`` (``SizeRw``/``SizeRootFs`` with ``--size``)."""
    argv = list(c.command or ())
    tags = engine.images.tags_of(c.image)
    out: dict[str, Any] = {
        "Id": c.id,
        "Created": c.created,
        "Path": argv[0] if argv else "",
        "Args": argv[1:],
        "State": {
            "Status": c.state.value,
            "Running": c.state in (State.RUNNING, State.PAUSED),
            "Paused": c.state is State.PAUSED,
            "Restarting": False,
            "OOMKilled": False,
            "Dead": False,
            "Pid": 0,
            "ExitCode": c.exit_code or 0,
            "Error": "",
            "StartedAt": c.started_at or "0001-01-01T00:00:00Z",
            "FinishedAt": c.finished_at or "0001-01-01T00:00:00Z",
        },
        "Image": image_id(c.image, engine.image_store),
        "Name": "/" + c.name,
    }
    if size:
        out["SizeRw"] = c.size_rw
        out["SizeRootFs"] = c.size_root_fs
    config = _config(c.image, tags[0] if tags else c.image.id)
    if c.command is not None:
        config["Cmd"] = argv
    out["Config"] = _drop_none(config, ("Env", "Cmd", "Volumes", "Entrypoint", "OnBuild", "Labels"))
    return out


def _inspect_flags(p: CommandParser) -> None:
    p.add_argument("-f", "--format", help="Format the output using the given Go template")
    p.add_argument(
        "-s", "--size", action="store_true", help="Display total file sizes if the type is container"
    )
    p.add_argument("--type", choices=("container", "image"), help="Return JSON for specified type")
    p.add_argument("names", nargs="+", metavar="NAME|ID")


@command(
    "inspect",
    "[OPTIONS] NAME|ID [NAME|ID...]",
    "Return low-level information on images and containers",
    flags=_inspect_flags,
)
def inspect(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    objects: list[dict[str, Any]] = []
    missing: list[str] = []
    for name in args.names:
        found: dict[str, Any] | None = None
        if args.type in (None, "container"):  # docker looks for a container first
            try:
                found = container_json(engine, engine.containers.get(name), size=args.size)
            except NotFound:
                found = None
        if found is None and args.type in (None, "image"):
            try:
                found = image_json(engine, engine.images.get(name))
            except NotFound:
                found = None
        if found is None:
            missing.append(name)
        else:
            objects.append(found)
    if args.format:
        for obj in objects:
            ctx.print(render(args.format.replace("\\t", "\t").replace("\\n", "\n"), obj))
    else:
        ctx.print(json.dumps(objects, indent=4, ensure_ascii=False))
    if missing:
        kind = {"image": "image", "container": "container"}.get(args.type or "", "object")
        raise CommandError("\n".join(f"Error: No such {kind}: {m}" for m in missing))
    return 0
