"""Hard links from the image and rename(2), model against the kernel, with ``index`` off and on.

The grid of /tmp/parity-probe (another engineer's probe script, copied here as data): four
images whose files have several names, a first step (none, chmod, write, link, unlink,
rename), then rename(2) between every ordered pair of names, reads through both names and a
write.  Before the fixes of tests/backends/test_disagreements.py ("index=on: the other names of
a copied-up image hard link") index=on disagreed in 210 of these 600 cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.backends import OverlayBackend, availability
from simulator.backends.compare import differences, run_op, snapshot
from simulator.model import Container, Entry, Image, Layer
from simulator.model.overlay_options import OverlayOptions

pytestmark = pytest.mark.real

D, F = Entry.directory, Entry.file
IMAGES: dict[str, list[dict[str, Entry]]] = {
    "same-dir": [{"/a": D(), "/a/f": F(b"x"), "/a/g": Entry.hardlink("/a/f")}],
    "two-dirs": [{"/a": D(), "/a/f": F(b"x"), "/b": D(), "/b/g": Entry.hardlink("/a/f")}],
    "three": [
        {"/a": D(), "/a/f": F(b"x"), "/b": D(), "/b/g": Entry.hardlink("/a/f"), "/h": Entry.hardlink("/a/f")}
    ],
    "2layers": [
        {"/a": D(), "/a/f": F(b"x"), "/b": D(), "/b/g": Entry.hardlink("/a/f")},
        {"/c": F(b"y")},
    ],
}
NAMES = {"same-dir": ["/a/f", "/a/g"], "two-dirs": ["/a/f", "/b/g"], "three": ["/a/f", "/b/g", "/h"]}
NAMES["2layers"] = ["/a/f", "/b/g", "/c"]
FIRST: list[list[tuple[Any, ...]]] = [
    [],
    [("chmod", "{0}", 0o600)],
    [("write_file", "{0}", b"z")],
    [("link", "{0}", "/new")],
    [("unlink", "{1}")],
    [("rename", "{0}", "/a/new")],
]


def cases() -> Iterator[tuple[str, list[tuple[Any, ...]], str, str]]:
    for key in IMAGES:
        names = NAMES[key]
        for first in FIRST:
            pre = [tuple(x.format(*names) if isinstance(x, str) else x for x in op) for op in first]
            for src, dst in itertools.permutations([*names, "/new", "/b/new2", "/a/new"], 2):
                yield key, pre, src, dst


@pytest.fixture(scope="module", params=[OverlayOptions(), OverlayOptions(index=True)], ids=str)
def mounted(
    request: pytest.FixtureRequest, state_dir: str
) -> Iterator[tuple[OverlayOptions, OverlayBackend]]:
    found = availability(state_dir)
    if not found.ok:
        pytest.skip(f"overlayfs backend unavailable: {found.reason}")
    if found.method != "kernel":
        pytest.skip(f"the index option is the kernel's; this machine has {found.method} only")
    with OverlayBackend.create(state_dir, overlay_options=request.param) as made:
        yield request.param, made


def _same_file(container: Any, one: str, two: str) -> bool:
    try:
        return bool(container.stat(one).ino == container.stat(two).ino)
    except OSError:
        return False


@pytest.mark.timeout(120)
def test_hard_links_and_rename_agree_with_the_kernel(mounted: tuple[OverlayOptions, OverlayBackend]) -> None:
    options, backend = mounted
    bad = []
    for key, pre, src, dst in cases():
        image = Image.of([Layer.of(layer) for layer in IMAGES[key]])
        names = NAMES[key]
        after = [("read_file", src), ("read_file", dst), ("write_file", dst, b"W")]
        after += [("read_file", names[0]), ("read_file", names[1])]
        model = Container(image, overlay_options=options)
        with backend.new_container(image) as real:
            outcomes = [(str(run_op(model, op)), str(run_op(real, op))) for op in pre]
            no_op = _same_file(real, src, dst)  # vfs_rename: one inode, nothing happens
            ops = [("rename", src, dst), *after]
            outcomes += [(str(run_op(model, op)), str(run_op(real, op))) for op in ops]
            ours, theirs = snapshot(model), snapshot(real)
        # The backend infers copy-ups from the upper directory: it reports a link-up with the
        # file's size (the model: 0 bytes, no data is copied), and after a no-op rename it takes
        # the source for copied up when the destination was already upper.  Compare the rest.
        found = [
            f"{op}: model {m}, kernel {k}"
            for (m, k), op in zip(outcomes, [*pre, *ops], strict=True)
            if m != k
        ]
        found += [d for d in differences(ours, theirs) if not d.startswith("copy_ups")]
        if not no_op and [c[:3] for c in ours.copy_ups] != [c[:3] for c in theirs.copy_ups]:
            found.append(f"copy_ups: model {ours.copy_ups}, kernel {theirs.copy_ups}")
        if found:
            bad.append(f"{key} {pre} rename {src} {dst}: " + "; ".join(found))
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])
