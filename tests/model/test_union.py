"""The union view (SEMANTICS §1.2–1.4, §2.1–2.2; cases 20, 23–28)."""

from __future__ import annotations

import pytest

from simulator import Entry, Layer, UnionView


def view(*layers: dict) -> UnionView:
    return UnionView([Layer.of(layer) for layer in layers])


def test_top_layer_wins_and_directories_merge():  # case 20
    v = view(
        {"/f": Entry.file(b"B"), "/d/x": Entry.file(b"x")}, {"/f": Entry.file(b"A"), "/d/y": Entry.file(b"y")}
    )
    assert v.read_file("/f") == b"A"
    assert v.listdir("/d") == ["x", "y"]
    assert v.resolve("/f").layer == 1 and v.resolve("/d/x").layer == 0


def test_directory_above_file_below_no_merge():  # case 20
    v = view({"/d": Entry.file(b"file")}, {"/d": Entry.directory(), "/d/n": Entry.file(b"")})
    assert v.listdir("/d") == ["n"]


def test_whiteout_in_a_lower_layer_hides_lower_still():  # case 20: whiteouts work in lower layers too
    v = view(
        {"/x": Entry.file(b"1"), "/keep": Entry.file(b"")},
        {"/x": Entry.whiteout()},
        {"/other": Entry.file(b"")},
    )
    assert not v.exists("/x")
    assert v.listdir("/") == ["keep", "other"]


def test_opaque_directory_hides_lower_children_only():
    v = view(
        {"/d/y": Entry.file(b"y"), "/d/z": Entry.file(b"z")},
        {"/d": Entry.directory(opaque=True), "/d/new": Entry.file(b"")},
    )
    assert v.listdir("/d") == ["new"]


def test_opaque_marker_keeps_same_layer_children_wherever_it_sits():  # case 24
    v = view(
        {"/a/old": Entry.file(b"")}, {"/a": Entry.directory(opaque=True), "/a/b/c/foo": Entry.file(b"f")}
    )
    assert v.read_file("/a/b/c/foo") == b"f"
    assert not v.exists("/a/old")


def test_whiteout_and_file_with_same_name_in_one_layer_file_stays():  # case 25
    # a layer cannot hold both at one path in the model; the tar form (.wh.foo + foo) maps to the file
    v = view({"/foo": Entry.file(b"old")}, {"/foo": Entry.file(b"new")})
    assert v.read_file("/foo") == b"new"


def test_whiteout_of_missing_path_is_a_no_op():  # case 26
    v = view({"/a": Entry.file(b"")}, {"/nothing": Entry.whiteout()})
    assert v.listdir("/") == ["a"]


def test_file_over_directory_removes_lower_subtree():  # case 28
    v = view(
        {"/etc/passwd": Entry.file(b"root"), "/etc/group": Entry.file(b"")},
        {"/etc": Entry.file(b"now a file")},
    )
    assert v.read_file("/etc") == b"now a file"
    assert v.lookup("/etc/passwd") is None


def test_directory_over_directory_replaces_only_attributes():  # case 28
    v = view({"/d": Entry.directory(0o755), "/d/a": Entry.file(b"")}, {"/d": Entry.directory(0o700, 5, 5)})
    assert v.listdir("/d") == ["a"]
    entry = v.lookup("/d")
    assert entry is not None and entry.mode == 0o700 and entry.uid == 5


def test_symlinks_resolve_inside_the_root():
    v = view(
        {
            "/etc/target": Entry.file(b"inside"),
            "/abs": Entry.symlink("/etc/target"),
            "/rel": Entry.symlink("etc/target"),
            "/up": Entry.symlink("../../../../etc/target"),
            "/d/chain": Entry.symlink("../abs"),
        }
    )
    for p in ("/abs", "/rel", "/up", "/d/chain"):
        assert v.read_file(p) == b"inside", p
    assert v.resolve("/d/chain").path == "/etc/target"
    assert v.resolve("/d/chain", follow_symlinks=False).entry.is_symlink


def test_symlink_loop_is_eloop():
    v = view({"/a": Entry.symlink("/b"), "/b": Entry.symlink("/a")})
    with pytest.raises(OSError) as info:
        v.read_file("/a")
    assert info.value.errno == 40


def test_hardlink_reads_its_target():
    v = view({"/f": Entry.file(b"data"), "/h": Entry.hardlink("/f")})
    assert v.read_file("/h") == b"data"


def test_missing_parents_are_implied_directories():
    v = view({"/a/b/c": Entry.file(b"x")})
    assert v.listdir("/a") == ["b"]
    assert v.lookup("/a/b") is not None and v.lookup("/a/b").is_dir  # type: ignore[union-attr]


def test_walk_is_parents_first_and_sorted():
    v = view({"/b/x": Entry.file(b""), "/a": Entry.directory(), "/a/z": Entry.file(b"")})
    assert [o.path for o in v.walk()] == ["/a", "/a/z", "/b", "/b/x"]


def test_extended_view_equals_full_view_and_leaves_the_original_alone():
    base = Layer.of({"/d/a": Entry.file(b"a"), "/d/b": Entry.file(b"b"), "/e/x": Entry.file(b"")})
    top = Layer.of(
        {
            "/d": Entry.directory(opaque=True),
            "/d/c": Entry.file(b"c"),
            "/e/x": Entry.whiteout(),
            "/f": Entry.file(b"f"),
        }
    )
    first = UnionView([base])
    before = [(o.path, o.entry, o.layer) for o in first.walk()]
    grown = first.extended(top)
    assert [(o.path, o.entry, o.layer) for o in grown.walk()] == [
        (o.path, o.entry, o.layer) for o in UnionView([base, top]).walk()
    ]
    assert [(o.path, o.entry, o.layer) for o in first.walk()] == before
    assert first.listdir("/d") == ["a", "b"] and grown.listdir("/d") == ["c"]
