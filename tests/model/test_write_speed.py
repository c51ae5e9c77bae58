"""The fast paths of the yarn pass (docs/performance.md) behave as the slow code they replace:
``Entry.with_data`` is ``dataclasses.replace`` with new content, and the copy-on-write layer's
remembered "is a mount over a directory" answer follows the mounts when they change."""

from __future__ import annotations

from dataclasses import fields, replace

from hypothesis import given
from hypothesis import strategies as st

from simulator.model import Entry, Layer
from simulator.model.cow import CopyOnWrite
from simulator.model.union import UnionView


@given(
    mode=st.integers(0, 0o7777),
    uid=st.integers(0, 70000),
    ino=st.integers(0, 1 << 40),
    nlink=st.integers(0, 5),
    old=st.binary(max_size=64),
    new=st.binary(max_size=64),
)
def test_with_data_is_replace_with_new_content(
    mode: int, uid: int, ino: int, nlink: int, old: bytes, new: bytes
) -> None:
    entry = replace(Entry.file(old, mode, uid, uid + 1), ino=ino, dev=7, nlink=nlink)
    fast = entry.with_data(new)
    slow = replace(entry, data=new, size=len(new), digest=None, source=None)
    assert [getattr(fast, f.name) for f in fields(Entry)] == [getattr(slow, f.name) for f in fields(Entry)]
    assert fast.read() == new and entry.read() == old  # the old entry is unchanged


def test_a_mount_added_over_a_directory_changes_the_walk() -> None:
    fs = CopyOnWrite(UnionView([Layer.of({"/d": Entry.directory(), "/f": Entry.file(b"x")})]))
    assert fs._lookup_fn() == fs._lookup  # no mount: the tree lookup
    fs.mounts["/f"] = Entry.file(b"mounted")
    assert fs._lookup_fn() == fs._lookup  # a file over a file: still the tree lookup
    fs.mounts["/d"] = Entry.file(b"a file over a directory")
    assert fs._lookup_fn() != fs._lookup  # remembered answer not reused: the paths changed
    del fs.mounts["/d"]
    assert fs._lookup_fn() == fs._lookup
    fs.write_file("/d/new", b"y")
    assert fs.read_file("/d/new") == b"y"
