"""The RUN shell's redirections against the real busybox ``sh`` (Debian's busybox-static).

Each script runs twice on the same small tree: with ``busybox sh -c`` in a temporary
directory of this machine, and with layerlab's shell in a container holding the same files
(the working directory is the tree in both, and the scripts use relative paths, so the
messages name the same paths).  Status, stdout, stderr and the files afterwards must agree.
layerlab's messages start with ``/bin/sh:`` (RUN runs ``/bin/sh -c``), busybox's with ``sh:``
here; that prefix is the only thing rewritten.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.model.container import Container
from simulator.model.entries import Entry
from simulator.model.image import Image
from simulator.model.layer import Layer
from simulator.sh.run import run_script

from .test_shell import APPLETS, busybox_entries

pytestmark = pytest.mark.real

BUSYBOX = shutil.which("busybox")
needs_busybox = pytest.mark.skipif(
    BUSYBOX is None, reason="busybox is not installed (apt-get install busybox-static)"
)

#: the tree both shells start from: path -> content (None: a directory)
TREE: dict[str, bytes | None] = {
    "data": None,
    "data/f": b"hello\n",
    "data/sub": None,
    "ro": None,
    "ro/file": b"r\n",
}

SCRIPTS = [
    "echo hi > nope/x; echo $?",
    ": > nope/x; echo $?",  # a special builtin's redirection error ends the shell
    "exec 3> nope/x; echo $?",
    "echo a > data; echo $?",
    "cat < nope; echo $?",
    "cat <> nope/x; echo $?",
    "set -C; echo a > data/f; echo $?; echo b >| data/f; cat data/f; echo c > /dev/null; echo $?",
    "set -C; echo x &> data/f; echo $?; echo y >& data/f; echo $?",
    "exec 3> log; echo one >&3; cat log; echo two >&3; exec 3>&-; echo three >&3; echo $?; cat log",
    "echo a > v; exec 4< v; read x <&4; echo $x",
    "set -C; exec 3> new; echo $?; echo a >&3; cat new; exec 3> new; echo $?",
    "cat <&5; echo $?",
    "exec 3< data/f; echo x >&3; echo $?",
    "ls data/f nope &> o; echo $?; cat o",
    "cat < data; echo $?",
    ": > data/f; wc -c < data/f",
    "echo more >> data/f; echo again >> data/f; cat data/f",
    "cat < data/f > data/f; wc -c < data/f",
    "true <> new; cat new; echo $?",
    "echo a >& p; cat p",
    "{ echo a; echo b >&2; } > o 2>&1; cat o",
    "echo hi > nope/x || echo failed",
    "touch ran > nope/x; ls ran; echo $?",
]


def make_tree(root: Path) -> None:
    for rel, content in TREE.items():
        path = root / rel
        if content is None:
            path.mkdir()
            path.chmod(0o755)
        else:
            path.write_bytes(content)
            path.chmod(0o644)


def model(uid: int = 0) -> Container:
    entries = busybox_entries((*APPLETS, "ls", "wc", "touch"))
    entries["/w"] = Entry.directory(0o755)
    for rel, content in TREE.items():
        entries[f"/w/{rel}"] = Entry.directory(0o755) if content is None else Entry.file(content, 0o644)
    return Container(Image.of([Layer.of(entries)]))


def files(root: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        out[str(path.relative_to(root))] = None if path.is_dir() else path.read_bytes()
    return out


def model_files(c: Container) -> dict[str, bytes | None]:
    return {
        path[3:]: None if entry.is_dir else c.read_file(path) for path, entry in c.walk("/w") if path != "/w"
    }


@pytest.fixture
def tree() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="ll-redirect-", dir="/tmp"))  # /tmp: reachable by uid 65534 too
    root.chmod(0o755)
    make_tree(root)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def real(script: str, cwd: Path, *, user: int | None = None) -> tuple[int, str, str]:
    assert BUSYBOX is not None
    argv = [BUSYBOX, "sh", "-c", script]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    done = subprocess.run(
        argv,
        cwd=cwd,
        capture_output=True,
        timeout=20,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        check=False,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def simulated(script: str, c: Container, *, user: int = 0) -> tuple[int, str, str]:
    result = run_script(c, script, cwd="/w", uid=user, gid=user)
    err = "".join(
        line.removeprefix("/bin/") + "\n" if line.startswith("/bin/sh: ") else line + "\n"
        for line in result.stderr.splitlines()
    )
    return result.exit_code, result.stdout, err


@needs_busybox
@pytest.mark.parametrize("script", SCRIPTS)
def test_redirection_as_busybox_sh(script: str, tree: Path) -> None:
    want = real(script, tree)
    c = model()
    assert simulated(script, c) == want
    assert model_files(c) == files(tree)


@needs_busybox
@pytest.mark.skipif(shutil.which("setpriv") is None or os.geteuid() != 0, reason="needs root and setpriv")
def test_permission_denied_as_busybox_sh_under_another_user(tree: Path) -> None:
    script = "echo x > ro/file; echo $?; echo y > ro/new; echo $?; cat < ro/file; echo z >> ro/file; echo $?"
    want = real(script, tree, user=65534)
    assert want[2].count("Permission denied") == 3  # the real shell refused the three opens for write
    c = model()
    assert simulated(script, c, user=65534) == want
    assert model_files(c) == files(tree)
