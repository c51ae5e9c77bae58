"""Speed paths that must not change a byte (issue 11 item 7, docs/performance.md).

- ``tar._header`` packs the usual member itself: every header must equal what ``tarfile``
  writes in PAX format, at the USTAR limits and past them (where it hands over to ``tarfile``).
- ``UnionView.extended`` makes its tree when first read: a chain of extended views, read in any
  order, gives the tree that applying all the layers at once gives.
"""

from __future__ import annotations

import tarfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model import Entry, Layer
from simulator.model.tar import _header
from simulator.model.union import UnionView


def tarfile_header(name: str, kind: bytes, mode: int, uid: int, gid: int, size: int, linkname: str) -> bytes:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.uid, info.gid, info.size = kind, mode & 0o7777, uid, gid, size
    info.mtime, info.uname, info.gname, info.linkname = 0, "", "", linkname
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


KINDS = [tarfile.REGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE]


@pytest.mark.parametrize(
    ("name", "mode", "uid", "gid", "size", "linkname"),
    [
        ("etc/passwd", 0o100644, 0, 0, 1234, ""),
        ("x" * 100, 0o4755, 0, 0, 0, "y" * 100),  # both names exactly fill their fields
        ("x" * 101, 0o644, 0, 0, 0, "y" * 101),  # one more: PAX records
        ("x" * 101, 0o644, 0, 0, 0, ""),  # a long name only
        ("x", 0o644, 0, 0, 0, "y" * 101),  # a long link only
        ("d/" * 45 + "x" * 2, 0o644, 0, 0, 0, ""),  # 92: its record is 99 bytes
        ("d/" * 45 + "x" * 5, 0o644, 0, 0, 0, ""),  # 95: its record would be 99 + 3, so 103
        ("n" * 600, 0o644, 0, 0, 0, "l" * 1000),  # records longer than a block
        ("caf\u00e9", 0o644, 0, 0, 0, "\u00e9"),  # not ASCII: PAX records
        ("u", 0o644, 8**7 - 1, 8**7 - 1, 8**11 - 1, ""),  # the largest USTAR numbers
        ("u", 0o644, 8**7, 8**7, 8**11, ""),  # one more: PAX records
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_header_is_tarfiles_at_the_limits(
    kind: bytes, name: str, mode: int, uid: int, gid: int, size: int, linkname: str
) -> None:
    assert _header(name, kind, mode, uid, gid, size, linkname) == tarfile_header(
        name, kind, mode, uid, gid, size, linkname
    )


@given(
    name=st.one_of(st.text(min_size=1, max_size=120), st.text("ab/", min_size=90, max_size=1200)),
    kind=st.sampled_from(KINDS),
    mode=st.integers(0, 0o177777),
    uid=st.integers(0, 8**7 + 5),
    gid=st.integers(0, 8**7 + 5),
    size=st.one_of(st.integers(0, 1 << 20), st.integers(8**11 - 2, 8**11 + 2)),
    linkname=st.one_of(st.text(max_size=120), st.text("ab/", min_size=90, max_size=1200)),
)
def test_header_is_tarfiles(
    name: str, kind: bytes, mode: int, uid: int, gid: int, size: int, linkname: str
) -> None:
    assert _header(name, kind, mode, uid, gid, size, linkname) == tarfile_header(
        name, kind, mode, uid, gid, size, linkname
    )


LAYERS = [
    Layer.of({"/a": Entry.directory(), "/a/f": Entry.file(b"1"), "/b": Entry.directory()}),
    Layer.of({"/a": Entry.directory(), "/a/f": Entry.whiteout(), "/a/g": Entry.file(b"2")}),
    Layer.of({"/b": Entry.directory(opaque=True), "/b/h": Entry.symlink("/a/g")}),
    Layer.of({"/a": Entry.file(b"now a file"), "/c": Entry.directory(), "/c/l": Entry.hardlink("/b/h")}),
    Layer.of({"/a": Entry.directory(), "/a/new": Entry.file(b"3")}),
]


def tree(view: UnionView) -> list[tuple[str, Entry, int]]:
    return [(o.path, o.entry, o.layer) for o in view.walk()]


@given(st.permutations(range(len(LAYERS))))
def test_extended_views_read_in_any_order_are_the_eager_trees(order: list[int]) -> None:
    views = [UnionView(LAYERS[:1])]
    for layer in LAYERS[1:]:
        views.append(views[-1].extended(layer))
    for number in order:  # each read makes its tree from the nearest one below that has one
        assert tree(views[number]) == tree(UnionView(LAYERS[: number + 1]))
        assert len(views[number]) == len(UnionView(LAYERS[: number + 1]))


@pytest.mark.parametrize("length", [*range(95, 110), *range(985, 1000), 9985, 9990, 9995, 10000])
def test_pax_record_lengths_are_tarfiles(length: int) -> None:
    """The record's length counts its own digits: every length where that gains a digit."""
    name = ("abcdefgh/" * (length // 9 + 1))[:length]
    assert _header(name, tarfile.REGTYPE, 0o644, 0, 0, 0, "") == tarfile_header(
        name, tarfile.REGTYPE, 0o644, 0, 0, 0, ""
    )


@given(st.text(alphabet="/.ab", max_size=16))
def test_plain_is_the_split_definition(path: str) -> None:
    """``paths._plain`` answers without splitting a path with a ``.name`` component (``.bin``):
    the same as its definition, component by component."""
    from simulator.model.paths import _plain

    by_parts = len(path) >= 2 and path[0] == "/" and path[-1] != "/" and "//" not in path
    by_parts = by_parts and not any(part in (".", "..") for part in path.split("/"))
    assert _plain(path) == by_parts
