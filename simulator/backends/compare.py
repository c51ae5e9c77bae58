"""Run one scenario on two backends (the model and the kernel by default), and compare them.

A *scenario* is an image and a list of operations, each a tuple naming a container method and
its arguments — ``("write_file", "/etc/motd", b"hi")``, ``("rename", "/a", "/b")`` — plus
``("rm_rf", path)`` (``rm -rf``, made of ``lstat``/``listdir``/``unlink``/``rmdir`` calls).
:func:`run_ops` applies them and records each outcome (``"ok"`` or the error's class and
errno); :func:`snapshot` captures what can be compared; :func:`compare_backends` puts the
containers of any two :class:`~simulator.backends.base.Backend` objects side by side as text
(a real upper directory listed the way ``ls -l`` would show it), and :func:`compare_scenario`
does it for the model and the kernel's overlayfs.

The parity tests (``tests/backends/test_parity.py``) use the same functions.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..model.container import Container
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.layer import Layer
from ..model.paths import join
from ..model.permissions import ROOT, Credentials
from .base import Backend
from .memory import MemoryBackend

__all__ = [
    "Outcome",
    "Snapshot",
    "busybox_layer",
    "compare_backends",
    "compare_scenario",
    "run_op",
    "run_ops",
    "snapshot",
]

Op = tuple[Any, ...]


@dataclass(frozen=True)
class Outcome:
    """What one operation did: ``ok`` (with a result) or an error class and errno."""

    ok: bool
    error: str = ""
    errno: int | None = None
    result: Any = None

    def __str__(self) -> str:
        if self.ok:
            return "ok" if self.result is None else f"ok {self.result!r}"
        code = errno.errorcode.get(self.errno or 0, "") if self.errno is not None else ""
        return f"{self.error}" + (f" [{code}]" if code else "")


def rm_rf(container: Any, path: str) -> None:
    """``rm -rf path`` with the container's own calls (children first, symlinks not followed)."""
    try:
        entry = container.lstat(path)
    except FileNotFoundError:
        return
    if entry.kind is Kind.DIR:
        for name in container.listdir(path):
            rm_rf(container, join(path, name))
        container.rmdir(path)
    else:
        container.unlink(path)


def run_op(container: Any, op: Op) -> Outcome:
    name, *args = op
    if name == "become":  # the following operations run as that user (uid = gid)
        container.credentials = Credentials(args[0], args[0]) if args[0] else ROOT
        return Outcome(True)
    try:
        if name == "rm_rf":
            rm_rf(container, *args)
            result = None
        else:
            result = getattr(container, name)(*args)
    except OSError as exc:
        return Outcome(False, type(exc).__name__, exc.errno)
    except ValueError as exc:  # InvalidPath
        return Outcome(False, type(exc).__name__)
    if isinstance(result, (bytes, str, list, bool, int)):
        return Outcome(True, result=result)
    return Outcome(True)


def run_ops(container: Any, ops: Iterable[Op]) -> list[Outcome]:
    return [run_op(container, op) for op in ops]


def _view_item(entry: Entry) -> tuple[Any, ...]:
    if entry.kind is Kind.FILE:
        return (entry.kind.value, oct(entry.mode), entry.uid, entry.gid, entry.read())
    if entry.kind is Kind.SYMLINK:
        return (entry.kind.value, entry.uid, entry.gid, entry.target)
    return (entry.kind.value, oct(entry.mode), entry.uid, entry.gid)


def _upper_item(entry: Entry) -> tuple[Any, ...]:
    if entry.kind is Kind.DIR:
        return ("dir", oct(entry.mode), entry.uid, entry.gid, "opaque" if entry.opaque else "")
    if entry.kind is Kind.HARDLINK:
        return ("hardlink", entry.target)
    if entry.kind is Kind.WHITEOUT:
        return ("whiteout",)
    return _view_item(entry)


@dataclass(frozen=True)
class Snapshot:
    """The comparable state of a container: merged view, upper changeset, diff and copy-ups."""

    view: dict[str, tuple[Any, ...]]
    upper: dict[str, tuple[Any, ...]]
    diff: list[str]
    copy_ups: list[tuple[Any, ...]]


def snapshot(container: Any) -> Snapshot:
    """Everything compared, read as root (whoever the last operations ran as)."""
    saved, container.credentials = container.credentials, ROOT
    try:
        view = {"/": _view_item(container.stat("/"))}
        view.update({path: _view_item(entry) for path, entry in container.walk("/")})
        upper = {path: _upper_item(entry) for path, entry in container.upper.entries.items()}
        copy_ups = [(c.path, c.layer, c.kind.value, c.bytes) for c in container.copy_ups]
        return Snapshot(view, upper, [str(c) for c in container.diff()], copy_ups)
    finally:
        container.credentials = saved


def differences(model: Snapshot, real: Snapshot, labels: tuple[str, str] = ("model", "kernel")) -> list[str]:
    """Human-readable differences (empty when the two agree); ``labels`` name the two sides."""
    one, two = labels
    out = []
    for label, a, b in (("merged view", model.view, real.view), ("upper", model.upper, real.upper)):
        for path in sorted(set(a) | set(b)):
            if a.get(path) != b.get(path):
                out.append(f"{label} {path}: {one} {a.get(path)!r}, {two} {b.get(path)!r}")
    if model.diff != real.diff:
        out.append(f"diff: {one} {model.diff}, {two} {real.diff}")
    if model.copy_ups != real.copy_ups:
        out.append(f"copy_ups: {one} {model.copy_ups}, {two} {real.copy_ups}")
    return out


def _entry_line(path: str, entry: Entry) -> str:
    extra = {
        Kind.FILE: f" {entry.size}B",
        Kind.SYMLINK: f" -> {entry.target}",
        Kind.HARDLINK: f" => {entry.target}",
        Kind.WHITEOUT: "  (whiteout)",
    }.get(entry.kind, "")
    if entry.opaque:
        extra += "  (opaque)"
    return f"{entry.mode_string()} {entry.uid}:{entry.gid} {path}{extra}"


@runtime_checkable
class _ListsUpper(Protocol):
    """A container with a real upper directory (the overlayfs backend's)."""

    upper_dir: str

    def upper_listing(self) -> str: ...


def _upper_section(label: str, container: Container) -> list[str]:
    if isinstance(container, _ListsUpper):
        return [
            "",
            f"{label} upper directory ({container.upper_dir}):",
            container.upper_listing() or "(empty)",
        ]
    return [
        "",
        f"{label} upper layer:",
        *([_entry_line(p, e) for p, e in container.upper.entries.items()] or ["(empty)"]),
    ]


def compare_backends(
    image: Image,
    ops: Sequence[Op],
    first: Backend,
    second: Backend,
    *,
    labels: tuple[str, str] | None = None,
) -> str:
    """Run ``ops`` on a container of ``image`` from each backend; a text report.

    The report lists each operation with both outcomes, then each side's writable layer (a real
    upper directory as ``ls -l`` shows it: whiteouts are ``c 0,0`` devices, opaque directories
    carry the xattr), ``docker diff`` of each (layerlab's algorithm run on each side's writable
    layer: not a real tool's output), and every difference.  ``labels`` name the
    sides (default: the backends' names).  The containers are removed afterwards; the
    backends stay open.
    """
    one, two = labels or (first.name, second.name)
    lines = []
    with first.new_container(image) as a, second.new_container(image) as b:
        lines.append(f"{'operation':40} {one:24} {two}")
        for op in ops:
            x, y = run_op(a, op), run_op(b, op)
            mark = "" if (x.ok, x.errno) == (y.ok, y.errno) else "   <-- differs"
            shown = " ".join(repr(v) if not isinstance(v, str) else v for v in op)
            lines.append(f"{shown[:40]:40} {str(x)[:24]:24} {y}{mark}")
        lines += _upper_section(two, b) + _upper_section(one, a)
        lines += [
            "",
            f"docker diff, layerlab's algorithm on the {one}'s writable layer:",
            a.diff_text() or "(nothing)",
            "",
            f"docker diff, layerlab's algorithm on the {two}'s writable layer:",
            b.diff_text() or "(nothing)",
        ]
        found = differences(snapshot(a), snapshot(b), (one, two))
        agree = f"no differences: the {one} did what the {two} did"
        lines += ["", "differences:" if found else agree]
        lines += [f"  {d}" for d in found]
    return "\n".join(lines)


def compare_scenario(image: Image, ops: Sequence[Op], *, state_dir: str | None = None) -> str:
    """Run ``ops`` on a model container and on a real overlay mount of ``image``; a text report
    (:func:`compare_backends` of the memory and the overlayfs backends).

    Raises:
        BackendUnavailable: the overlayfs backend cannot run here (the reason says why).
    """
    from .overlayfs import OverlayBackend  # the default pair; compare_backends takes any two

    directory = tempfile.mkdtemp(prefix="layerlab-compare-") if state_dir is None else state_dir
    try:
        with OverlayBackend.create(directory) as kernel:
            return compare_backends(image, ops, MemoryBackend(), kernel, labels=("model", "kernel"))
    finally:
        if state_dir is None:
            shutil.rmtree(directory, ignore_errors=True)


def busybox_layer(
    binary: str = "/usr/bin/busybox",
    applets: Sequence[str] = ("sh", "ls", "cat", "echo", "rm", "mkdir", "touch", "mv", "ln", "chmod"),
) -> Layer:
    """A layer with a static busybox as ``/bin/busybox`` and ``/bin/<applet>`` symlinks to it.

    With it an image can run real programs (:meth:`RealContainer.run_program`).
    """
    with open(binary, "rb") as f:
        data = f.read()
    entries: dict[str, Entry] = {
        "/bin": Entry.directory(),
        "/bin/busybox": Entry.file(data, 0o755),
        "/tmp": Entry.directory(0o1777),
    }
    for applet in applets:
        entries[f"/bin/{applet}"] = Entry.symlink("busybox")
    return Layer.of(entries, created_by=f"busybox ({os.path.basename(binary)})")
