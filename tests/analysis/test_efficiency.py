"""The project's own efficiency measure: hand-computed expectations, one reason at a time."""

from __future__ import annotations

from simulator import Entry, Image, Layer
from simulator.analysis import REASONS, efficiency

F = Entry.file


def _reasons(image):
    return sorted((p.path, p.layer, p.bytes, p.reason, p.by_layer) for p in efficiency(image).paths)


def test_no_waste():
    image = Image.of([Layer.of({"/a": F(b"a" * 10)}), Layer.of({"/b": F(b"b" * 5)})])
    report = efficiency(image)
    assert (report.total_bytes, report.wasted_bytes, report.score, report.paths) == (15, 0, 1.0, ())


def test_each_reason():
    l0 = Layer.of(
        {
            "/dup": F(b"d" * 10),
            "/meta": F(b"m" * 20),
            "/repl": F(b"r" * 30),
            "/del": F(b"x" * 40),
            "/dir": Entry.directory(),
            "/dir/a": F(b"a" * 50),
            "/op": Entry.directory(),
            "/op/b": F(b"b" * 60),
            "/sh": Entry.directory(),
            "/sh/c": F(b"c" * 70),
            "/link": Entry.symlink("/dup"),
        }
    )
    l1 = Layer.of(
        {
            "/dup": F(b"d" * 10),
            "/meta": F(b"m" * 20, 0o755),
            "/repl": F(b"R" * 3),
            "/del": Entry.whiteout(),
            "/dir": Entry.whiteout(),
            "/op": Entry.directory(opaque=True),
            "/sh": F(b"now a file"),
        }
    )
    image = Image.of([l0, l1])
    assert _reasons(image) == [
        ("/del", 0, 40, "deleted", 1),
        ("/dir/a", 0, 50, "deleted-dir", 1),
        ("/dup", 0, 10, "duplicate", 1),
        ("/meta", 0, 20, "metadata-copy", 1),
        ("/op/b", 0, 60, "opaque-dir", 1),
        ("/repl", 0, 30, "replaced", 1),
        ("/sh/c", 0, 70, "shadowed", 1),
    ]
    report = efficiency(image)
    assert report.total_bytes == 10 + 20 + 30 + 40 + 50 + 60 + 70 + 4 + 10 + 20 + 3 + 10
    assert report.wasted_bytes == 280 and report.reclaimable == 280
    assert report.useful_bytes == report.total_bytes - 280
    assert report.score == report.useful_bytes / report.total_bytes
    assert set(report.by_reason) == set(REASONS)
    assert all(p.fix and p.explanation for p in report.paths)


def test_first_hider_decides_and_every_copy_counts():
    """Added in L0, copied again in L1, deleted in L2: L0's copy is a duplicate, L1's deleted."""
    image = Image.of(
        [Layer.of({"/f": F(b"f" * 8)}), Layer.of({"/f": F(b"f" * 8)}), Layer.of({"/f": Entry.whiteout()})]
    )
    assert _reasons(image) == [("/f", 0, 8, "duplicate", 1), ("/f", 1, 8, "deleted", 2)]
    assert efficiency(image).score == 0.0


def test_recreated_after_delete():
    image = Image.of(
        [Layer.of({"/f": F(b"1" * 4)}), Layer.of({"/f": Entry.whiteout()}), Layer.of({"/f": F(b"2" * 6)})]
    )
    assert _reasons(image) == [("/f", 0, 4, "deleted", 1)]
    assert efficiency(image).useful_bytes == 6


def test_summary_lists_paths_largest_first():
    image = Image.of(
        [
            Layer.of({"/a": F(b"a" * 300), "/b": F(b"b" * 100)}),
            Layer.of({"/a": Entry.whiteout(), "/b": Entry.whiteout()}),
        ]
    )
    text = efficiency(image).summary()
    assert text.splitlines()[0] == "efficiency: 0.00 %  (useful 0B of 400B shipped)"
    assert text.index("/a") < text.index("/b")
    assert str(efficiency(image)) == text


def test_empty_image():
    assert efficiency(Image.of([])).score == 1.0


# Rebuilding removes only waste in the layers the build made: the base image's layers are shipped
# as they are whatever a Dockerfile on top does (only a multi-stage build onto another base, or
# flattening with docker export | docker import, removes them; --squash keeps the base's layers).
def _based():
    base = Image.of([Layer.of({"/etc/ssl/cert": F(b"c" * 100), "/etc/motd": F(b"m" * 7)})])
    own = Layer.of({"/tmp/junk": F(b"j" * 30), "/etc/motd": F(b"hello\n")})
    cleanup = Layer.of({"/tmp/junk": Entry.whiteout(), "/etc/ssl": Entry.whiteout()})
    return base, base.with_layer(own, _entry("RUN a")).with_layer(cleanup, _entry("RUN b"))


def _entry(created_by):
    from simulator import HistoryEntry

    return HistoryEntry(created_by)


def test_waste_is_split_between_the_image_own_layers_and_the_base_layers():
    base, image = _based()
    for given in (base, 1):
        report = efficiency(image, base=given)
        assert report.base_layers == 1
        assert report.wasted_bytes == 137
        assert (report.wasted_in_base_layers, report.wasted_in_own_layers) == (107, 30)
        assert report.reclaimable == 30  # a rebuild removes only the junk of its own RUN
        text = report.summary()
        assert "in this image's own layers: 30 bytes (30B), reclaimable by rebuilding" in text
        assert "in the base image's layer: 107 bytes (107B), not removed by rebuilding" in text
        assert "multi-stage" in text and "export" in text


def test_without_a_base_the_summary_does_not_promise_a_rebuild_removes_it():
    _, image = _based()
    report = efficiency(image)
    assert report.base_layers is None
    assert report.wasted_bytes == 137 and report.wasted_in_base_layers == 0
    assert "reclaimable by rebuilding" not in report.summary()
    assert "base=" in report.summary()


def test_a_base_that_is_not_the_bottom_of_the_image_is_refused():
    import pytest

    _, image = _based()
    other = Image.of([Layer.of({"/x": F(b"x")})])
    with pytest.raises(ValueError, match="not the bottom"):
        efficiency(image, base=other)
    with pytest.raises(ValueError, match="0 to 3"):
        efficiency(image, base=4)
