from __future__ import annotations

from simulator import Entry, Image, Layer
from simulator.analysis import compare

BASE = Layer.of({"/etc": Entry.directory(), "/etc/os": Entry.file(b"debian"), "/etc/old": Entry.file(b"x")})


def test_shared_layers_and_file_changes():
    a = Image.of([BASE, Layer.of({"/app": Entry.directory(), "/app/v": Entry.file(b"1")})])
    b = Image.of(
        [
            BASE,
            Layer.of(
                {
                    "/app": Entry.directory(),
                    "/app/v": Entry.file(b"2"),
                    "/app/new": Entry.file(b"n"),
                    "/etc": Entry.directory(),
                    "/etc/old": Entry.whiteout(),
                }
            ),
        ]
    )
    c = compare(a, b)
    assert (c.shared_layers, c.layers_only_a, c.layers_only_b, c.shared_bytes) == (1, 1, 1, BASE.size)
    assert c.added == ("/app/new",) and c.removed == ("/etc/old",) and c.changed == ("/app/v",)
    assert not c.identical
    assert c.summary().splitlines()[1:] == ["A /app/new", "C /app/v", "D /etc/old"]


def test_same_files_different_layers_are_identical_in_content():
    one = Image.of([Layer.of({"/f": Entry.file(b"x")})])
    two = Image.of([Layer.of({"/f": Entry.file(b"y")}), Layer.of({"/f": Entry.file(b"x")})])
    c = compare(one, two)
    assert c.identical and c.shared_layers == 0 and c.layers_only_b == 2


def test_mode_change_is_a_change():
    one = Image.of([Layer.of({"/f": Entry.file(b"x")})])
    two = Image.of([Layer.of({"/f": Entry.file(b"x", 0o755)})])
    assert compare(one, two).changed == ("/f",)
