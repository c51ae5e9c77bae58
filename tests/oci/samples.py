"""A small image that uses every kind of entry (files, modes, owners, links, whiteouts, opaque dirs)."""

from __future__ import annotations

from simulator.model import Entry, HistoryEntry, Image, ImageConfig, Layer


def sample_image() -> Image:
    """Three layers: files, dirs, modes and owners, a symlink, a hard link, whiteouts, opaque dirs."""
    base = Layer.of(
        {
            "/etc": Entry.directory(),
            "/etc/motd": Entry.file(b"hello\n"),
            "/etc/old": Entry.directory(),
            "/etc/old/a": Entry.file(b"a"),
            "/bin": Entry.directory(),
            "/bin/sh": Entry.file(b"#!/bin/true\n", 0o755),
            "/bin/ash": Entry.hardlink("/bin/sh", 0o755),
            "/tmp": Entry.directory(0o1777),
            "/usr/lib": Entry.directory(),
            "/usr/lib/libc.so": Entry.file(bytes(range(256)) * 40, 0o755),
            "/lib": Entry.symlink("usr/lib"),
            "/home/u": Entry.directory(0o700, 1000, 1000),
            "/home/u/notes": Entry.file(b"x" * 5000, 0o600, 1000, 1000),
            "/var/cache/apt": Entry.directory(),
            "/var/cache/apt/pkg": Entry.file(b"p" * 100),
        },
        created_by="ADD rootfs.tar /",
    )
    middle = Layer.of(
        {
            "/etc/motd": Entry.whiteout(),
            "/etc/old": Entry.directory(opaque=True),
            "/etc/old/b": Entry.file(b"b"),
            "/usr/bin/passwd": Entry.file(b"pw", 0o4755),
            "/etc/alt": Entry.symlink("/usr/bin/passwd"),
        },
        created_by="RUN setup",
    )
    top = Layer.of(
        {"/var/cache": Entry.whiteout(), "/srv/ünïcödé name.txt": Entry.file(b"u")}, created_by="RUN clean"
    )
    history = [
        HistoryEntry("ADD rootfs.tar /"),
        HistoryEntry('CMD ["sh"]', empty_layer=True),
        HistoryEntry("RUN setup"),
        HistoryEntry("RUN clean", comment="tidy"),
    ]
    config = ImageConfig(env=("PATH=/usr/bin:/bin",), cmd=("sh",), labels={"a": "b"}, working_dir="/srv")
    return Image.of([base, middle, top], config, history)
