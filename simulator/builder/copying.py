"""COPY and ADD: choosing the sources, then writing them into a container.

:func:`plan_copy` works on a read-only view (the build context, another stage, or an image)
and returns what will be written, with the checksums the build cache keys on.  :func:`apply_copy`
writes it through the container's operations, so parent directories are copied up and the
step's layer is that container's writable layer.

Rules (BuildKit): a directory source copies its *contents*; a trailing ``/`` on the
destination, several sources, or an existing directory there make the destination a directory;
missing parents are created 0755; files from the context get uid:gid 0:0, files from
``--from`` keep theirs, ``--chown``/``--chmod`` override; ``ADD`` unpacks local tar archives
(plain, gzip, bzip2, xz, recognised by content).
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass, field, replace

from simulator.builder.context import glob, source_checksum, subtree
from simulator.dockerfile import instructions as ins
from simulator.errors import BuildError
from simulator.model.container import Container
from simulator.model.entries import Entry, Kind
from simulator.model.paths import basename, join, normalize, parent, path_sort_key
from simulator.model.union import UnionView
from simulator.userland.users import UnknownUser, resolve_chown

__all__ = ["CopyPlan", "apply_copy", "plan_copy", "write_entry"]


@dataclass
class CopyPlan:
    """What a COPY/ADD writes: ``(path relative to the destination, entry)`` pairs."""

    dest: str
    dest_is_dir: bool
    single_file: str | None = None
    items: list[tuple[str, Entry]] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)
    chown: str | None = None
    chmod: int | None = None


def _chmod_value(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text, 8)
    except ValueError:
        value = -1
    if not 0 <= value <= 0o7777:
        raise BuildError(
            f"invalid chmod parameter: '{text}'. it should be octal string and between 0 and 07777"
        )
    return value


def _archive_items(data: bytes) -> list[tuple[str, Entry]] | None:
    """The members of a tar archive (any compression), or ``None`` when ``data`` is not one."""
    items: list[tuple[str, Entry]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive.getmembers():
                rel = normalize("/" + member.name).lstrip("/")
                if not rel:
                    continue
                if member.isdir():
                    items.append((rel, Entry.directory(member.mode, member.uid, member.gid)))
                elif member.issym():
                    items.append((rel, Entry.symlink(member.linkname, member.uid, member.gid)))
                elif member.islnk():  # a hard link to an earlier member, kept as a link
                    target = normalize("/" + member.linkname).lstrip("/")
                    items.append((rel, Entry.hardlink(target, member.mode, member.uid, member.gid)))
                elif member.isreg():
                    f = archive.extractfile(member)
                    content = f.read() if f is not None else b""
                    items.append((rel, Entry.file(content, member.mode, member.uid, member.gid)))
    except (tarfile.TarError, EOFError, OSError):
        return None
    return items


def plan_copy(
    view: UnionView, instr: ins.Copy | ins.Add, *, workdir: str, keep_owner: bool, is_add: bool
) -> CopyPlan:
    """Resolve sources and destination of an (expanded) COPY or ADD against ``view``."""
    raw_dest = instr.dest
    dest_slash = raw_dest.endswith("/") or raw_dest in (".", "..") or raw_dest.endswith("/.")
    dest = normalize(raw_dest if raw_dest.startswith("/") else f"{workdir}/{raw_dest}")
    plan = CopyPlan(dest, dest_slash, chown=instr.chown, chmod=_chmod_value(instr.chmod))
    matched: list[str] = []
    archived: list[tuple[str, Entry]] = []
    for src in instr.sources:
        found = glob(view, src)
        if len(found) == 1 and found[0] == normalize("/" + src) and view.lookup(found[0]) is None:
            try:
                view.resolve(found[0])
            except OSError:
                raise BuildError(
                    f'failed to compute cache key: "{normalize("/" + src)}": not found '
                    "(is it in the build context, or excluded by .dockerignore?)"
                ) from None
        matched.extend(found)
    count = len(matched) + len(instr.heredocs)
    if count > 1:
        plan.dest_is_dir = True
    plan.checksums = source_checksum(view, matched, with_owner=keep_owner)
    for doc in instr.heredocs:
        plan.checksums[f"<<{doc.name}"] = doc.content
        plan.items.append((doc.name, Entry.file(doc.content.encode(), 0o644)))
        if count == 1:
            plan.single_file = doc.name
    for path in matched:
        origin = view.resolve(path)  # a top-level symlink source is followed
        entry = origin.entry
        if entry.kind is Kind.DIR:
            plan.dest_is_dir = True
            for sub, child in subtree(view, origin.path):
                plan.items.append((sub[len(origin.path) :].lstrip("/"), child))
            continue
        if is_add and entry.kind is Kind.FILE:
            members = _archive_items(entry.read())
            if members is not None:  # an archive's members keep their owners (BuildKit, buildah)
                plan.dest_is_dir = True
                archived.extend(members)
                continue
        plan.items.append((basename(path), entry))
        if count == 1:
            plan.single_file = basename(path)
    if not keep_owner:
        plan.items = [(p, _owned(e, 0, 0)) for p, e in plan.items]
    plan.items.extend(archived)
    if plan.chmod is not None:
        plan.items = [(p, e if e.kind is Kind.SYMLINK else _moded(e, plan.chmod)) for p, e in plan.items]
    return plan


def _owned(entry: Entry, uid: int, gid: int) -> Entry:
    return replace(entry, uid=uid, gid=gid)


def _moded(entry: Entry, mode: int) -> Entry:
    return replace(entry, mode=mode)


def _makedirs(c: Container, path: str, ids: tuple[int, int] | None) -> None:
    """Create missing directories 0755, owned by ``--chown``'s ids when given (BuildKit, buildah)."""
    current = ""
    for part in [p for p in path.split("/") if p]:
        current += "/" + part
        try:
            entry = c.stat(current)
        except FileNotFoundError:
            c.mkdir(current, 0o755)
            if ids is not None:
                c.chown(current, *ids)
            continue
        if entry.kind is not Kind.DIR:
            raise BuildError(f"cannot copy to {path}: {current} is not a directory")


def apply_copy(c: Container, plan: CopyPlan) -> None:
    """Write ``plan`` into the container ``c``."""
    ids = None
    if plan.chown:
        try:
            ids = resolve_chown(c.read_file, plan.chown)
        except UnknownUser as e:
            raise BuildError(str(e)) from None
    dest = plan.dest
    if plan.single_file is not None and not plan.dest_is_dir:
        if c.exists(dest) and c.stat(dest).kind is Kind.DIR:
            dest = join(dest, plan.single_file)
        target = dest
        _makedirs(c, parent(target), ids)
        items = [(target, plan.items[-1][1])]
    else:
        _makedirs(c, dest, ids)
        items = [(join(dest, rel) if rel else dest, e) for rel, e in plan.items]
    for path, entry in sorted(items, key=lambda item: path_sort_key(item[0])):
        if ids is not None:
            entry = _owned(entry, *ids)
        if not c.exists(parent(path)):
            _makedirs(c, parent(path), ids)  # archives may list a file before (or without) its directory
        if entry.kind is Kind.HARDLINK:
            entry = replace(entry, target=join(dest, entry.target))
        write_entry(c, path, entry)


def write_entry(c: Container, path: str, entry: Entry) -> None:
    """Create ``entry`` at ``path`` in ``c`` (merging into an existing directory)."""
    try:
        current = c.lstat(path)
    except FileNotFoundError:
        current = None
    if entry.kind is Kind.DIR:
        if current is None:
            c.mkdir(path, entry.mode)
        elif current.kind is not Kind.DIR:
            raise BuildError(f"cannot copy a directory to {path}: a file is there")
        else:
            return  # merging into an existing directory keeps its attributes
        c.chmod(path, entry.mode)
        c.chown(path, entry.uid, entry.gid)
        return
    if current is not None and current.kind is Kind.DIR:
        raise BuildError(f"cannot copy a file to {path}: a directory is there")
    if entry.kind is Kind.SYMLINK:
        if current is not None:
            c.unlink(path)
        c.symlink(entry.target, path)
        c.lchown(path, entry.uid, entry.gid)
        return
    if entry.kind is Kind.HARDLINK:
        if current is not None:
            c.unlink(path)
        c.link(entry.target, path)
        return
    if current is not None and current.kind is Kind.SYMLINK:
        c.unlink(path)
    c.write_file(path, entry.read(), entry.mode)
    c.chmod(path, entry.mode)
    c.chown(path, entry.uid, entry.gid)
