"""Image commands: ``build``, ``images``, ``history``, ``tag``, ``rmi``, ``save``, ``load``, ``pull``, ``push``."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from ..engine.df import image_id
from ..reference import parse_reference
from ..store.skopeo import transport_of
from ._context import Context, command
from ._errors import CommandError, UsageError
from ._filters import add_filter_flag, filter_images, parse_filters
from ._format import format_rows
from ._parser import CommandParser
from ._rows import HISTORY_HEADERS, HISTORY_TABLE, IMAGE_HEADERS, image_rows
from ._rows import history_rows as _history_rows
from .progress import Progress

__all__: list[str] = []

# `layerlab save --format`: the archive kinds and how simulator.oci.write_layout writes them
SAVE_FORMATS = {
    "docker-archive": ("docker", True),  # what `docker save` writes
    "oci-archive": ("oci", True),  # an OCI layout in a tar (skopeo's oci-archive:)
    "oci": ("oci", False),  # an OCI layout directory (skopeo's oci:)
}


def _build_flags(p: CommandParser) -> None:
    p.add_argument(
        "-t", "--tag", action="append", default=[], help="Name and optionally a tag in the 'name:tag' format"
    )
    p.add_argument("-f", "--file", help="Name of the Dockerfile (Default is 'PATH/Dockerfile')")
    p.add_argument(
        "--build-arg", action="append", default=[], metavar="ARG=VALUE", help="Set build-time variables"
    )
    p.add_argument("--target", help="Set the target build stage to build.")
    p.add_argument("--no-cache", action="store_true", help="Do not use cache when building the image")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="Suppress the build output and print image ID on success"
    )
    p.add_argument("path", metavar="PATH")


def _build_args(values: list[str]) -> dict[str, str]:
    """``--build-arg K=V``; a bare ``K`` takes its value from the environment (unset: skipped)."""
    out = {}
    for value in values:
        name, eq, rest = value.partition("=")
        if eq:
            out[name] = rest
        elif name in os.environ:
            out[name] = os.environ[name]
    return out


@command("build", "[OPTIONS] PATH", "Build an image from a Dockerfile", flags=_build_flags)
def build(ctx: Context, args: argparse.Namespace) -> int:
    context = Path(args.path)
    if not context.is_dir():
        raise CommandError(f'unable to prepare context: path "{args.path}" not found')
    dockerfile = None
    filename = "Dockerfile"
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise CommandError(f"unable to prepare context: the Dockerfile {args.file!r} does not exist")
        dockerfile = path.read_text(encoding="utf-8")
        filename = path.name
    engine = ctx.engine()
    tags = args.tag or [None]
    with Progress("Building", stream=ctx.err) as bar:
        result = engine.build(
            dockerfile,
            str(context),
            tag=tags[0],
            build_args=_build_args(args.build_arg),
            target=args.target,
            no_cache=args.no_cache,
            filename=filename,
            progress=bar.report,
        )
    for extra in tags[1:]:
        engine.images.tag(result.image, extra)
    if args.quiet:
        ctx.print(image_id(result.image, engine.image_store))  # the store's image ID (docker images)
        return 0
    if result.log:
        ctx.err.write(result.log if result.log.endswith("\n") else result.log + "\n")
    for warning in result.warnings:
        ctx.err.write(f"WARNING: {warning}\n")
    ctx.print(f"Successfully built {image_id(result.image, engine.image_store)[7:19]}")
    for tag in args.tag:
        name, t = parse_reference(tag)
        ctx.print(f"Successfully tagged {name}:{t}")
    return 0


def _images_flags(p: CommandParser) -> None:
    p.add_argument(
        "-a", "--all", action="store_true", help="Show all images (default hides intermediate images)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="Only show image IDs")
    p.add_argument("--no-trunc", action="store_true", help="Don't truncate output")
    p.add_argument("--digests", action="store_true", help="Show digests")
    p.add_argument("--format", help="Pretty-print images using a Go template")
    add_filter_flag(p)
    p.add_argument("reference", nargs="?", metavar="REPOSITORY[:TAG]")


@command("images", "[OPTIONS] [REPOSITORY[:TAG]]", "List images", flags=_images_flags)
def images(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    filters = parse_filters(args.filter, "images")
    if args.reference:  # docker/cli: the positional argument is a reference filter
        filters.setdefault("reference", []).append(args.reference)
    if filters:
        listed = filter_images(engine, filters, all=args.all)
        rows = image_rows(engine, no_trunc=args.no_trunc, listed=listed)
    else:
        rows = image_rows(engine, all=args.all, no_trunc=args.no_trunc)
    if args.quiet:
        seen: list[str] = []
        for row in rows:
            if row["ID"] not in seen:
                seen.append(row["ID"])
        ctx.print("\n".join(seen))
        return 0
    if args.format is None and not (args.all or args.no_trunc or args.digests or filters):
        ctx.print(engine.images.table())  # the engine's `docker images`, the same as the template's
        return 0
    digest = "{{.Digest}}\t" if args.digests else ""  # docker/cli formatter/image.go with --digests
    fmt = (
        args.format
        or f"table {{{{.Repository}}}}\t{{{{.Tag}}}}\t{digest}{{{{.ID}}}}\t{{{{.CreatedSince}}}}\t{{{{.Size}}}}"
    )
    ctx.print(format_rows(fmt, rows, IMAGE_HEADERS))
    return 0


def _history_flags(p: CommandParser) -> None:
    p.add_argument("--no-trunc", action="store_true", help="Don't truncate output")
    p.add_argument("-q", "--quiet", action="store_true", help="Only show image IDs")
    p.add_argument("--format", help="Pretty-print images using a Go template")
    p.add_argument(
        "-H",
        "--human",
        type=_bool,
        default=True,
        metavar="BOOL",
        help="Print sizes and dates in human readable format (default true)",
    )
    p.add_argument("image", metavar="IMAGE")


def _bool(text: str) -> bool:
    """pflag's bool values (``strconv.ParseBool``)."""
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise argparse.ArgumentTypeError(f'invalid syntax: "{text}" is not a boolean')


@command("history", "[OPTIONS] IMAGE", "Show the history of an image", flags=_history_flags)
def history(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    image = engine.images.get(args.image)
    if args.quiet:
        rows = _history_rows(engine, image, no_trunc=args.no_trunc)
        ctx.print("\n".join(r["ID"] for r in rows))
        return 0
    if args.format is None and args.human:
        ctx.print(engine.images.history(args.image, no_trunc=args.no_trunc))
        return 0
    rows = _history_rows(engine, image, no_trunc=args.no_trunc, human=args.human)
    default = HISTORY_TABLE if args.human else HISTORY_TABLE.replace("CreatedSince", "CreatedAt")
    ctx.print(format_rows(args.format or default, rows, HISTORY_HEADERS))
    return 0


def _tag_flags(p: CommandParser) -> None:
    p.add_argument("source", metavar="SOURCE_IMAGE[:TAG]")
    p.add_argument("target", metavar="TARGET_IMAGE[:TAG]")


@command(
    "tag",
    "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
    "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    flags=_tag_flags,
)
def tag(ctx: Context, args: argparse.Namespace) -> int:
    ctx.engine().images.tag(args.source, args.target)
    return 0


def _rmi_flags(p: CommandParser) -> None:
    p.add_argument("-f", "--force", action="store_true", help="Force removal of the image")
    p.add_argument("images", nargs="+", metavar="IMAGE")


@command("rmi", "[OPTIONS] IMAGE [IMAGE...]", "Remove one or more images", flags=_rmi_flags)
def rmi(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    status = 0
    for ref in args.images:
        try:
            ctx.print("\n".join(engine.images.remove(ref, force=args.force)))
        except (LookupError, RuntimeError) as exc:  # docker reports each and goes on
            ctx.err.write(f"Error response from daemon: {exc}\n")
            status = 1
    return status


def _save_flags(p: CommandParser) -> None:
    p.add_argument("-o", "--output", required=True, help="Write to a file or directory")
    p.add_argument(
        "--format",
        choices=sorted(SAVE_FORMATS),
        default="docker-archive",
        help="docker-archive (default, as docker save), oci-archive or oci (a layout directory)",
    )
    p.add_argument("image", metavar="IMAGE")


@command(
    "save",
    "[OPTIONS] IMAGE",
    "Save an image to a tar archive (docker-archive, oci-archive) or an OCI layout",
    flags=_save_flags,
)
def save(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    fmt, tar = SAVE_FORMATS[args.format]
    image = engine.images.get(args.image)
    with Progress(f"Saving {args.image}", total=len(image.layers), stream=ctx.err) as bar:
        engine.images.save(args.image, args.output, format=fmt, tar=tar, progress=bar.report)
    return 0


def _load_flags(p: CommandParser) -> None:
    p.add_argument(
        "-i",
        "--input",
        required=True,
        help="Read from a tar archive, an OCI layout directory, or containers-storage:/docker-daemon:IMAGE",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="Suppress the load output")


@command(
    "load",
    "[OPTIONS]",
    "Load images from a docker-archive, an OCI archive or an OCI layout",
    flags=_load_flags,
)
def load(ctx: Context, args: argparse.Namespace) -> int:
    if transport_of(args.input) is None and not os.path.exists(args.input):
        raise CommandError(f"open {args.input}: no such file or directory")
    engine = ctx.engine()
    with Progress("Loading", stream=ctx.err) as bar:
        loaded = engine.images.load(args.input, progress=bar.report)
    if not args.quiet:
        for image in loaded:
            tags = engine.images.tags_of(image)
            # docker load prints "Loaded image: name:tag", or "Loaded image ID: sha256:…"
            for t in tags:
                ctx.print(f"Loaded image: {t}")
            if not tags:
                ctx.print(f"Loaded image ID: {image_id(image, engine.image_store)}")
    return 0


def _registry_flags(p: CommandParser) -> None:
    p.add_argument("reference", metavar="NAME[:TAG]")


def _registry_host(ref: str) -> str | None:
    """The registry a reference names (``localhost:5000/app`` -> ``localhost:5000``), if any."""
    first, slash, _ = ref.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


@command(
    "pull",
    "NAME[:TAG]",
    "Pull an image from a registry, the built-in library when no registry is named, "
    "or another store on this machine through skopeo (containers-storage:NAME, docker-daemon:NAME:TAG)",
    flags=_registry_flags,
)
def pull(ctx: Context, args: argparse.Namespace) -> int:
    engine = ctx.engine()
    if transport_of(args.reference) is not None:  # podman's vocabulary: pull containers-storage:NAME
        with Progress("Copying", stream=ctx.err) as bar:
            (image,) = engine.images.load(args.reference, progress=bar.report)[:1]
        name = (engine.images.tags_of(image) or [image.id])[0]
        ctx.print(f"Digest: {image.id}\nStatus: Copied {name} from {transport_of(args.reference)}\n{name}")
        return 0
    # Docker's lines, as engine.images.pull prints them (a registry's or the library's); the bar
    # (a terminal only) per blob
    with Progress("Pulling", stream=ctx.err) as bar, contextlib.redirect_stdout(ctx.out):
        engine.images.pull(args.reference, progress=bar.report)
    return 0


@command("push", "NAME[:TAG]", "Push an image to a registry", flags=_registry_flags)
def push(ctx: Context, args: argparse.Namespace) -> int:
    if _registry_host(args.reference) is None:
        raise UsageError(
            f"{args.reference!r} names no registry; tag it as REGISTRY/NAME[:TAG] first "
            "(for example localhost:5000/app:1)",
            status=1,
        )
    engine = ctx.engine()
    with Progress("Pushing", stream=ctx.err) as bar, contextlib.redirect_stdout(ctx.out):
        engine.images.push(args.reference, progress=bar.report)
    return 0
