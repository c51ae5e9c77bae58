"""The model and the kernel, side by side (pyfakefs' fake-vs-real idea).

Hypothesis generates an image (1-3 layers of files, directories, symlinks — some pointing at
``/``, ``..`` chains and host paths — whiteouts, opaque directories and hard links) and a
sequence of operations.  The sequence runs on the model's ``Container`` and on a real overlay
mount; every outcome (ok, or the error's class and errno), the merged views, the upper
changesets, ``docker diff`` and the copy-ups must be identical.

Open files take part: ``("open", path, mode, actions)`` opens, runs ``read``/``write``/
``seek``/``truncate``/``fstat`` on the descriptor and closes it; ``("hold", path, mode)`` keeps a
descriptor open across the following operations, and ``("held", action)`` uses it (a read-only
descriptor opened before a copy-up, a file read after its name was removed ...).  Paths include
trailing slashes, ``.``/``..`` as last names, names over 255 bytes, paths at and over PATH_MAX,
symlink chains and loops (a link to itself: ``ELOOP``), and open flags (``O_NOFOLLOW``,
``O_DIRECTORY``, ``O_CREAT`` through a dangling symlink ...).  The real side hands every path to
the kernel unchanged (``openat2`` with ``RESOLVE_IN_ROOT``): the kernel, not the model, decides
every path-walk result there.

Out of scope (not compared): inode numbers, ``st_dev``, timestamps (they enter only through
``docker diff``'s C lines, see docs/overlayfs.md).
"""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from simulator.backends.compare import Outcome, differences, run_op, snapshot
from simulator.model import Container, Entry, Image, Kind, Layer, UnionView

IN_CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
EXAMPLES = 500 if IN_CI else int(os.environ.get("LAYERLAB_PARITY_EXAMPLES", "150"))

NAMES = ("a", "b", "l")
PATHS = sorted(
    {f"/{x}" for x in NAMES}
    | {f"/{x}/{y}" for x in NAMES for y in NAMES}
    | {f"/a/{y}/{z}" for y in NAMES for z in NAMES}
)
SENTINEL = "/tmp/layerlab-parity-sentinel"  # planted as a symlink target: must never be touched
LINK_TARGETS = (
    "/",
    "..",
    "../..",
    "../../../../../..",
    "/a",
    "a",
    "b",
    "l",
    "/a/b",
    "../a/l",
    "/l/l",
    SENTINEL,
    "../../../../../../.." + SENTINEL,
    "/nonexistent/x",
    "l/../b",
    "l",  # a loop when it is l itself: ELOOP
    "/l/",
    "b/",
    "/a/l/l/l/l",
    "a/" + "../a/" * 20 + "l",  # many components, one symlink
)
DATA = (b"", b"x", b"hello", b"hello world\n", bytes(range(256)))
FILE_MODES = (0o644, 0o600, 0o755, 0o4755, 0o444, 0o2755, 0o2745)
DIR_MODES = (0o755, 0o700, 0o1777, 0o555)


@s.composite
def layer_entries(draw: s.DrawFn, below: UnionView) -> dict[str, Entry]:
    chosen = sorted(draw(s.sets(s.sampled_from(PATHS), max_size=8)))
    entries: dict[str, Entry] = {}
    blocked: set[str] = set()
    for path in chosen:
        if any(path.startswith(b + "/") for b in blocked):
            continue
        kind = draw(s.sampled_from(("file", "file", "dir", "dir", "symlink", "whiteout", "hardlink")))
        if kind == "whiteout" and below.lookup(path) is None:
            kind = "file"
        if kind == "hardlink":
            files = [p for p, e in entries.items() if e.kind is Kind.FILE]
            if not files:
                kind = "file"
            else:
                target = draw(s.sampled_from(files))
                entries[path] = Entry.hardlink(target)
                blocked.add(path)
                continue
        if kind == "file":
            entries[path] = Entry.file(
                draw(s.sampled_from(DATA)),
                draw(s.sampled_from(FILE_MODES)),
                draw(s.sampled_from((0, 0, 1000))),
            )
        elif kind == "dir":
            entries[path] = Entry.directory(
                draw(s.sampled_from(DIR_MODES)), draw(s.sampled_from((0, 0, 1000))), opaque=draw(s.booleans())
            )
        elif kind == "symlink":
            entries[path] = Entry.symlink(draw(s.sampled_from(LINK_TARGETS)))
        else:
            entries[path] = Entry.whiteout()
        if kind != "dir":
            blocked.add(path)
    # real layer tars carry every parent directory: add the missing ones (metadata from below)
    for path in list(entries):
        for anc in _ancestors(path):
            if anc not in entries:
                lower = below.lookup(anc)
                if lower is not None and lower.kind is Kind.DIR:
                    entries[anc] = Entry.directory(lower.mode, lower.uid, lower.gid)
                else:
                    entries[anc] = Entry.directory()
    # drop entries now under a non-directory of the same layer
    return {p: e for p, e in entries.items() if not any(_is_nondir(entries.get(a)) for a in _ancestors(p))}


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[1:-1]
    return ["/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _is_nondir(entry: Entry | None) -> bool:
    return entry is not None and entry.kind is not Kind.DIR


@s.composite
def images(draw: s.DrawFn) -> Image:
    layers: list[Layer] = []
    for _ in range(draw(s.integers(1, 3))):
        layers.append(Layer.of(draw(layer_entries(UnionView(layers)))))
    return Image.of(layers)


LONG = "n" * 256  # over NAME_MAX: ENAMETOOLONG when looked up
NEAR_MAX = "/" + "./" * 2046 + "a"  # 4094 bytes: still below PATH_MAX (4096 with the NUL)
OP_PATHS = s.one_of(
    s.sampled_from((*PATHS, "/new", "/a/new", "/l/new", "/a/l/x", "/", "/a/b/../l", "/l/l/l/l/l", "/l/..")),
    s.builds(
        lambda p, x: p + x, s.sampled_from((*PATHS, "/new")), s.sampled_from(("/", "/.", "/..", "//", "/./"))
    ),
    s.sampled_from(("/" + LONG, "/a/" + LONG, "/" + "m" * 255, NEAR_MAX, NEAR_MAX + "/", NEAR_MAX + "xx")),
)
MODES = (
    "r", "r+", "w", "w+", "a", "a+", "x", "rb",
    os.O_RDONLY | os.O_TRUNC, os.O_WRONLY, os.O_RDWR | os.O_CREAT, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    os.O_RDONLY | os.O_NOFOLLOW, os.O_RDONLY | os.O_DIRECTORY, os.O_WRONLY | os.O_APPEND,
    os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, os.O_RDONLY | os.O_CREAT | os.O_DIRECTORY,
    os.O_RDWR | os.O_CREAT | os.O_TRUNC, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY,
)  # fmt: skip
ACTIONS = s.one_of(
    s.tuples(s.just("read"), s.sampled_from((-1, 0, 3))),
    s.tuples(s.just("write"), s.sampled_from(DATA)),
    s.tuples(s.just("seek"), s.integers(-1, 12), s.sampled_from((os.SEEK_SET, os.SEEK_END))),
    s.tuples(s.just("truncate"), s.sampled_from((0, 2, 30))),
    s.tuples(s.just("fstat")),
)


def _act(handle: Any, action: tuple[Any, ...]) -> Any:
    name, *args = action
    if name == "seek" and handle.fstat().kind.value == "dir":
        return "not compared"  # a directory's offsets are the backing file system's (ext4, tmpfs ...)
    try:
        result = getattr(handle, name)(*args)
    except OSError as exc:
        return errno.errorcode.get(exc.errno or 0, "?")
    if name == "fstat":
        return (result.kind.value, oct(result.mode), result.uid, result.gid, result.size, result.read())
    return result


HELD: dict[int, Any] = {}  # id(container) -> the descriptor a ("hold", ...) step keeps open


def run_step(container: Any, op: tuple[Any, ...]) -> Outcome:
    """``run_op``, plus the open-file steps (``open``, ``hold``, ``held``)."""
    name = op[0]
    if name == "held":
        handle = HELD.get(id(container))
        if handle is None or handle.closed:
            return Outcome(True, result="nothing held")
        return Outcome(True, result=_act(handle, op[1]))
    if name in ("stat", "lstat"):
        try:
            e = getattr(container, name)(op[1])
        except OSError as exc:
            return Outcome(False, type(exc).__name__, exc.errno)
        except ValueError as exc:  # InvalidPath
            return Outcome(False, type(exc).__name__)
        return Outcome(True, result=(e.kind.value, oct(e.mode), e.uid, e.gid, e.size, e.target))
    if name not in ("open", "hold"):
        return run_op(container, op)
    try:
        handle = container.open(op[1], op[2], 0o640)
    except OSError as exc:
        return Outcome(False, type(exc).__name__, exc.errno)
    except ValueError as exc:  # InvalidPath
        return Outcome(False, type(exc).__name__)
    if name == "hold":
        previous = HELD.pop(id(container), None)
        if previous is not None:
            previous.close()
        HELD[id(container)] = handle
        return Outcome(True)
    with handle:
        return Outcome(True, result=[_act(handle, a) for a in op[3]])


def ops() -> s.SearchStrategy[tuple]:
    p = OP_PATHS
    return s.one_of(
        s.tuples(s.just("write_file"), p, s.sampled_from(DATA)),
        s.tuples(s.just("append_file"), p, s.sampled_from(DATA)),
        s.tuples(s.just("truncate"), p, s.integers(0, 20)),
        s.tuples(s.just("chmod"), p, s.sampled_from(FILE_MODES + DIR_MODES)),
        s.tuples(s.just("chown"), p, s.sampled_from((-1, 0, 1000)), s.sampled_from((-1, 0, 1000))),
        s.tuples(s.just("lchown"), p, s.sampled_from((0, 1000)), s.sampled_from((-1, 0))),
        s.tuples(s.just("unlink"), p),
        s.tuples(s.just("rmdir"), p),
        s.tuples(s.just("mkdir"), p, s.sampled_from(DIR_MODES)),
        s.tuples(s.just("rename"), p, p),
        s.tuples(s.just("symlink"), s.sampled_from(LINK_TARGETS), p),
        s.tuples(s.just("link"), p, p),
        s.tuples(s.just("rm_rf"), p),
        s.tuples(s.just("touch"), p),
        s.tuples(s.just("read_file"), p),
        s.tuples(s.just("become"), s.sampled_from((0, 1000, 65534))),
        s.tuples(s.just("listdir"), p),
        s.tuples(s.just("stat"), p),
        s.tuples(s.just("lstat"), p),
        s.tuples(s.just("readlink"), p),
        s.tuples(s.just("exists"), p),
        s.tuples(s.just("open"), p, s.sampled_from(MODES), s.lists(ACTIONS, max_size=4)),
        s.tuples(s.just("hold"), p, s.sampled_from(("r", "r+", "a"))),
        s.tuples(s.just("held"), ACTIONS),
    )


def replay_and_compare(model: Any, real: Any, image: Image, sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    """Run ``sequence`` on both containers step by step (each step's outcome must agree), close
    what a ``hold`` step kept open, then compare their final snapshots."""
    for step, op in enumerate(sequence):
        expected, got = run_step(model, op), run_step(real, op)
        assert (expected.ok, expected.error, expected.errno, expected.result) == (
            got.ok,
            got.error,
            got.errno,
            got.result,
        ), f"step {step} {op!r}: model {expected}, kernel {got}\n{scenario_text(image, sequence)}"
    for c in (model, real):
        held = HELD.pop(id(c), None)
        if held is not None:
            held.close()
    found = differences(snapshot(model), snapshot(real))
    assert not found, "\n".join([*found, scenario_text(image, sequence)])


def scenario_text(image: Image, sequence: list[tuple]) -> str:
    lines = []
    for number, layer in enumerate(image.layers):
        lines.append(f"layer {number}: " + ", ".join(f"{p} {e!r}" for p, e in layer.entries.items()))
    lines += [f"op: {op!r}" for op in sequence]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def sentinel() -> object:
    os.makedirs(SENTINEL, exist_ok=True)
    marker = os.path.join(SENTINEL, "keep")
    with open(marker, "wb") as f:
        f.write(b"host file")
    yield SENTINEL
    assert sorted(os.listdir(SENTINEL)) == ["keep"], "an operation wrote through a symlink to a host path"
    with open(marker, "rb") as f:
        assert f.read() == b"host file"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(image=images(), sequence=s.lists(ops(), min_size=1, max_size=8))
def test_model_and_kernel_agree(backend, sentinel, image: Image, sequence: list[tuple]) -> None:
    model = Container(image)
    with backend.new_container(image) as real:
        replay_and_compare(model, real, image, sequence)
