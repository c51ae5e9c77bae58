"""dive's own test scenarios, recreated with the simulator's model (not copied from dive).

Sources (read, not copied), wagoodman/dive:

- ``dive/filetree/efficiency_test.go`` ``TestEfficency``: three layers, expected score 0.75 and one
  inefficient path, ``/etc/nginx/nginx.conf``, with cumulative size 7000 in layers 0 and 1;
- ``.data/Dockerfile.test-image``: the Dockerfile of ``.data/test-docker-image.tar``;
- ``dive/image/docker/image_archive_analysis_test.go``: for that image, efficiency
  0.9844212134184309, size 1220598, user size 66237, wasted 32025, user-wasted 0.4834911001404049;
- the CI test case (``dive --ci`` output) and the export test: inefficient files
  ``/root/saved.txt`` (2 refs, 12810 B), ``/root/example/somefile1.txt`` (2, 12810 B) and
  ``/root/example/somefile3.txt`` (2, 6405 B), printed as 13 kB, 13 kB and 6.4 kB.
"""

from __future__ import annotations

from simulator import Entry, HistoryEntry, Image, Layer

README_SIZE = 6405  # the README.md that the test image ADDs as /somefile.txt
BUSYBOX_SIZE = 1154361  # the busybox:latest layer of the test image (tar header sizes)


def efficiency_test_trees() -> Image:
    """TestEfficency: parents are not tar entries of their own, as AddPath leaves them implied."""
    layers = [
        Layer.of(
            {"/etc/nginx/nginx.conf": Entry.file(b"a" * 2000), "/etc/nginx/public": Entry.file(b"p" * 3000)}
        ),
        Layer.of({"/etc/nginx/nginx.conf": Entry.file(b"b" * 5000), "/etc/athing": Entry.file(b"t" * 10000)}),
        Layer.of({"/etc/nginx": Entry.whiteout()}),
    ]
    return Image.of(layers)


def _dir(mode: int = 0o755) -> Entry:
    return Entry.directory(mode)


def busybox_layer() -> Layer:
    """A busybox-like base: one binary, hard links to it, /etc files, empty directories.

    Only the total of the file sizes matters to dive's numbers; the binary and /etc sizes are
    busybox's, and ``/bin/rest-of-busybox`` stands for the other files of the real layer.
    """
    entries: dict[str, Entry] = {
        "/bin": _dir(),
        "/bin/[": Entry.file(b"\x7fELF" + b"\0" * (1075464 - 4), 0o755),
    }
    for name in ("sh", "ls", "cp", "mv", "rm", "mkdir", "chmod"):
        entries[f"/bin/{name}"] = Entry.hardlink("/bin/[", 0o755)
    etc = {"group": 307, "localtime": 127, "passwd": 340, "shadow": 243}
    entries["/etc"] = _dir()
    for name, size in etc.items():
        entries[f"/etc/{name}"] = Entry.file(b"#" * size)
    rest = BUSYBOX_SIZE - 1075464 - sum(etc.values())
    entries["/bin/rest-of-busybox"] = Entry.file(b"\0" * rest, 0o755)
    for d in (
        "/dev",
        "/home",
        "/root",
        "/tmp",
        "/usr",
        "/usr/sbin",
        "/var",
        "/var/spool",
        "/var/spool/mail",
        "/var/www",
    ):
        entries[d] = _dir(0o700 if d == "/root" else 0o1777 if d == "/tmp" else 0o755)
    return Layer.of(entries, created_by="/bin/sh -c #(nop) ADD file:busybox in / ")


def dive_test_image() -> Image:
    """``.data/Dockerfile.test-image`` as the layers a classic Docker build makes of it."""
    readme = b"# dive\n" + b"x" * (README_SIZE - 7)
    root, example = "/root", "/root/example"
    steps: list[tuple[str, dict[str, Entry]]] = [
        ("ADD README.md /somefile.txt", {"/somefile.txt": Entry.file(readme, 0o664)}),
        (
            "RUN mkdir -p /root/example/really/nested",
            {
                root: _dir(0o700),
                example: _dir(),
                f"{example}/really": _dir(),
                f"{example}/really/nested": _dir(),
            },
        ),
        (
            "RUN cp /somefile.txt /root/example/somefile1.txt",
            {root: _dir(0o700), example: _dir(), f"{example}/somefile1.txt": Entry.file(readme)},
        ),
        (
            "RUN chmod 444 /root/example/somefile1.txt",
            {root: _dir(0o700), example: _dir(), f"{example}/somefile1.txt": Entry.file(readme, 0o444)},
        ),
        (
            "RUN cp /somefile.txt /root/example/somefile2.txt",
            {root: _dir(0o700), example: _dir(), f"{example}/somefile2.txt": Entry.file(readme)},
        ),
        (
            "RUN cp /somefile.txt /root/example/somefile3.txt",
            {root: _dir(0o700), example: _dir(), f"{example}/somefile3.txt": Entry.file(readme)},
        ),
        (
            "RUN mv /root/example/somefile3.txt /root/saved.txt",
            {
                root: _dir(0o700),
                example: _dir(),
                f"{example}/somefile3.txt": Entry.whiteout(),
                f"{root}/saved.txt": Entry.file(readme),
            },
        ),
        (
            "RUN cp /root/saved.txt /root/.saved.txt",
            {root: _dir(0o700), f"{root}/.saved.txt": Entry.file(readme)},
        ),
        ("RUN rm -rf /root/example/", {root: _dir(0o700), example: Entry.whiteout()}),
        (
            "ADD .scripts/ /root/.data/",
            {
                root: _dir(0o700),
                f"{root}/.data": _dir(),
                f"{root}/.data/tag.sh": Entry.file(b"t" * 917, 0o775),
                f"{root}/.data/test.sh": Entry.file(b"s" * 1270, 0o755),
            },
        ),
        (
            "RUN cp /root/saved.txt /tmp/saved.again1.txt",
            {"/tmp": _dir(0o1777), "/tmp/saved.again1.txt": Entry.file(readme)},
        ),
        (
            "RUN cp /root/saved.txt /root/.data/saved.again2.txt",
            {
                root: _dir(0o700),
                f"{root}/.data": _dir(),
                f"{root}/.data/saved.again2.txt": Entry.file(readme),
            },
        ),
        ("RUN chmod +x /root/saved.txt", {root: _dir(0o700), f"{root}/saved.txt": Entry.file(readme, 0o755)}),
    ]
    layers = [busybox_layer()] + [Layer.of(entries, created_by=cmd) for cmd, entries in steps]
    history = [
        HistoryEntry(layers[0].created_by),
        HistoryEntry('/bin/sh -c #(nop)  CMD ["sh"]', empty_layer=True),
    ]
    history += [HistoryEntry(cmd) for cmd, _ in steps]
    return Image.of(layers, history=history)
