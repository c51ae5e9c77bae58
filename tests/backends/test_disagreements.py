"""Minimal reproductions of places where the model and the kernel disagreed (found by test_parity).

Each test asserts that the model does what the kernel does; while one fails, the model is wrong
(or is deliberately simpler: then docs/overlayfs.md says so).  They are parity assertions: do
not weaken them — fix the model.
"""

from __future__ import annotations

import pytest

from simulator.backends.compare import run_op, snapshot
from simulator.model import Container, Entry, Image, Layer


def both(backend, layer: dict[str, Entry], ops: list[tuple]):  # type: ignore[no-untyped-def]
    image = Image.of([Layer.of(layer)])
    model = Container(image)
    with backend.new_container(image) as real:
        outcomes = [(str(run_op(model, op)), str(run_op(real, op))) for op in ops]
        return outcomes, snapshot(model), snapshot(real)


def test_append_nothing_to_a_lower_file_is_not_a_change(backend) -> None:  # type: ignore[no-untyped-def]
    """``: >> /f``: the open copies /f up, but nothing is written, so its mtime stays the image's
    and ``docker diff`` (which compares mode, owner, size and mtime) reports nothing."""
    _, model, real = both(backend, {"/f": Entry.file(b"x")}, [("append_file", "/f", b"")])
    assert real.diff == []
    assert model.diff == real.diff


def test_rename_checks_both_parents_before_the_source_name(backend) -> None:  # type: ignore[no-untyped-def]
    """rename(2) looks up both parent directories first (``do_renameat2``), so a destination
    below a file is ENOTDIR even when the source does not exist."""
    outcomes, _, _ = both(backend, {"/f": Entry.file(b"")}, [("rename", "/missing", "/f/x")])
    assert outcomes[0][1] == "NotADirectoryError [ENOTDIR]"
    assert outcomes[0][0] == outcomes[0][1]


def test_link_to_an_existing_name_is_eexist_even_for_a_directory(backend) -> None:  # type: ignore[no-untyped-def]
    """linkat(2) creates the new name before ``vfs_link`` refuses directories: EEXIST wins over EPERM."""
    outcomes, _, _ = both(backend, {"/d": Entry.directory(), "/f": Entry.file(b"")}, [("link", "/d", "/f")])
    assert outcomes[0][1] == "FileExistsError [EEXIST]"
    assert outcomes[0][0] == outcomes[0][1]


def test_rename_onto_an_ancestor_is_enotempty(backend) -> None:  # type: ignore[no-untyped-def]
    """Renaming /d/f onto its own ancestor /d: ``lock_rename`` returns the trap and the kernel
    answers ENOTEMPTY (not EISDIR, although a file cannot replace a directory)."""
    outcomes, _, _ = both(
        backend, {"/d": Entry.directory(), "/d/f": Entry.file(b"")}, [("rename", "/d/f", "/d")]
    )
    assert outcomes[0][1] == "OSError [ENOTEMPTY]"
    assert outcomes[0][0] == outcomes[0][1]


@pytest.mark.timeout(10)
def test_touch_root_then_walk(backend) -> None:  # type: ignore[no-untyped-def]
    """Model bug, no kernel needed: ``touch /`` files ``/`` as a child of itself, and ``walk()``
    then never ends (``_copy_up('/')`` -> ``_set('/')`` adds the name '' below '/')."""
    import threading

    model = Container(Image.of([]))
    model.touch("/")
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(sum(1 for _ in zip(model.walk("/"), range(100), strict=False))),
        daemon=True,
    )
    worker.start()
    worker.join(5)
    assert result == [0]
