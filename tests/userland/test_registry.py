"""The interface between the shell and the commands: explicit registration, loud import errors,
and no import of the interpreter from userland."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import simulator.userland
from simulator.userland import FAMILIES, load_all
from simulator.userland.registry import COMMANDS, ExecContext, known_commands

# The commands the shell knew before the registry was made explicit (computed from the
# suppress(ImportError) loader it replaced); load_all() must register exactly these.
TOOLCHAINS = frozenset(
    # issue 11: the toolchains tutorials run
    [
        "npm",
        "npx",
        "yarn",
        "yarnpkg",
        "pnpm",
        "corepack",
        "vite",
        "react-scripts",
        "tsc",
        "go",
        "mvn",
        "mvnw",
        "jar",
        "unzip",
        "dotnet",
        "apt-mark",
        "gpg",
        "gpg2",
        "gpgconf",
        "update-ca-certificates",
        "gosu",
        "su-exec",
        "tini",
        "tini-static",
        # the one-action awk programs of official images' install scripts (issue 11 corpus)
        "awk",
        "mawk",
        "gawk",
    ]
)
REGISTERED_BEFORE = frozenset(
    [
        ":",
        "[",
        "truncate",  # issue 15: sizes a file (refused past the disk limit)
        "yes",  # issue 15: streams into a pipe
        "addgroup",
        "adduser",
        "apk",
        "apt",
        "apt-get",
        "ash",
        "basename",
        "bash",
        "busybox",
        "cat",
        "chgrp",
        "chmod",
        "chown",
        "cp",
        "curl",
        "cut",
        "dash",
        "date",
        "delgroup",
        "deluser",
        "dirname",
        "dpkg",
        "du",
        "echo",
        "egrep",
        "env",
        "expr",
        "false",
        "fgrep",
        "find",
        "grep",
        "groupadd",
        "groupdel",
        "gunzip",
        "gzip",
        "head",
        "hostname",
        "id",
        "install",
        "ln",
        "ls",
        "md5sum",
        "mkdir",
        "mktemp",
        "mv",
        "nproc",
        "pip",
        "pip3",
        "printf",
        "pwd",
        "python",
        "python3",
        "readlink",
        "realpath",
        "rm",
        "rmdir",
        "sed",
        "seq",
        "sh",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "sleep",
        "sort",
        "od",  # issue 15: head -c 5 /dev/zero | od -c
        "stat",
        "tail",
        "tar",
        "tee",
        "test",
        "touch",
        "tr",
        "true",
        "uname",
        "uniq",
        "useradd",
        "userdel",
        "usermod",
        "wc",
        "wget",
        "which",
        "whoami",
        "xargs",
        "zcat",
    ]
)

NOT_FAMILIES = {
    "registry",
    "users",
    "streams",
}  # the interface, passwd/group helpers and pipes register nothing


def test_load_all_registers_the_full_set() -> None:
    load_all()
    assert len(REGISTERED_BEFORE) == 88
    assert set(known_commands()) == REGISTERED_BEFORE | TOOLCHAINS
    assert known_commands() == sorted(COMMANDS)


def test_every_family_module_registers_a_command() -> None:
    load_all()
    modules = {
        info.name
        for info in pkgutil.iter_modules(simulator.userland.__path__)
        if not info.name.startswith("_") and info.name not in NOT_FAMILIES
    }
    assert modules == set(FAMILIES)
    registering = {func.__module__.rsplit(".", 1)[1] for func in COMMANDS.values()}
    assert modules <= registering, f"families that register nothing: {sorted(modules - registering)}"


def test_a_family_that_fails_to_import_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken family is an ImportError, never a set of commands that are silently 'not found'."""
    monkeypatch.setitem(sys.modules, "simulator.userland.sed", None)  # importing it now raises ImportError
    with pytest.raises(ImportError, match=r"simulator\.userland\.sed"):
        load_all()
    monkeypatch.delitem(sys.modules, "simulator.sh.interp", raising=False)
    monkeypatch.delitem(sys.modules, "simulator.sh.run", raising=False)
    with pytest.raises(ImportError, match=r"simulator\.userland\.sed"):
        importlib.import_module("simulator.sh.run")


def test_a_family_with_a_broken_import_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import error inside a family (here: grep, which sed imports) reaches the caller."""
    monkeypatch.delitem(sys.modules, "simulator.userland.sed")
    monkeypatch.setitem(sys.modules, "simulator.userland.grep", None)
    with pytest.raises(ImportError, match=r"simulator\.userland\.grep"):
        load_all()


def test_userland_never_imports_the_shell() -> None:
    """userland reaches the shell through ExecContext only; the pattern helpers live below both."""
    root = Path(simulator.userland.__file__).parent
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            offenders += [f"{path.name}: {name}" for name in names if name.startswith("simulator.sh")]
    assert offenders == []


def test_a_context_without_a_shell_says_so() -> None:
    ctx = ExecContext(fs=None)
    assert ctx.which("ls") is None
    with pytest.raises(RuntimeError, match="without a shell"):
        ctx.run(["ls"])
