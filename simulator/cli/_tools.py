"""``system df``, ``diagram``, ``lab`` and ``cleanup``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ._context import Context, command
from ._errors import CommandError
from ._parser import CommandParser
from .lab import checkout_lessons, default_work_dir, working_copies

__all__: list[str] = []


def _df_flags(p: CommandParser) -> None:
    p.add_argument("-v", "--verbose", action="store_true", help="Show detailed information on space usage")


@command("df", "[OPTIONS]", "Show layerlab disk usage", flags=_df_flags, group="system")
def system_df(ctx: Context, args: argparse.Namespace) -> int:
    usage = ctx.engine().df()
    ctx.print(usage.verbose() if args.verbose else usage.table())
    return 0


def _diagram_flags(p: CommandParser) -> None:
    p.add_argument(
        "object",
        metavar="OBJECT",
        help="an image or container (name or ID), an archive or OCI layout on disk, or 'system' for "
        "every image and container with their shared layers",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.svg, FILE.png or FILE.pdf")


@command(
    "diagram",
    "[OPTIONS] OBJECT -o FILE",
    "Draw an image, a container or the whole store as SVG, PNG or PDF",
    flags=_diagram_flags,
)
def diagram(ctx: Context, args: argparse.Namespace) -> int:
    from .. import viz

    suffix = Path(args.output).suffix.lstrip(".").lower()
    if suffix not in viz.FORMATS:
        raise CommandError(
            f"cannot tell the format of {args.output!r}: end it with "
            + ", ".join(f".{f}" for f in viz.FORMATS)
        )
    graph: Any
    if os.path.exists(args.object):
        from ..oci import read_layout

        images = read_layout(args.object)
        graph = viz.diagram_for(images[0].image)
    elif args.object == "system":
        graph = viz.sharing_dag(ctx.engine())
    else:
        engine = ctx.engine(persistent=False)
        try:
            graph = viz.diagram_for(engine.containers.get(args.object))
        except NotFound:
            graph = viz.diagram_for(engine.images.get_or_pull(args.object))
    viz.render(graph, args.output)
    return 0


def _lab_flags(p: CommandParser) -> None:
    p.add_argument(
        "--work", metavar="DIR", help="the working folder (default: lessons/ in the checkout, as make lab)"
    )
    p.add_argument("--reset", action="store_true", help="replace the working copies with fresh ones")
    p.add_argument("--port", type=int, default=8888, help="JupyterLab's port (default 8888)")
    p.add_argument(
        "--prepare-only", action="store_true", help="make the working copies, print the folder, start nothing"
    )


@command("lab", "[OPTIONS]", "Open the lessons in JupyterLab, on working copies", flags=_lab_flags)
def lab(ctx: Context, args: argparse.Namespace) -> int:
    lessons = checkout_lessons()
    if lessons is None:
        raise CommandError(
            "the lessons are not installed with layerlab; run layerlab lab from a layerlab checkout"
        )
    work = Path(args.work) if args.work else default_work_dir()
    made = working_copies(lessons, work, reset=args.reset)
    ctx.err.write(f"{len(made)} new working copies in {work}\n")
    if args.prepare_only:
        ctx.print(str(work))
        return 0
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--notebook-dir={work}",
        "--ip=127.0.0.1",
        f"--port={args.port}",
        "--no-browser",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    ctx.out.flush()
    ctx.err.flush()
    os.execv(sys.executable, argv)  # JupyterLab takes over the process (Ctrl-C stops it)


def _cleanup_flags(p: CommandParser) -> None:
    p.add_argument(
        "--state-dir", help="the overlayfs backend's state directory (default /var/tmp/layerlab-overlay)"
    )
    p.add_argument("--all", action="store_true", help="also remove the containers of live processes")
    p.add_argument("--layers", action="store_true", help="also empty the materialised layer cache")


@command(
    "cleanup",
    "[OPTIONS]",
    "Unmount and remove the overlay mounts crashed processes left behind",
    flags=_cleanup_flags,
)
def cleanup(ctx: Context, args: argparse.Namespace) -> int:
    from ..backends.overlayfs import DEFAULT_STATE_DIR
    from ..backends.overlayfs import cleanup as _cleanup

    state_dir = args.state_dir or DEFAULT_STATE_DIR
    actions = _cleanup(state_dir, all=args.all, layers=args.layers)
    ctx.print("\n".join(actions) if actions else f"nothing to clean under {state_dir}")
    return 0


def _serve_flags(p: CommandParser) -> None:
    p.add_argument("-p", "--port", type=int, default=5000, help="Port on 127.0.0.1 (0: any free port)")
    p.add_argument("--name", default="registry.local", help="Which of the store's registries to serve")


@command(
    "serve",
    "[OPTIONS]",
    "Serve the store's registry over HTTP on 127.0.0.1 until interrupted",
    flags=_serve_flags,
    group="registry",
)
def registry_serve(ctx: Context, args: argparse.Namespace) -> int:
    """distribution's ``registry serve``, on the store: pushes land in it and survive a restart."""
    import signal
    import threading

    from ..engine.persist import open_registry
    from ..registry import serve

    engine = ctx.engine()
    registry = open_registry(engine, args.name)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with serve(registry, args.port) as server:
            ctx.print(f"Serving {args.name} on {server.address} (store {engine.root}); Ctrl-C stops")
            ctx.out.flush()
            while not stop.wait(0.2):
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
