"""OverlayOptions in the model: the API, its errors, and each option's effect (the kernel's side
is tests/backends/test_kernel_options.py; the expected values here were measured there)."""

from __future__ import annotations

import errno

import pytest

from simulator.backends import MemoryBackend
from simulator.engine import Engine
from simulator.errors import InvalidArgument
from simulator.model import Container, Entry, Image, Layer
from simulator.model.overlay_options import DOCKER, OverlayOptions

IMAGE = Image.of(
    [
        Layer.of(
            {
                "/d": Entry.directory(),
                "/d/sub": Entry.directory(),
                "/d/sub/f": Entry.file(b"hello\n"),
                "/x": Entry.directory(),
                "/a": Entry.file(b"data\n"),
                "/b": Entry.hardlink("/a"),
                "/c": Entry.file(b"x" * 1000),
            }
        )
    ]
)


def test_the_defaults_are_dockers_overlay2_mount_all_off() -> None:
    assert OverlayOptions() == DOCKER
    assert DOCKER.mount_options() == {"redirect_dir": "off", "metacopy": "off", "index": "off", "xino": "off"}


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"metacopy": True}, "conflicting options: metacopy=on,redirect_dir=off"),
        ({"xino": "yes"}, "'off', 'on' or 'auto'"),
        ({"index": 1}, "True or False"),
    ],
)
def test_options_the_kernel_would_refuse_are_refused_with_the_reason(kwargs: dict, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        OverlayOptions(**kwargs)


def test_engine_gives_the_options_to_its_backend_and_refuses_a_mismatch() -> None:
    options = OverlayOptions(redirect_dir=True)
    engine = Engine(overlay_options=options)
    assert engine.overlay_options == options
    with pytest.raises(InvalidArgument, match="give them to the backend"):
        Engine(backend=MemoryBackend(), overlay_options=options)
    assert Engine(backend=MemoryBackend(options), overlay_options=options).overlay_options == options


def test_redirect_dir_renames_an_image_directory_and_docker_diff_shows_the_tree() -> None:
    plain = Container(IMAGE)
    with pytest.raises(OSError) as caught:
        plain.rename("/d", "/e")
    assert caught.value.errno == errno.EXDEV
    c = Container(IMAGE, overlay_options=OverlayOptions(redirect_dir=True))
    c.rename("/d", "/e")
    assert c.read_file("/e/sub/f") == b"hello\n"
    assert dict(c.fs.redirects()) == {"/e": "d"}  # type: ignore[attr-defined]
    assert c.diff_text().splitlines() == ["D /d", "A /e", "A /e/sub", "A /e/sub/f"]
    assert sorted(c.upper.entries) == ["/d", "/e", "/e/sub", "/e/sub/f"]


def test_metacopy_copies_metadata_first_and_data_at_the_first_write() -> None:
    c = Container(IMAGE, overlay_options=OverlayOptions(redirect_dir=True, metacopy=True))
    c.chmod("/c", 0o600)
    assert [(u.path, u.bytes) for u in c.copy_ups] == [("/c", 0)]
    assert c.read_file("/c") == b"x" * 1000
    assert c.size_rw == 1000  # docker ps -s adds st_size, which a sparse file keeps
    c.append_file("/c", b"!")
    assert [(u.path, u.bytes) for u in c.copy_ups] == [("/c", 0), ("/c", 1000)]


def test_index_keeps_hard_links_across_copy_up() -> None:
    off = Container(IMAGE)
    off.chown("/a", 5, 5)
    a, b = off.fs.stat("/a"), off.fs.stat("/b")
    assert (a.st_ino != b.st_ino, a.st_nlink, b.st_nlink, b.uid) == (True, 1, 2, 0)
    on = Container(IMAGE, overlay_options=OverlayOptions(index=True))
    on.chown("/a", 5, 5)
    a, b = on.fs.stat("/a"), on.fs.stat("/b")
    assert (a.st_ino == b.st_ino, a.st_nlink, b.st_nlink, b.uid) == (True, 2, 2, 5)
    on.append_file("/b", b"more")
    assert on.read_file("/a") == b"data\nmore"
    on.unlink("/a")
    assert (on.fs.stat("/b").st_nlink, on.read_file("/b")) == (1, b"data\nmore")


def test_stat_numbers_follow_the_kernels_rules() -> None:
    c = Container(IMAGE)
    root, d, c_file = c.fs.stat("/"), c.fs.stat("/d"), c.fs.stat("/c")
    assert root.st_dev == d.st_dev == c_file.st_dev != 0  # one st_dev: every layer on one fs
    before = c_file.st_ino
    c.chmod("/c", 0o600)
    assert c.fs.stat("/c").st_ino == before  # a copy-up keeps the number (the upper has its origin)
    assert (d.st_nlink, root.st_nlink) == (3, 1)  # /d: '.', '..' and sub; the merged root: 1
    c.write_file("/x/new", b"")
    assert c.fs.stat("/x").st_nlink == 1  # now a merged directory
