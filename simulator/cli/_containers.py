"""Container commands: ``run``, ``exec``, ``ps``, ``diff``, ``commit``, ``rm``, ``stop``."""

from __future__ import annotations

import argparse

from ..engine.df import image_id
from ..errors import SimulatorError
from ..model.container import State
from ._context import Context, command
from ._errors import CommandError
from ._filters import add_filter_flag, filter_containers, parse_filters
from ._format import format_rows
from ._parser import CommandParser
from ._rows import CONTAINER_HEADERS, CONTAINER_TABLE, container_row

__all__: list[str] = []


def _write_output(ctx: Context, output: bytes | str) -> None:
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    ctx.out.write(text)


def _run_flags(p: CommandParser) -> None:
    p.add_argument("--name", help="Assign a name to the container")
    p.add_argument("--rm", action="store_true", help="Automatically remove the container when it exits")
    p.add_argument(
        "-d",
        "--detach",
        action="store_true",
        help="Start the container and leave it running; its command is recorded, not run "
        "(use exec to run commands in it)",
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="COMMAND [ARG...]")


@command("run", "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Run a command in a new container", flags=_run_flags)
def run(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    argv = list(args.command) or None
    try:
        if args.detach:
            if args.rm:
                raise CommandError("Conflicting options: --rm and -d", status=125)
            container = engine.containers.create(args.image, argv, name=args.name)
            container.start()
            ctx.print(container.id)
            return 0
        container = engine.containers.run(args.image, argv, name=args.name, remove=args.rm)
    except SimulatorError as exc:  # docker run: 125 when the daemon cannot create the container
        if isinstance(exc, CommandError):
            raise
        raise CommandError(f"docker: Error response from daemon: {exc}.", status=125) from None
    _write_output(ctx, container.output)
    return container.exit_code or 0


def _exec_flags(p: CommandParser) -> None:
    p.add_argument("container", metavar="CONTAINER")
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="COMMAND [ARG...]")


@command(
    "exec", "[OPTIONS] CONTAINER COMMAND [ARG...]", "Run a command in a running container", flags=_exec_flags
)
def exec_(ctx: Context, args: argparse.Namespace) -> int:
    if not args.command:
        p = CommandParser(
            "exec", "[OPTIONS] CONTAINER COMMAND [ARG...]", "Run a command in a running container"
        )
        _exec_flags(p)
        p.error("the following arguments are required: COMMAND")
    container = ctx.engine().containers.get(args.container)
    if container.state is not State.RUNNING:
        raise CommandError(f"Error response from daemon: Container {container.id[:12]} is not running")
    result = container.exec_run(list(args.command))
    _write_output(ctx, result.output)
    return int(result.exit_code)


def _ps_flags(p: CommandParser) -> None:
    p.add_argument(
        "-a", "--all", action="store_true", help="Show all containers (default shows just running)"
    )
    p.add_argument("-s", "--size", action="store_true", help="Display total file sizes")
    p.add_argument("-q", "--quiet", action="store_true", help="Only display container IDs")
    p.add_argument("--no-trunc", action="store_true", help="Don't truncate output")
    p.add_argument("--format", help="Pretty-print containers using a Go template")
    add_filter_flag(p)


@command("ps", "[OPTIONS]", "List containers", flags=_ps_flags)
def ps(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    filters = parse_filters(args.filter, "ps")
    if filters:
        containers = filter_containers(engine, filters, all=args.all)
    else:
        containers = engine.containers.list(all=args.all)
    if args.quiet:
        ctx.print("\n".join(c.id if args.no_trunc else c.id[:12] for c in containers))
        return 0
    if args.format is None and not args.no_trunc and not filters:
        ctx.print(engine.containers.table(all=args.all, size=args.size))
        return 0
    rows = [container_row(engine, c, no_trunc=args.no_trunc) for c in containers]
    fmt = args.format or (CONTAINER_TABLE + ("\t{{.Size}}" if args.size else ""))
    ctx.print(format_rows(fmt, rows, CONTAINER_HEADERS))
    return 0


def _one_container(p: CommandParser) -> None:
    p.add_argument("container", metavar="CONTAINER")


@command(
    "diff",
    "CONTAINER",
    "Inspect changes to files or directories on a container's filesystem",
    flags=_one_container,
)
def diff(ctx: Context, args: argparse.Namespace) -> int:
    ctx.print(ctx.engine().containers.get(args.container).diff_text())
    return 0


def _commit_flags(p: CommandParser) -> None:
    p.add_argument(
        "-a", "--author", default="", help='Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")'
    )
    p.add_argument("-m", "--message", default="", help="Commit message")
    p.add_argument("container", metavar="CONTAINER")
    p.add_argument("repository", nargs="?", metavar="REPOSITORY[:TAG]")


@command(
    "commit",
    "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
    "Create a new image from a container's changes",
    flags=_commit_flags,
)
def commit(ctx: Context, args: argparse.Namespace) -> int:
    container = ctx.engine().containers.get(args.container)
    repository, tag = "", "latest"
    if args.repository:
        _head, _, last = args.repository.rpartition("/")
        repository, _, tag = (
            args.repository.rpartition(":") if ":" in last else (args.repository, "", "latest")
        )
    image = container.commit(repository, tag, message=args.message, author=args.author)
    ctx.print(image_id(image, ctx.engine().image_store))  # docker commit prints the new image's full ID
    return 0


def _rm_flags(p: CommandParser) -> None:
    p.add_argument("-f", "--force", action="store_true", help="Force the removal of a running container")
    p.add_argument("containers", nargs="+", metavar="CONTAINER")


@command("rm", "[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers", flags=_rm_flags)
def rm(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    status = 0
    for ref in args.containers:
        try:
            container = engine.containers.get(ref)
            if container.state in (State.RUNNING, State.PAUSED) and not args.force:
                raise CommandError(
                    f"You cannot remove a running container {container.id}. "
                    "Stop the container before attempting removal or force remove"
                )
            container.remove(force=args.force)
            ctx.print(ref)
        except (LookupError, RuntimeError) as exc:
            ctx.err.write(f"Error response from daemon: {exc}\n")
            status = 1
    return status


@command("stop", "CONTAINER", "Stop a running container", flags=_one_container)
def stop(ctx: Context, args: argparse.Namespace) -> int:
    container = ctx.engine().containers.get(args.container)
    if container.state in (State.RUNNING, State.PAUSED):
        container.stop()
    ctx.print(args.container)
    return 0
