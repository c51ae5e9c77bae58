"""Random operation sequences on a container against a plain reference file system.

The reference is a dict of path -> node with POSIX rules (plus overlayfs's one visible
difference: renaming a directory that comes from the image fails with EXDEV).  After every step
the container's merged view must equal the reference, and errors must carry the same errno.
Committing the writable layer must give an image whose union view equals the container's.
"""

from __future__ import annotations

import errno

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator import Container, Entry, Image, Kind, Layer
from simulator.model.paths import normalize

DIRS = ["/a", "/a/b", "/d", "/d/e", "/n"]
FILES = ["/a/f", "/a/b/g", "/d/h", "/d/e/i", "/top", "/n/j"]
LINKS = ["/l1", "/a/l2"]
NAMES = DIRS + FILES + LINKS
DATA = st.binary(max_size=8)
MODES = st.sampled_from([0o600, 0o644, 0o755, 0o700])


def base_image() -> Image:
    lower = Layer.of(
        {
            "/a": Entry.directory(),
            "/a/f": Entry.file(b"af"),
            "/a/b": Entry.directory(),
            "/a/b/g": Entry.file(b"abg", 0o600),
            "/d": Entry.directory(0o750),
            "/d/h": Entry.file(b"dh"),
            "/d/e": Entry.directory(),
            "/top": Entry.file(b"top"),
        }
    )
    upper = Layer.of(
        {
            "/d": Entry.directory(0o750),
            "/d/h": Entry.whiteout(),
            "/d/e/i": Entry.file(b"dei"),
            "/l1": Entry.symlink("/a/f"),
        }
    )
    return Image.of([lower, upper])


def node_of(entry: Entry) -> tuple:
    if entry.kind is Kind.DIR:
        return ("d", entry.mode)
    if entry.kind is Kind.SYMLINK:
        return ("l", entry.target)
    return ("f", entry.mode, entry.read())


def err(code: int) -> OSError:
    return OSError(code, "")


class Reference:
    """POSIX-ish file system as a dict, with EXDEV for directories from the image."""

    def __init__(self, image: Image) -> None:
        self.nodes = {o.path: node_of(o.entry) for o in image.view.walk()}
        self.lower_dirs = {p for p, n in self.nodes.items() if n[0] == "d"}

    def kind(self, path: str) -> str | None:
        if path == "/":
            return "d"
        node = self.nodes.get(path)
        return node[0] if node else None

    def real(self, path: str, follow_last: bool, depth: int = 0) -> str:
        """Resolve symlinks (absolute targets only in this universe); intermediate parts must be dirs."""
        parts = [p for p in path.split("/") if p]
        current = "/"
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            candidate = normalize(current + "/" + part)
            node = self.nodes.get(candidate)
            if node is not None and node[0] == "l" and (not last or follow_last):
                if depth >= 40:
                    raise err(errno.ELOOP)
                candidate = self.real(node[1], True, depth + 1)
                node = self.nodes.get(candidate)
            if not last:
                if node is None and candidate != "/":
                    raise err(errno.ENOENT)
                if candidate != "/" and node[0] != "d":  # type: ignore[index]
                    raise err(errno.ENOTDIR)
            current = candidate
        return current

    def parent_ok(self, path: str) -> None:
        self.real(path, False)

    def follow(self, path: str) -> str:
        return self.real(path, True)

    def children(self, path: str) -> list[str]:
        return [p for p in self.nodes if p != path and normalize(p + "/..") == path]

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        path = self.follow(path)
        self.parent_ok(path)
        node = self.nodes.get(path)
        if node is None:
            self.nodes[path] = ("f", 0o644, data)
        elif node[0] == "d":
            raise err(errno.EISDIR)
        else:
            self.nodes[path] = ("f", node[1], (node[2] + data) if append else data)

    def truncate(self, path: str, size: int) -> None:
        path = self.follow(path)
        node = self.nodes.get(path)
        if node is None:
            raise err(errno.ENOENT)
        if node[0] == "d":
            raise err(errno.EISDIR)
        self.nodes[path] = ("f", node[1], node[2][:size] + b"\0" * max(0, size - len(node[2])))

    def chmod(self, path: str, mode: int) -> None:
        path = self.follow(path)
        node = self.nodes.get(path)
        if node is None:
            raise err(errno.ENOENT)
        self.nodes[path] = (node[0], mode, *node[2:])

    def mkdir(self, path: str) -> None:
        path = self.real(path, False)
        if path in self.nodes:
            raise err(errno.EEXIST)
        self.nodes[path] = ("d", 0o755)

    def rmdir(self, path: str) -> None:
        path = self.real(path, False)
        k = self.kind(path)
        if k is None:
            raise err(errno.ENOENT)
        if k != "d":
            raise err(errno.ENOTDIR)
        if self.children(path):
            raise err(errno.ENOTEMPTY)
        del self.nodes[path]
        self.lower_dirs.discard(path)

    def unlink(self, path: str) -> None:
        path = self.real(path, False)
        k = self.kind(path)
        if k is None:
            raise err(errno.ENOENT)
        if k == "d":
            raise err(errno.EISDIR)
        del self.nodes[path]

    def symlink(self, target: str, path: str) -> None:
        path = self.real(path, False)
        self.parent_ok(path)
        if path in self.nodes:
            raise err(errno.EEXIST)
        self.nodes[path] = ("l", target)

    def rename(self, src: str, dst: str) -> None:
        src = self.real(src, False)  # both parents are looked up before the source name
        dst = self.real(dst, False)
        self.parent_ok(dst)
        ks = self.kind(src)
        if ks is None:
            raise err(errno.ENOENT)
        kd = self.kind(dst)
        if src == dst:
            return
        if ks == "d" and dst.startswith(src + "/"):
            raise err(errno.EINVAL)
        if src.startswith(dst + "/"):
            raise err(errno.ENOTEMPTY)
        if kd is not None:
            if ks == "d" and kd != "d":
                raise err(errno.ENOTDIR)
            if ks != "d" and kd == "d":
                raise err(errno.EISDIR)
        if ks == "d" and src in self.lower_dirs:
            raise err(errno.EXDEV)
        if kd == "d" and self.children(dst):
            raise err(errno.ENOTEMPTY)
        if kd is not None:
            del self.nodes[dst]
        moved = {p: n for p, n in self.nodes.items() if p == src or p.startswith(src + "/")}
        for p in moved:
            del self.nodes[p]
        for p, n in moved.items():
            self.nodes[dst + p[len(src) :]] = n
        self.lower_dirs -= {dst}


def outcome(func, *args):
    try:
        func(*args)
    except OSError as e:
        return e.errno
    return None


class ContainerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.image = base_image()
        self.container = Container(self.image)
        self.ref = Reference(self.image)

    def both(self, name: str, *args) -> None:
        got = outcome(getattr(self.container, name), *args)
        want = outcome(getattr(self.ref, name), *args)
        assert got == want, f"{name}{args}: container errno {got}, reference errno {want}"

    @rule(path=st.sampled_from(NAMES), data=DATA)
    def write(self, path, data):
        got = outcome(self.container.write_file, path, data)
        assert got == outcome(self.ref.write, path, data), f"write {path}"

    @rule(path=st.sampled_from(NAMES), data=DATA)
    def append(self, path, data):
        got = outcome(self.container.append_file, path, data)
        assert got == outcome(self.ref.write, path, data, True), f"append {path}"

    @rule(path=st.sampled_from(NAMES), size=st.integers(0, 5))
    def truncate(self, path, size):
        self.both("truncate", path, size)

    @rule(path=st.sampled_from(NAMES), mode=MODES)
    def chmod(self, path, mode):
        self.both("chmod", path, mode)

    @rule(path=st.sampled_from(NAMES))
    def mkdir(self, path):
        self.both("mkdir", path)

    @rule(path=st.sampled_from(NAMES))
    def rmdir(self, path):
        self.both("rmdir", path)

    @rule(path=st.sampled_from(NAMES))
    def unlink(self, path):
        self.both("unlink", path)

    @rule(path=st.sampled_from(LINKS), link_target=st.sampled_from(FILES + LINKS))
    def symlink(self, path, link_target):
        self.both("symlink", link_target, path)

    @rule(src=st.sampled_from(NAMES), dst=st.sampled_from(NAMES))
    def rename(self, src, dst):
        self.both("rename", src, dst)

    @rule(path=st.sampled_from(DIRS))
    def rm_rf(self, path):
        """Children first, then the directory: what ``rm -rf`` does."""
        if self.ref.kind(path) != "d":
            return
        for child in sorted((p for p in self.ref.nodes if p.startswith(path + "/")), key=len, reverse=True):
            if self.ref.kind(child) == "d":
                self.both("rmdir", child)
            else:
                self.both("unlink", child)
        self.both("rmdir", path)

    @invariant()
    def views_agree(self):
        got = {p: node_of(e) for p, e in self.container.walk()}
        assert got == self.ref.nodes

    @invariant()
    def commit_gives_the_same_view(self):
        committed = Image.of([*self.image.layers, self.container.upper])
        got = {o.path: node_of(o.entry) for o in committed.view.walk()}
        assert got == self.ref.nodes
        grown = self.image.view.extended(self.container.upper)
        assert {o.path: node_of(o.entry) for o in grown.walk()} == self.ref.nodes


TestContainerAgainstReference = ContainerMachine.TestCase


@given(st.permutations([("/a/new1", b"1"), ("/d/new2", b"22"), ("/top", b"333"), ("/a/f", b"4")]))
def test_digest_does_not_depend_on_write_order(writes):
    c = Container(base_image())
    for path, data in writes:
        c.write_file(path, data)
    reference = Container(base_image())
    for path, data in sorted(writes):
        reference.write_file(path, data)
    assert c.upper.diff_id == reference.upper.diff_id
