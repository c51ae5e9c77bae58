"""The model's path rules against the kernel itself, on a plain directory tree (no overlay).

The overlay parity test (tests/backends/test_parity.py) cannot prove the path rules: the real
backend resolves paths with the model's own rules.  Here the same calls run on the model and,
in a forked child ``chroot``-ed into a directory tree on the host (so absolute symlinks and
``..`` stay inside, as in a container), on the kernel's VFS through ``os.*``: every errno must
be the same, and so must the trees afterwards.  The tree is made in the model's writable layer
(an empty image), so no overlay rule (EXDEV for image directories) enters.

Covered: trailing slashes for every call, ``.`` and ``..`` as last names, the root, symlink
chains (ELOOP past 40), names over 255 bytes and paths of 4096 bytes (ENAMETOOLONG), rename
into its own subtree (EINVAL) or onto an ancestor (ENOTEMPTY), open flags, and the order the
kernel checks them in.  Needs root (``chroot``).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from simulator.model import Container, Image, Kind
from simulator.model.permissions import ROOT, Credentials

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(os.geteuid() != 0, reason="the kernel oracle chroots into a tree: needs root"),
]

LONG = "n" * 256  # one byte over NAME_MAX
MAX_NAME = "m" * 255
BASE: dict[str, Any] = {  # path -> "dir" | bytes (a file) | ("symlink", target)
    "/d": "dir",
    "/d/f": b"x",
    "/d/e": "dir",
    "/e": "dir",
    "/f": b"hello",
    "/w": "open-dir",  # mode 0o777: a non-root caller may create and remove names there
    "/w/f": b"w",
}
LINK_NAMES = ("/l", "/m", "/d/l", "/e/l")
TARGETS = (
    "d", "/d", "d/", "f", "f/", "/d/f", "/d/f/", "missing", "missing/", "l", "m", "../d", "/l", "/m/",
    ".", "..", "/", "d/e", "e/", "/d/.", "d/..", "../../f", MAX_NAME, LONG,
)  # fmt: skip
NAMES = (
    "/d",
    "/d/f",
    "/d/e",
    "/e",
    "/f",
    "/l",
    "/m",
    "/d/l",
    "/e/l",
    "/missing",
    "/d/new",
    "/new",
    "/w/f",
    "/w/n",
)
SUFFIXES = ("", "", "/", "/.", "/..", "//", "/./")
SPECIAL = (
    "/",
    "/.",
    # "/.." is refused by the model (InvalidPath: ".." above the root), a deliberate teaching rule
    "/d/./f",
    "/l/f",
    "/l/f/",
    "/l/e/",
    "/m/x",
    "/" + LONG,
    "/d/" + LONG,
    "/missing/" + LONG,
    "/f/" + LONG,
    "/" + MAX_NAME,
    "/d/" + "./" * 2045 + "f",  # 4095 bytes: the longest path the kernel takes
    "/d/" + "./" * 2045 + "/f",  # 4096 bytes: ENAMETOOLONG
)


def _paths() -> s.SearchStrategy[str]:
    return s.one_of(
        s.builds(lambda n, x: (n + x).replace("//.", "/."), s.sampled_from(NAMES), s.sampled_from(SUFFIXES)),
        s.sampled_from(SPECIAL),
    )


FLAGS = (
    os.O_RDONLY,
    os.O_WRONLY,
    os.O_RDWR,
    os.O_WRONLY | os.O_CREAT,
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    os.O_RDWR | os.O_CREAT | os.O_EXCL,
    os.O_WRONLY | os.O_APPEND,
    os.O_RDONLY | os.O_TRUNC,
    os.O_RDONLY | os.O_DIRECTORY,
    os.O_RDONLY | os.O_NOFOLLOW,
    os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW,
    os.O_RDONLY | os.O_CREAT | os.O_DIRECTORY,
)


def _ops() -> s.SearchStrategy[tuple[Any, ...]]:
    p = _paths()
    return s.one_of(
        s.tuples(s.just("stat"), p),
        s.tuples(s.just("lstat"), p),
        s.tuples(s.just("open"), p, s.sampled_from(FLAGS)),
        s.tuples(s.just("unlink"), p),
        s.tuples(s.just("rmdir"), p),
        s.tuples(s.just("mkdir"), p),
        s.tuples(s.just("symlink"), s.sampled_from(TARGETS), p),
        s.tuples(s.just("link"), p, p),
        s.tuples(s.just("rename"), p, p),
        s.tuples(s.just("chmod"), p),
        s.tuples(s.just("truncate"), p),
        s.tuples(s.just("readlink"), p),
        s.tuples(s.just("listdir"), p),
        s.tuples(s.just("write_file"), p),
        s.tuples(s.just("append_file"), p),
    )


# -- the kernel side (in a chroot) -------------------------------------------------------------
def _kernel_op(op: tuple[Any, ...]) -> list[Any]:
    name, *args = op
    try:
        if name == "stat":
            os.stat(args[0])
        elif name == "lstat":
            os.lstat(args[0])
        elif name == "open":
            os.close(os.open(args[0], args[1], 0o644))
        elif name == "unlink":
            os.unlink(args[0])
        elif name == "rmdir":
            os.rmdir(args[0])
        elif name == "mkdir":
            os.mkdir(args[0], 0o755)
        elif name == "symlink":
            os.symlink(args[0], args[1])
        elif name == "link":
            os.link(args[0], args[1], follow_symlinks=False)
        elif name == "rename":
            os.rename(args[0], args[1])
        elif name == "chmod":
            os.chmod(args[0], 0o700)
        elif name == "truncate":
            os.truncate(args[0], 1)
        elif name == "readlink":
            return ["ok", os.readlink(args[0])]
        elif name == "listdir":
            return ["ok", sorted(os.listdir(args[0]))]
        elif name in ("write_file", "append_file"):  # the model's calls: open(2), write(2)
            how = os.O_TRUNC if name == "write_file" else os.O_APPEND
            fd = os.open(args[0], os.O_WRONLY | os.O_CREAT | how, 0o644)
            try:
                os.write(fd, b"data")
            finally:
                os.close(fd)
        else:  # pragma: no cover - the strategies make only the names above
            raise AssertionError(name)
    except OSError as exc:
        return ["err", errno.errorcode.get(exc.errno or 0, str(exc.errno))]
    return ["ok", None]


def _kernel_tree() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for top, dirs, files in os.walk("/"):
        for name in dirs + files:
            path = os.path.join(top, name)
            info = os.lstat(path)
            if os.path.islink(path):
                tree[path] = ["symlink", os.readlink(path)]
            elif os.path.isdir(path):
                tree[path] = ["dir", oct(info.st_mode & 0o7777)]
            else:
                with open(path, "rb") as f:
                    tree[path] = ["file", oct(info.st_mode & 0o7777), f.read().hex()]
    return tree


def run_in_kernel(
    tree: dict[str, Any], ops: list[tuple[Any, ...]], uid: int = 0
) -> tuple[list[Any], dict[str, Any]]:
    """Make ``tree`` in a fresh directory, then run ``ops`` in a child chroot-ed into it, as
    ``uid`` (and the same gid; the tree is read back as root)."""
    root = tempfile.mkdtemp(prefix="layerlab-namei-")
    os.chmod(root, 0o755)  # the model's root directory (mkdtemp makes it 0o700)
    try:
        for path, what in sorted(tree.items()):
            host = root + path
            if what in ("dir", "open-dir"):
                os.mkdir(host)
                os.chmod(host, 0o777 if what == "open-dir" else 0o755)
            elif isinstance(what, bytes):
                with open(host, "wb") as f:
                    f.write(what)
                os.chmod(host, 0o644)
            else:
                os.symlink(what[1], host)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.close(read)
                os.chroot(root)
                os.chdir("/")
                os.umask(0)
                if uid:
                    os.setgroups([])
                    os.setresgid(uid, uid, 0)
                    os.setresuid(uid, uid, 0)
                outcomes = [_kernel_op(op) for op in ops]
                os.setresuid(0, 0, 0)
                os.setresgid(0, 0, 0)
                report = json.dumps([outcomes, _kernel_tree()]).encode()
                with os.fdopen(write, "wb") as out:
                    out.write(report)
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        outcomes, final = json.loads(data)
        return outcomes, final
    finally:
        shutil.rmtree(root)


# -- the model side ----------------------------------------------------------------------------
def _model_op(c: Container, op: tuple[Any, ...]) -> list[Any]:
    name, *args = op
    try:
        if name == "open":
            c.open(args[0], args[1], 0o644).close()
        elif name == "mkdir":
            c.mkdir(args[0], 0o755)
        elif name == "chmod":
            c.chmod(args[0], 0o700)
        elif name == "truncate":
            c.truncate(args[0], 1)
        elif name in ("write_file", "append_file"):
            getattr(c, name)(args[0], b"data", 0o644)
        elif name in ("readlink", "listdir"):
            return ["ok", getattr(c, name)(*args)]
        else:
            getattr(c, name)(*args)
    except OSError as exc:
        return ["err", errno.errorcode.get(exc.errno or 0, str(exc.errno))]
    return ["ok", None]


def run_in_model(
    tree: dict[str, Any], ops: list[tuple[Any, ...]], uid: int = 0
) -> tuple[list[Any], dict[str, Any]]:
    c = Container(Image.of([]))
    for path, what in sorted(tree.items()):
        if what in ("dir", "open-dir"):
            c.mkdir(path, 0o777 if what == "open-dir" else 0o755)
        elif isinstance(what, bytes):
            c.write_file(path, what, 0o644)
        else:
            c.symlink(what[1], path)
    c.credentials = Credentials(uid, uid) if uid else ROOT
    outcomes = [_model_op(c, op) for op in ops]
    c.credentials = ROOT
    final: dict[str, Any] = {}
    for path, entry in c.walk("/"):
        if entry.kind is Kind.SYMLINK:
            final[path] = ["symlink", entry.target]
        elif entry.kind is Kind.DIR:
            final[path] = ["dir", oct(entry.mode & 0o7777)]
        else:
            final[path] = ["file", oct(entry.mode & 0o7777), entry.read().hex()]
    return outcomes, final


def assert_same(tree: dict[str, Any], ops: list[tuple[Any, ...]], uid: int = 0) -> None:
    kernel, kernel_tree = run_in_kernel(tree, ops, uid)
    model, model_tree = run_in_model(tree, ops, uid)
    for step, (op, k, m) in enumerate(zip(ops, kernel, model, strict=True)):
        shown = tuple(a if not isinstance(a, str) or len(a) < 60 else f"<{len(a)} bytes>" for a in op)
        assert m == k, f"step {step} {shown} as uid {uid}: model {m}, kernel {k}\ntree {tree}\nops {ops}"
    assert model_tree == kernel_tree


# -- the cases the issue names, then hypothesis --------------------------------------------------
CASES = [
    # (what it shows, extra tree entries, ops); every outcome is the kernel's, checked by assert_same
    ("open O_CREAT of name/ is EISDIR whatever name is", {},
     [("open", p, os.O_WRONLY | os.O_CREAT) for p in ("/f/", "/d/", "/missing/", "/l/")]),
    ("unlink of symlink-to-dir/ is ENOTDIR (the link is not followed)", {"/l": ("symlink", "d")},
     [("unlink", "/l/"), ("unlink", "/d/"), ("unlink", "/f/"), ("unlink", "/missing/"), ("unlink", "/d/.")]),
    ("link(dir/, file/) is EEXIST", {}, [("link", "/d/", "/f/"), ("link", "/f", "/new/")]),
    ("rmdir of ., .. and a symlink to a directory", {"/l": ("symlink", "d")},
     [("rmdir", "/d/."), ("rmdir", "/d/.."), ("rmdir", "/l/"), ("rmdir", "/")]),
    ("rename into its own subtree, onto an ancestor, with trailing slashes", {},
     [("rename", "/d", "/d/e/x"), ("rename", "/d/e", "/d"), ("rename", "/f/", "/x"), ("rename", "/f", "/x/"),
      ("rename", "/d/.", "/x"), ("rename", "/f", "/f/")]),
    ("names of 255 and 256 bytes, paths of 4095 and 4096 bytes", {},
     [("open", "/" + MAX_NAME, os.O_WRONLY | os.O_CREAT), ("stat", "/" + LONG), ("mkdir", "/d/" + LONG),
      ("stat", "/missing/" + LONG), ("stat", "/f/" + LONG), ("stat", "/d/" + "./" * 2045 + "f"),
      ("stat", "/d/" + "./" * 2045 + "/f")]),
    ("open flags: O_EXCL does not follow, O_NOFOLLOW is ELOOP, O_CREAT|O_DIRECTORY is EINVAL",
     {"/dangling": ("symlink", "/nowhere"), "/lf": ("symlink", "f")},
     [("open", "/dangling", os.O_WRONLY | os.O_CREAT | os.O_EXCL), ("open", "/lf", os.O_RDONLY | os.O_NOFOLLOW),
      ("open", "/d", os.O_RDONLY | os.O_CREAT | os.O_DIRECTORY), ("open", "/d", os.O_RDONLY | os.O_TRUNC),
      ("open", "/dangling", os.O_WRONLY | os.O_CREAT), ("open", "/d/.", os.O_RDONLY | os.O_CREAT)]),
]  # fmt: skip


@pytest.mark.parametrize(("title", "extra", "ops"), CASES, ids=[c[0] for c in CASES])
def test_the_kernel_rules_the_issue_names(
    title: str, extra: dict[str, Any], ops: list[tuple[Any, ...]]
) -> None:
    assert_same({**BASE, **extra}, ops)


@pytest.mark.parametrize("length", [39, 40, 41])
def test_eloop_after_forty_links(length: int) -> None:
    """A chain of ``length`` symlinks to /d/f: 40 are followed, the 41st is ELOOP."""
    chain = {f"/c{i}": ("symlink", f"c{i + 1}") for i in range(length - 1)}
    chain[f"/c{length - 1}"] = ("symlink", "/d/f")
    ops = [("stat", "/c0"), ("open", "/c0", os.O_RDONLY), ("lstat", "/c0/"), ("stat", "/c1")]
    assert_same({**BASE, **chain}, ops)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    links=s.dictionaries(s.sampled_from(LINK_NAMES), s.sampled_from(TARGETS), max_size=4),
    ops=s.lists(_ops(), min_size=1, max_size=6),
    uid=s.sampled_from((0, 0, 1000)),
)
def test_model_path_rules_match_the_kernel(
    links: dict[str, str], ops: list[tuple[Any, ...]], uid: int
) -> None:
    """As root, and as a user (the order of EACCES against the path errors)."""
    assert_same({**BASE, **{p: ("symlink", t) for p, t in links.items()}}, ops, uid)
