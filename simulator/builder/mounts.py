"""``RUN --mount``: what each type puts in the step's container, and what it keeps out of the layer.

BuildKit's rules (moby/buildkit ``dockerfile2llb/convert_runmount.go``, ``convert_secrets.go``,
``convert_ssh.go``; the Dockerfile reference, "RUN --mount"):

- ``bind`` (the default): a directory or file of the build context, or of a stage or image
  (``from=``), at ``target``; read-only unless ``rw`` (then writes are thrown away).  Its
  content is part of the step's cache key, like a COPY source;
- ``cache``: a directory that persists from build to build (the engine's build cache keeps it,
  by ``id``, default the target) and is never part of a layer;
- ``tmpfs``: an empty directory that disappears after the step;
- ``secret``: ``build(secrets={id: bytes})`` as the file ``/run/secrets/<id>`` (mode 0400) or
  the variable ``env=NAME``; never in a layer, not in the cache key (its id and target are);
  a missing secret is skipped unless ``required``;
- ``ssh``: layerlab has no SSH agent: an optional one is skipped with a line in the log, a
  required one fails the step.

The simulator puts a mount's content into the step's container before the RUN, and afterwards
removes everything at and below each target from the layer, with the mount-point directories
it had to create (BuildKit removes those stubs too: ``executor/stubs.go``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from simulator.builder.cache import BuildCache
from simulator.builder.context import source_checksum, subtree
from simulator.builder.copying import write_entry
from simulator.dockerfile.mounts import Mount
from simulator.errors import BuildError
from simulator.model.container import Container
from simulator.model.entries import Entry, Kind
from simulator.model.layer import Layer
from simulator.model.paths import join, normalize, parent
from simulator.model.union import UnionView

__all__ = ["PreparedMount", "install", "prepare", "release", "strip_layer"]


@dataclass
class PreparedMount:
    """A mount resolved for one RUN: where it goes and what it holds."""

    mount: Mount
    target: str
    items: list[tuple[str, Entry]] = field(default_factory=list)  # relative to target
    file: Entry | None = None  # a file mount (a secret, a bind of one file)
    key: dict[str, object] = field(default_factory=dict)  # its part of the cache key
    created: list[str] = field(default_factory=list)  # mount-point stubs made for it
    written: dict[str, str] = field(default_factory=dict)  # what a read-only mount held


def prepare(
    mount: Mount,
    *,
    workdir: str,
    context: UnionView,
    stage_view: UnionView | None,
    cache: BuildCache,
    secrets: Mapping[str, bytes],
) -> PreparedMount | None:
    """Resolve ``mount`` for a RUN in ``workdir``; None for an optional secret or ssh not given.

    Raises:
        BuildError: a required secret or ssh agent is missing, or the target is ``/``.
    """
    kind = mount.type
    if kind == "ssh":
        if mount.required:
            raise BuildError(
                "--mount=type=ssh,required: layerlab has no SSH agent to forward (and no network); "
                "put what the step fetches in the build context and COPY it"
            )
        return None
    if kind == "secret":
        ident = (
            mount.source or mount.id or (mount.target.rstrip("/").rsplit("/", 1)[-1] if mount.target else "")
        )
        data = secrets.get(ident)
        if data is None:
            if mount.required:
                raise BuildError(
                    f"secret {ident}: not found; give it with build(secrets={{{ident!r}: b'...'}})"
                )
            return None
        target = mount.target or ("" if mount.env else f"/run/secrets/{ident.rsplit('/', 1)[-1]}")
        mode = mount.mode if mount.mode is not None else 0o400
        entry = Entry.file(bytes(data), mode, mount.uid or 0, mount.gid or 0)
        found = PreparedMount(mount, _absolute(target, workdir) if target else "", file=entry)
        found.key = {"type": "secret", "id": ident, "target": found.target, "env": mount.env}
        return found
    target = _absolute(mount.target, workdir)
    if target == "/":
        raise BuildError(f'invalid mount target "{target}"')
    if kind == "tmpfs":
        return PreparedMount(mount, target, key={"type": "tmpfs", "target": target})
    if kind == "cache":
        ident = mount.id or posixpath.normpath(mount.target)  # path.Clean(target), as BuildKit
        stored = cache.mounts.get(ident)
        if stored is None:
            root = Entry.directory(
                mount.mode if mount.mode is not None else 0o755, mount.uid or 0, mount.gid or 0
            )
            stored = cache.mounts[ident] = {"": root}
        items = sorted(stored.items())
        return PreparedMount(mount, target, items=items, key={"type": "cache", "id": ident, "target": target})
    view = stage_view if stage_view is not None else context
    source = normalize("/" + mount.source)
    origin = view.origin(source)
    if origin is None:
        raise BuildError(f'failed to compute cache key: "{source}": not found (is it in the build context?)')
    checksum = source_checksum(view, [source], with_owner=stage_view is not None)
    key: dict[str, object] = {"type": "bind", "target": target, "from": mount.from_, "source": source}
    key["sums"] = checksum
    key["rw"] = not mount.readonly
    entry = view.resolve(source).entry
    if entry.kind is not Kind.DIR:
        return PreparedMount(mount, target, file=entry, key=key)
    items = [("", entry), *((p[len(source) :].lstrip("/"), e) for p, e in subtree(view, source))]
    if stage_view is None:  # context files belong to root, as COPY makes them
        items = [(p, _owned(e)) for p, e in items]
    return PreparedMount(mount, target, items=items, key=key)


def _absolute(target: str, workdir: str) -> str:
    return normalize(target if target.startswith("/") else f"{workdir}/{target}")


def _owned(entry: Entry) -> Entry:
    return replace(entry, uid=0, gid=0)


def _remove(c: Container, path: str) -> None:
    entry = c.lstat(path)
    if entry.kind is Kind.DIR:
        for name in c.listdir(path):
            _remove(c, join(path, name))
        c.rmdir(path)
    else:
        c.unlink(path)


def _exists(c: Container, path: str) -> bool:
    try:
        c.lstat(path)
    except OSError:
        return False
    return True


def install(c: Container, mounts: list[PreparedMount]) -> dict[str, str]:
    """Put each mount's content at its target in ``c``; returns the variables secrets set."""
    env: dict[str, str] = {}
    for prepared in mounts:
        mount = prepared.mount
        if mount.type == "secret" and mount.env and prepared.file is not None:
            env[mount.env] = prepared.file.read().decode("utf-8", "surrogateescape")
        if not prepared.target:
            continue
        missing = []
        path = parent(prepared.target)
        while not _exists(c, path):
            missing.append(path)
            path = parent(path)
        prepared.created = [*reversed(missing)]
        if not _exists(c, prepared.target):
            prepared.created.append(prepared.target)
        else:
            _remove(c, prepared.target)  # the mount hides what the image has there
        c.makedirs(parent(prepared.target))
        if prepared.file is not None:
            write_entry(c, prepared.target, prepared.file)
        else:
            root = dict(prepared.items).get("", Entry.directory(0o1777 if mount.type == "tmpfs" else 0o755))
            write_entry(c, prepared.target, root)
            for rel, entry in prepared.items:
                if rel:
                    write_entry(c, join(prepared.target, rel), entry)
        if mount.readonly:
            prepared.written = _fingerprint(c, prepared.target)
    return env


def _snapshot(c: Container, top: str) -> dict[str, Entry]:
    out: dict[str, Entry] = {"": c.lstat(top)}
    for path, entry in c.walk(top):
        rel = path[len(top) :].lstrip("/")
        if entry.kind is Kind.FILE:
            entry = Entry.file(c.read_file(path), entry.mode, entry.uid, entry.gid)
        out[rel] = entry
    return out


def _fingerprint(c: Container, top: str) -> dict[str, str]:
    if not _exists(c, top):
        return {}
    if c.lstat(top).kind is not Kind.DIR:
        entry = c.lstat(top)
        return {"": f"{entry.kind.value}|{entry.mode:o}|{c.read_file(top)!r}"}
    out = {}
    for rel, entry in _snapshot(c, top).items():
        detail = entry.read() if entry.kind is Kind.FILE else entry.target
        out[rel] = f"{entry.kind.value}|{entry.mode:o}|{detail!r}"
    return out


def release(c: Container, mounts: list[PreparedMount], cache: BuildCache) -> None:
    """After the RUN: keep what cache mounts hold; a write to a read-only mount is an error.

    Raises:
        BuildError: the step wrote to a read-only mount (EROFS under Docker).
    """
    for prepared in mounts:
        mount = prepared.mount
        if not prepared.target:
            continue
        if mount.type == "cache" and _exists(c, prepared.target):
            ident = str(prepared.key["id"])
            cache.mounts[ident] = _snapshot(c, prepared.target)
        if mount.readonly and _fingerprint(c, prepared.target) != prepared.written:
            raise BuildError(
                f"the step wrote to {prepared.target}, a read-only {mount.type} mount (Docker: 'Read-only "
                "file system'); add rw to the mount to allow writes that are thrown away after the step"
            )


def strip_layer(layer: Layer, mounts: list[PreparedMount], base: UnionView) -> Layer:
    """``layer`` without the mounts' targets and what is below them, without the mount-point
    stubs made for them, and without a parent directory copied up only because a stub was
    made in it (same type, mode and owner as in ``base``, nothing else of it changed)."""
    targets = [p.target for p in mounts if p.target]
    if not targets:
        return layer

    def under(path: str, top: str) -> bool:
        return path == top or path.startswith(top.rstrip("/") + "/")

    def alone(path: str) -> bool:
        return not any(under(p, path) and p != path for p in kept)

    kept = {p: e for p, e in layer.entries.items() if not any(under(p, t) for t in targets)}
    for prepared in mounts:
        for stub in reversed(prepared.created):
            if stub in kept and alone(stub):
                del kept[stub]
        path = parent(prepared.target)
        while path != "/" and path in kept and alone(path):
            was, now = base.lookup(path), kept[path]
            if was is None or (was.kind, was.mode, was.uid, was.gid) != (
                now.kind,
                now.mode,
                now.uid,
                now.gid,
            ):
                break
            del kept[path]
            path = parent(path)
    return Layer.of(kept.items(), created_by=layer.created_by, comment=layer.comment)
