"""Bad arguments get the same error on the model and on a real overlay mount (never 5 NUL bytes)."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

import pytest

from simulator.backends import OverlayBackend
from simulator.backends.overlayfs._args import MAX_ID
from simulator.model import Entry, Image, Layer
from simulator.model.container import Container

pytestmark = pytest.mark.real

IMAGE = Image.of([Layer.of({"/f": Entry.file(b"data"), "/d/": Entry.directory()})])


def _outcome(container: Container, call: Callable[[Container], Any]) -> tuple[str, str]:
    try:
        call(container)
    except Exception as e:  # the type and the words are what must agree
        return type(e).__name__, str(e)
    return "ok", repr(container.read_file("/f"))


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.write_file("/f", None),
        lambda c: c.write_file("/f", 5),
        lambda c: c.write_file("/f", [1, 2]),
        lambda c: c.append_file("/f", 5),
        lambda c: c.write_file("/g", b"x", mode="644"),
        lambda c: c.chmod("/f", "755"),
        lambda c: c.chmod("/f", None),
        lambda c: c.truncate("/f", -1),
        lambda c: c.write_file("/f", bytearray(b"ok")),
        lambda c: c.write_file("/f", "é"),
    ],
    ids=[
        "data-None",
        "data-int",
        "data-list",
        "append-int",
        "mode-str",
        "chmod-str",
        "chmod-None",
        "truncate-negative",
        "bytearray",
        "str",
    ],
)
def test_bad_arguments_agree(
    backend: OverlayBackend, call: Callable[[Container], Any], request: pytest.FixtureRequest
) -> None:
    model = Container(IMAGE)
    with backend.new_container(IMAGE) as real:
        got, want = _outcome(real, call), _outcome(model, call)
        assert got[0] == want[0]
        if "mode-str" not in request.node.name:  # the model's Entry says "unsupported operand" there
            assert got == want
        assert real.read_file("/f") == model.read_file("/f")  # nothing written on a refusal


@pytest.mark.parametrize(
    ("uid", "gid", "expected"),
    [
        (2**40, 0, errno.EINVAL),  # was OverflowError from os.chown
        (0, -5, errno.EINVAL),
        (MAX_ID + 1, 0, errno.EINVAL),  # (uid_t)-1 spelt as a number
        (MAX_ID, MAX_ID, None),
        (-1, -1, None),
    ],
)
def test_chown_ids_are_checked_as_linux_does(
    backend: OverlayBackend, uid: int, gid: int, expected: int | None
) -> None:
    with backend.new_container(IMAGE) as real:
        if expected is None:
            real.chown("/f", uid, gid)
            return
        with pytest.raises(OSError) as caught:
            real.chown("/f", uid, gid)
        assert caught.value.errno == expected and type(caught.value) is OSError
        assert real.diff() == []  # nothing half-done: no copy-up of /f


@pytest.mark.parametrize("bad", ["0", 1.0, None, True])
def test_chown_ids_must_be_ints(backend: OverlayBackend, bad: object) -> None:
    with backend.new_container(IMAGE) as real, pytest.raises(TypeError, match="uid must be an int"):
        real.chown("/f", bad, 0)  # type: ignore[arg-type]
