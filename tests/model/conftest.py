from __future__ import annotations

import pytest

from simulator import Engine, Entry, Image, Layer


def make_image() -> Image:
    """A small two-layer image used across the container tests."""
    base = Layer.of(
        {
            "/bin": Entry.directory(),
            "/bin/sh": Entry.file(b"#!sh" * 10, 0o755),
            "/etc": Entry.directory(),
            "/etc/motd": Entry.file(b"welcome\n"),
            "/etc/passwd": Entry.file(b"root:x:0:0:root:/root:/bin/sh\n", 0o644),
            "/tmp": Entry.directory(0o1777),
            "/d": Entry.directory(),
            "/d/x": Entry.file(b"x"),
            "/d/y": Entry.directory(),
            "/d/y/z": Entry.file(b"zz"),
            "/a/b/c/file": Entry.file(b"deep"),
            "/big.bin": Entry.file(b"\1" * 100_000),
        },
        created_by="ADD rootfs",
    )
    top = Layer.of(
        {
            "/etc": Entry.directory(),
            "/etc/app.conf": Entry.file(b"k=v\n"),
            "/link": Entry.symlink("/etc/motd"),
            "/h1": Entry.file(b"shared"),
            "/h2": Entry.hardlink("/h1"),
        },
        created_by="RUN configure",
    )
    return Image.of([base, top])


@pytest.fixture
def image() -> Image:
    return make_image()


@pytest.fixture
def engine(image: Image) -> Engine:
    e = Engine()
    e.images.add(image, "base:1")
    return e


@pytest.fixture
def container(engine: Engine):
    return engine.containers.create("base:1", name="c1")
