"""Issue 15: the disk limit on the Python API, the same on the model and on a real overlay mount.

Each scenario runs on the model's ``Container`` and on the overlayfs backend's container, both
owned by an engine-like object whose ``limits.disk`` is 8 KiB; every outcome (ok, or the error's
class and errno) and the resulting state (merged view, upper directory, ``docker diff``,
copy-ups) must be identical.  A write that would pass the limit fails with ``ENOSPC`` before
anything changes: no half-written file, no half-copied one (docs/limits.md).

The image's lower files are written with their sizes as the model counts them; data sizes are
chosen so that the kernel's blocks agree with the model's bytes (a dense file counts its size, a
hole counts nothing).
"""

from __future__ import annotations

import errno
from types import SimpleNamespace
from typing import Any

import pytest

from simulator.backends.compare import Outcome, differences, run_op, snapshot
from simulator.limits import Limits
from simulator.model import Container, Entry, Image, Layer

pytestmark = pytest.mark.real

LIMIT = 8192
K = 1024


def image() -> Image:
    layer = Layer.of(
        {
            "/big": Entry.file(b"b" * 10000),
            "/small": Entry.file(b"s" * 100),
            "/dir": Entry.directory(),
            "/dir/f": Entry.file(b"f" * 3000),
        }
    )
    return Image.of([layer])


def owner() -> Any:
    return SimpleNamespace(limits=Limits(disk=LIMIT))


def run(container: Any, op: tuple[Any, ...]) -> Outcome:
    """``run_op``, plus ``("open_write", path, mode, [(offset or None, data)...])``."""
    if op[0] != "open_write":
        return run_op(container, op)
    _, path, mode, writes = op
    try:
        with container.open(path, mode) as handle:
            for offset, data in writes:
                if offset is not None:
                    handle.seek(offset)
                handle.write(data)
    except OSError as exc:
        return Outcome(False, type(exc).__name__, exc.errno)
    return Outcome(True)


NOSPC = Outcome(False, "OSError", errno.ENOSPC)
OK = Outcome(True)
CASES: dict[str, tuple[list[tuple[Any, ...]], list[Outcome | None]]] = {
    "write_file up to the limit, then one byte more": (
        [("write_file", "/a", b"x" * LIMIT), ("write_file", "/b", b"y")],
        [OK, NOSPC],
    ),
    "write_file past the limit leaves nothing": ([("write_file", "/a", b"x" * (LIMIT + 1))], [NOSPC]),
    "rewriting a file counts its new size only": (
        [
            ("write_file", "/a", b"x" * 8000),
            ("write_file", "/a", b"y" * 8100),
            ("write_file", "/a", b"z" * 8200),
        ],
        [OK, OK, NOSPC],
    ),
    "append_file": (
        [("write_file", "/a", b"x" * 8000), ("append_file", "/a", b"y" * 192), ("append_file", "/a", b"!")],
        [OK, OK, NOSPC],
    ),
    "a copy-up that does not fit (chmod)": ([("chmod", "/big", 0o600)], [NOSPC]),
    "a copy-up that does not fit (open r+)": ([("open_write", "/big", "r+", [])], [NOSPC]),
    "a copy-up that does not fit (open w: copied, then truncated)": (
        [("open_write", "/big", "w", [])],
        [NOSPC],
    ),
    "a copy-up that does not fit (truncate to 0)": ([("truncate", "/big", 0)], [NOSPC]),
    "a copy-up that does not fit (touch)": ([("touch", "/big")], [NOSPC]),
    "a copy-up that fits": (
        [("chmod", "/dir/f", 0o600), ("write_file", "/a", b"x" * 5192), ("append_file", "/dir/f", b"!")],
        [OK, OK, NOSPC],
    ),
    "open w then writes": (
        [
            ("open_write", "/n", "wb", [(None, b"x" * 8000), (None, b"y" * 193)]),
            ("write_file", "/m", b"z" * 192),
        ],
        [NOSPC, OK],
    ),
    "a write inside the file does not grow it": (
        [
            ("write_file", "/a", b"x" * LIMIT),
            ("open_write", "/a", "r+b", [(0, b"y" * 4096), (4096, b"z" * 4096)]),
        ],
        [OK, OK],
    ),
    "a hole is free, writing into it counts": (
        [
            ("write_file", "/s", b""),
            ("truncate", "/s", 1 << 24),  # the real side reads it back whole
            ("open_write", "/s", "r+b", [(1 << 20, b"x" * 4096)]),
            ("open_write", "/s", "r+b", [(1 << 22, b"y" * 4097)]),
            ("write_file", "/t", b"z" * 4096),
        ],
        [OK, OK, OK, NOSPC, OK],
    ),
    "mkdir and symlink on a full layer": (
        [
            ("write_file", "/a", b"x" * LIMIT),
            ("mkdir", "/d"),
            ("mkdir", "/dir"),
            ("symlink", "/small", "/l"),
            ("write_file", "/b", b""),
        ],
        [OK, NOSPC, Outcome(False, "FileExistsError", errno.EEXIST), NOSPC, OK],
    ),
    "mkdir with room left": ([("write_file", "/a", b"x" * (LIMIT - 1)), ("mkdir", "/d")], [OK, OK]),
    "removing gives the space back": (
        [("write_file", "/a", b"x" * LIMIT), ("unlink", "/a"), ("write_file", "/b", b"y" * LIMIT)],
        [OK, OK, OK],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_model_and_kernel_agree_on_the_disk_limit(backend, name: str) -> None:
    ops, expected = CASES[name]
    img = image()
    model = Container(img, owner=owner())
    model_outcomes = [run(model, op) for op in ops]
    assert [o if e is not None else None for o, e in zip(model_outcomes, expected, strict=True)] == expected
    with backend.new_container(img, owner=owner()) as real:
        real_outcomes = [run(real, op) for op in ops]
        assert real_outcomes == model_outcomes
        assert differences(snapshot(model), snapshot(real)) == []


def test_without_an_owner_there_is_no_limit(backend) -> None:
    img = image()
    with backend.new_container(img) as real:
        real.write_file("/a", b"x" * (LIMIT * 4))
        real.chmod("/big", 0o600)
        assert real.stat("/a").size == LIMIT * 4
