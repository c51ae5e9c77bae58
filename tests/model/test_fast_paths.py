"""The plain-path fast walk (issue 15): a tree lookup gives the same answer as the component walk.

``paths.tree_lookup`` marks lookups (the image's merged tree, the container's root lookup) for
which a plain path's parent may be looked up at once; these tests compare every answer with the
same lookup unmarked (walked component by component), including the errors.
"""

from __future__ import annotations

import errno

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model import Container, Entry, Image, Layer
from simulator.model.cow import CopyOnWrite
from simulator.model.paths import lookup_path, walk_parent
from simulator.model.union import UnionView

TREE = {
    "/a": Entry.directory(),
    "/a/b": Entry.directory(),
    "/a/b/f": Entry.file(b"x"),
    "/a/link": Entry.symlink("b"),
    "/a/abs": Entry.symlink("/a/b"),
    "/a/loop": Entry.symlink("loop"),
    "/a/dangling": Entry.symlink("nowhere"),
    "/a/tofile": Entry.symlink("b/f"),
    "/c": Entry.directory(),
    "/c/.hidden": Entry.directory(),
    "/c/.hidden/g": Entry.file(b"g"),
}
NAMES = [
    "a",
    "b",
    "f",
    "link",
    "abs",
    "loop",
    "dangling",
    "tofile",
    "c",
    ".hidden",
    "g",
    "x",
    ".",
    "..",
    "n" * 300,
]


def _outcome(call):
    try:
        return call()
    except OSError as e:
        return ("error", e.errno)


@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6), st.booleans(), st.booleans())
def test_a_tree_lookup_walks_like_the_component_walk(parts, follow, slash):
    view = UnionView([Layer.of(TREE)])
    path = "/" + "/".join(parts) + ("/" if slash else "")
    marked = view.lookup

    def unmarked(p):
        return view.lookup(p)

    assert _outcome(lambda: walk_parent(marked, path)) == _outcome(lambda: walk_parent(unmarked, path))
    fast = _outcome(lambda: lookup_path(marked, path, follow_last=follow))
    slow = _outcome(lambda: lookup_path(unmarked, path, follow_last=follow))
    assert fast == slow


@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6))
def test_the_container_resolves_like_the_component_walk(parts):
    c = Container(Image.of([Layer.of(TREE)]))
    c.write_file("/a/b/new", b"n")
    c.remove_file("/a/b/f")
    c.symlink("/c", "/a/b/up")
    path = "/" + "/".join(parts)
    fs = c.fs
    assert isinstance(fs, CopyOnWrite)
    fast = _outcome(lambda: lookup_path(fs._lookup, path))
    slow = _outcome(lambda: lookup_path(lambda p: fs._lookup(p), path))
    assert fast == slow


def test_mkdir_p_of_2000_levels_makes_them_all():
    c = Container(Image.of([Layer.of({"/tmp": Entry.directory()})]))
    deep = "/tmp/" + "/".join(["d"] * 2000)
    c.makedirs(deep)
    assert c.stat(deep).is_dir
    assert sum(1 for _ in c.fs.walk("/tmp")) == 2000
    with pytest.raises(OSError) as info:
        c.makedirs(deep + "/e" * 50)  # past PATH_MAX, as in the kernel
    assert info.value.errno == errno.ENAMETOOLONG
