"""The RUN shell: a small POSIX ``sh`` that runs against a container's filesystem.

It interprets RUN lines, ``container.exec_run(cmd)`` and ``engine.containers.run(image, cmd)``.
Every file it touches goes through the container's operations (``write_file``, ``unlink``,
``rename`` ...), so copy-ups, whiteouts and opaque directories come out as the kernel's
overlayfs makes them, and the same shell runs on the real overlayfs backend.

Behaviour follows busybox ``ash`` (the ``/bin/sh`` of busybox and Alpine images):

- messages are busybox's: the shell's own start with ``$0`` (``/bin/sh: foo: not found``: RUN runs
  ``/bin/sh -c``), a builtin's also name it and the line (``/bin/sh: cd: line 0: can't cd to /x``),
  the utilities' their own (``rm: can't remove 'x': ...``);
- ``echo`` interprets no backslash escapes unless given ``-e`` -- *except* when the image's
  ``/bin/sh`` is a symlink to ``dash`` (Debian, Ubuntu), whose ``echo`` always interprets them
  and knows no ``-e`` (it prints it);
- a command other than a shell builtin must exist on ``$PATH`` in the container (a file or a
  symlink, such as busybox's applet links) *and* be implemented in
  :data:`~simulator.userland.registry.COMMANDS`; otherwise it fails with exit status 127 and
  :attr:`ShellResult.unknown_command` names it;
- ``&`` runs the command in the foreground (there is no job control), ``sleep`` returns at once,
  and a pipeline runs its commands one after the other, each in a subshell.

The parser is :mod:`~simulator.sh.parse`; the commands are in :mod:`simulator.userland`
(loaded once, by :func:`simulator.userland.load_all`, when this module is imported).
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from simulator.model.container import Credentials
from simulator.sh.parse import (
    AndOr,
    Arith,
    Case,
    CmdSub,
    For,
    FuncDef,
    Group,
    If,
    Lit,
    Node,
    Param,
    Pipeline,
    Redirect,
    Seq,
    ShellSyntaxError,
    Simple,
    While,
    Word,
    heredoc_word,
    is_name,
    parse,
)  # fmt: skip
from simulator.sh.patterns import pattern_regex, trim
from simulator.userland import load_all, users
from simulator.userland.registry import COMMANDS, ExecContext

__all__ = [
    "DEFAULT_PATH", "ExecResult", "ShellResult", "exec_in", "known_commands", "run_argv", "run_container_command",
    "run_script",
]  # fmt: skip

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ASH_DEFAULT_PATH = "/sbin:/usr/sbin:/bin:/usr/bin"  # busybox sh started without PATH sets this one

BUILTINS = (
    ".", ":", "[", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export", "false", "getopts",
    "hash", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "source", "test", "trap", "true",
    "type", "ulimit", "umask", "unset", "wait",
)  # fmt: skip


def known_commands() -> list[str]:
    """Every command name the shell can run: its builtins and the registered commands."""
    return sorted(set(BUILTINS) | set(COMMANDS))


# ---------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ShellResult:
    """What a script did: exit status, what it printed, and the command it did not know.

    Attributes:
        exit_code: the shell's exit status (127: a command was not found).
        stdout, stderr: the two streams, decoded as UTF-8 (invalid bytes replaced).
        output: both streams interleaved in the order they were written (what ``docker
            build`` and ``docker run`` show).
        unknown_command: the first command that was not found or that layerlab does not
            implement, for the builder's message.
    """

    exit_code: int
    stdout: str = ""
    stderr: str = ""
    output: str = ""
    unknown_command: str | None = None


class ExecResult(NamedTuple):
    """Like the Docker SDK's ``exec_run`` result: exit code and stdout+stderr bytes."""

    exit_code: int
    output: bytes


# ---------------------------------------------------------------------------------- control flow
class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _Return(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _Loop(Exception):
    def __init__(self, kind: str, levels: int) -> None:
        self.kind = kind
        self.levels = levels


class _Terminal(bytearray):
    """The shell's own stdout/stderr: also records every write in the shared ``log`` in order."""

    def __init__(self, log: bytearray) -> None:
        super().__init__()
        self.log = log

    def __iadd__(self, data: Any) -> _Terminal:  # type: ignore[override,misc]
        self.log += data
        super().__iadd__(data)
        return self

    def extend(self, data: Any) -> None:
        self.__iadd__(bytes(data))


@dataclass
class _IO:
    stdin: bytes
    out: bytearray
    err: bytearray
    extra: dict[int, bytearray] = field(default_factory=dict)

    def fd(self, n: int) -> bytearray | None:
        if n == 1:
            return self.out
        if n == 2:
            return self.err
        return self.extra.get(n)


class _RedirectError(Exception):
    pass


@dataclass
class _Shared:
    """State shared by a shell and its subshells."""

    unknown: str | None = None


# ---------------------------------------------------------------------------------- the shell
class Shell:
    """One shell process: variables, options, functions, cwd, and the container it runs in."""

    def __init__(
        self,
        fs: Any,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str = "/",
        uid: int = 0,
        gid: int = 0,
        shared: _Shared | None = None,
    ) -> None:
        self.fs = fs
        self.vars: dict[str, str] = dict(env or {})
        self.exported: set[str] = set(self.vars)
        self.readonly: set[str] = set()
        self.positional: list[str] = []
        self.arg0 = "sh"
        self.line_base = 0  # ash counts the lines of a `-c` string from 0 and a script file's from 1
        self.lineno = 0
        self.locals: list[dict[str, str | None]] = []
        self.status = 0
        self.cwd = cwd or "/"
        self.options: set[str] = set()
        self.pipefail = False
        self.functions: dict[str, Node] = {}
        self.uid = uid
        self.gid = gid
        self.umask = 0o022
        self.no_errexit = 0
        self.depth = 0
        self.shared = shared or _Shared()
        self.flavor = _flavor(fs)
        self.vars.setdefault("PATH", DEFAULT_PATH if self.flavor == "dash" else ASH_DEFAULT_PATH)
        self.exported.add("PATH")

    # -- process-like helpers -------------------------------------------------------------
    def fork(self) -> Shell:
        child = Shell.__new__(Shell)
        child.__dict__.update(self.__dict__)
        child.vars = dict(self.vars)
        child.exported = set(self.exported)
        child.readonly = set(self.readonly)
        child.positional = list(self.positional)
        child.options = set(self.options)
        child.functions = dict(self.functions)
        child.no_errexit = self.no_errexit
        child.locals = [dict(frame) for frame in self.locals]
        return child

    def environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in self.vars.items() if k in self.exported}
        env.update(extra or {})
        return env

    def abspath(self, path: str) -> str:
        return posixpath.normpath(path if path.startswith("/") else posixpath.join(self.cwd, path)).replace(
            "//", "/"
        )

    def context(self, io: _IO, env: dict[str, str] | None = None) -> ExecContext:
        """What a command run by this shell sees, with the callbacks to start other programs."""
        ctx = ExecContext(
            self.fs,
            env if env is not None else self.environ(),
            self.cwd,
            io.stdin,
            io.out,
            io.err,
            self.uid,
            self.gid,
            umask=self.umask,
            which=self.find_command,
        )

        def run(argv: list[str], *, env: dict[str, str] | None = None, stdin: bytes | None = None) -> int:
            # env CMD, xargs CMD, find -exec, busybox APPLET: a child process of this shell
            child = self.fork()
            child.cwd = ctx.cwd
            if env is not None:
                child.vars = dict(env)
                child.exported = set(env)
            child_io = _IO(ctx.stdin if stdin is None else stdin, ctx.stdout, ctx.stderr)
            return child.exec_external(list(argv), child_io)

        ctx.run = run
        ctx.shell = lambda argv: _shell_builtins.sh_command(self, ctx, argv)
        return ctx

    def error(self, io: _IO, message: str) -> None:
        """A message from the shell itself: ``$0: message`` (``/bin/sh: foo: not found``)."""
        io.err += f"{self.arg0}: {message}\n".encode()

    def builtin_error(self, io: _IO, name: str, message: str) -> None:
        """A builtin's error, which ash prefixes with the builtin and the script line."""
        self.error(io, f"{name}: line {self.lineno}: {message}")

    # -- running --------------------------------------------------------------------------
    def run_source(self, source: str, io: _IO) -> int:
        """Parse and run a script; a syntax error is exit status 2 (nothing runs)."""
        try:
            tree = parse(source)
        except ShellSyntaxError as exc:
            self.error(io, f"syntax error: {exc}")
            self.status = 2
            return 2
        try:
            self.run_seq(tree, io)
        except _Exit as exc:
            self.status = exc.status
        except _Return as exc:
            self.status = exc.status
        except _Loop:
            pass
        return self.status

    def run_seq(self, seq: Seq, io: _IO) -> int:
        for item in seq.items:
            self.run_and_or(item, io)
        return self.status

    def run_and_or(self, node: AndOr, io: _IO) -> int:
        chain = [("", node.first), *node.rest]
        for i, (op, pipeline) in enumerate(chain):
            if (op == "&&" and self.status != 0) or (op == "||" and self.status == 0):
                continue
            last = i == len(chain) - 1
            if not last:
                self.no_errexit += 1
            try:
                self.run_pipeline(pipeline, io)
            finally:
                if not last:
                    self.no_errexit -= 1
        return self.status

    def run_pipeline(self, node: Pipeline, io: _IO) -> int:
        if node.negate:
            self.no_errexit += 1
        try:
            if len(node.commands) == 1:
                status = self.run_command(node.commands[0], io)
            else:
                stdin = io.stdin
                statuses = []
                for i, command in enumerate(node.commands):
                    last = i == len(node.commands) - 1
                    out = io.out if last else bytearray()
                    child = self.fork()
                    try:
                        child.run_command(command, _IO(stdin, out, io.err, io.extra))
                    except _Exit as exc:
                        child.status = exc.status
                    except (_Return, _Loop):
                        pass
                    statuses.append(child.status)
                    stdin = bytes(out)
                status = statuses[-1]
                if self.pipefail:
                    status = next((s for s in reversed(statuses) if s != 0), 0)
        finally:
            if node.negate:
                self.no_errexit -= 1
        if node.negate:
            status = int(status == 0)
        self.status = status
        if status != 0 and "e" in self.options and self.no_errexit == 0 and not node.negate:
            raise _Exit(status)
        return status

    def run_command(self, node: Node, io: _IO) -> int:
        if isinstance(node, Simple):
            self.status = self.run_simple(node, io)
            return self.status
        if isinstance(node, FuncDef):
            self.functions[node.name] = node.body
            self.status = 0
            return 0
        if isinstance(node, (Seq, AndOr, Pipeline)):
            return self._dispatch(node, io)
        redirects: tuple[Redirect, ...] = getattr(node, "redirects", ())
        try:
            cio, flush = self.redirect(redirects, io)
        except _RedirectError as exc:
            self.error(io, str(exc))
            self.status = 1
            return 1
        try:
            self._dispatch(node, cio)
        finally:
            flush()
        return self.status

    def _dispatch(self, node: Node, io: _IO) -> int:
        if isinstance(node, Seq):
            return self.run_seq(node, io)
        if isinstance(node, AndOr):
            return self.run_and_or(node, io)
        if isinstance(node, Pipeline):
            return self.run_pipeline(node, io)
        if isinstance(node, Group):
            if not node.subshell:
                return self.run_seq(node.body, io)
            child = self.fork()
            try:
                child.run_seq(node.body, io)
            except _Exit as exc:
                child.status = exc.status
            except (_Return, _Loop):
                pass
            self.status = child.status
            return self.status
        if isinstance(node, If):
            for cond, body in node.branches:
                self.no_errexit += 1
                try:
                    self.run_seq(cond, io)
                finally:
                    self.no_errexit -= 1
                if self.status == 0:
                    return self.run_seq(body, io)
            self.status = 0
            if node.orelse is not None:
                return self.run_seq(node.orelse, io)
            return 0
        if isinstance(node, For):
            words = self.expand_words(node.words, io) if node.words is not None else list(self.positional)
            self.status = 0
            for value in words:
                self.assign(node.var, value, io)
                try:
                    self.run_seq(node.body, io)
                except _Loop as loop:
                    if loop.levels > 1:
                        raise _Loop(loop.kind, loop.levels - 1) from None
                    if loop.kind == "break":
                        break
            return self.status
        if isinstance(node, While):
            status = 0
            for _ in range(100_000):
                self.no_errexit += 1
                try:
                    self.run_seq(node.cond, io)
                finally:
                    self.no_errexit -= 1
                if (self.status == 0) == node.until:
                    break
                try:
                    status = self.run_seq(node.body, io)
                except _Loop as loop:
                    if loop.levels > 1:
                        raise _Loop(loop.kind, loop.levels - 1) from None
                    if loop.kind == "break":
                        break
            else:
                self.error(io, "loop ran 100000 times; layerlab stops it here")
                status = 1
            self.status = status
            return status
        if isinstance(node, Case):
            subject = self.expand_single(node.word, io)
            for patterns, body in node.items:
                for pattern in patterns:
                    if pattern_regex(self.expand_pattern(pattern, io)).fullmatch(subject):
                        self.status = 0
                        return self.run_seq(body, io)
            self.status = 0
            return 0
        return self.run_command(node, io)

    # -- simple commands ------------------------------------------------------------------
    def run_simple(self, node: Simple, io: _IO) -> int:
        self.status_of_subst = 0
        self.lineno = node.line - 1 + self.line_base
        argv = self.expand_words(node.words, io)
        assigns = []
        for name, value in node.assigns:
            assigns.append((name, self.expand_single(value, io, tilde=True)))
            if not argv:  # `X=1 Y=$X` assigns from left to right
                self.assign(name, assigns[-1][1], io)
        if "x" in self.options:
            shown = [f"{n}={_quote(v)}" for n, v in assigns] + [_quote(a) for a in argv]
            if shown:
                io.err += ("+ " + " ".join(shown) + "\n").encode()
        try:
            cio, flush = self.redirect(node.redirects, io)
        except _RedirectError as exc:
            self.error(io, str(exc))
            return 1
        try:
            if not argv:
                for name, value in assigns:
                    self.assign(name, value, io)
                return self.status_of_subst
            name = argv[0]
            if name in self.functions:
                return self.call_function(name, argv, cio, assigns)
            builtin = _BUILTINS.get(name)
            if builtin is not None:
                if name in _SPECIAL:
                    for n, v in assigns:
                        self.assign(n, v, io)
                    return builtin(self, argv, cio)
                saved = {n: self.vars.get(n) for n, _ in assigns}
                for n, v in assigns:
                    self.vars[n] = v
                try:
                    return builtin(self, argv, cio)
                finally:
                    for n, old in saved.items():
                        if old is None:
                            self.vars.pop(n, None)
                        else:
                            self.vars[n] = old
            return self.exec_external(argv, cio, dict(assigns))
        finally:
            flush()

    def call_function(self, name: str, argv: list[str], io: _IO, assigns: list[tuple[str, str]]) -> int:
        saved = self.positional
        self.positional = argv[1:]
        for n, v in assigns:
            self.assign(n, v, io)
        self.depth += 1
        self.locals.append({})
        try:
            if self.depth > 200:
                self.error(io, f"{name}: function nesting too deep")
                return 2
            self.run_command(self.functions[name], io)
        except _Return as ret:
            self.status = ret.status
        finally:
            self.depth -= 1
            self.positional = saved
            for var, old in self.locals.pop().items():  # `local` variables get their values back
                if old is None:
                    self.vars.pop(var, None)
                else:
                    self.vars[var] = old
        return self.status

    def assign(self, name: str, value: str, io: _IO | None = None) -> None:
        if name in self.readonly:
            if io is not None:
                self.error(io, f"{name}: is read only")
            raise _Exit(2)
        self.vars[name] = value
        if "a" in self.options:
            self.exported.add(name)

    # -- external commands ----------------------------------------------------------------
    def find_command(self, name: str) -> str | None:
        """The container path ``name`` runs (PATH search for names without ``/``), or None."""
        if "/" in name:
            path = self.abspath(name)
            return path if self._is_file(path) else None
        for directory in self.vars.get("PATH", DEFAULT_PATH).split(":"):
            candidate = posixpath.join(self.abspath(directory or "."), name)
            if self._is_file(candidate):
                return candidate
        return None

    def _is_file(self, path: str) -> bool:
        try:
            return not self.fs.stat(path).is_dir
        except (OSError, ValueError):
            return False

    def exec_external(self, argv: list[str], io: _IO, extra_env: Mapping[str, str] | None = None) -> int:
        """Run a command found in the container (not a builtin or function)."""
        name = argv[0]
        path = self.find_command(name)
        if path is None:
            if "/" in name and self.fs.exists(self.abspath(name)):
                self.error(io, f"{name}: Permission denied")
                return 126
            self.error(io, f"{name}: not found")
            self._unknown(name)
            return 127
        if not self.fs.stat(path).mode & 0o111:  # execve(2) needs an execute bit: EACCES
            self.error(io, f"{name}: Permission denied")
            return 126
        applet = posixpath.basename(name)
        if applet == "busybox" and len(argv) > 1 and not argv[1].startswith("-"):
            argv = argv[1:]
            applet = argv[0]
        command = COMMANDS.get(applet)
        env = self.environ(extra_env)
        if command is None:
            script = self._shebang_script(path)
            if script is not None:
                mode = self.fs.stat(path).mode
                if not mode & 0o111:
                    self.error(io, f"{name}: Permission denied")
                    return 126
                return _run_nested(self, script, [name, *argv[1:]], io, env, from_file=True)
            known = ", ".join(known_commands())
            self.error(io, f"{name}: layerlab's shell does not implement this command; it has: {known}")
            self._unknown(applet)
            return 127
        ctx = self.context(io, env)
        try:
            return int(command(ctx, list(argv)))
        except _Exit as exc:
            return exc.status
        except OSError as exc:  # a command that did not expect this error: report it as the tools do
            where = f"{exc.filename}: " if exc.filename else ""
            self.error(io, f"{applet}: {where}{exc.strerror or exc}")
            return 1

    def _shebang_script(self, path: str) -> str | None:
        try:
            data = self.fs.read_file(path)
        except OSError:
            return None
        if not data.startswith(b"#!"):
            return None
        interpreter = data[2:].split(b"\n", 1)[0].split()
        if interpreter and posixpath.basename(interpreter[0].decode()) in ("sh", "ash", "dash", "bash"):
            return data.decode("utf-8", "replace")
        return None

    def _unknown(self, name: str) -> None:
        if self.shared.unknown is None:
            self.shared.unknown = name

    # -- redirections ---------------------------------------------------------------------
    def redirect(self, redirects: Sequence[Redirect], io: _IO) -> tuple[_IO, Any]:
        """A new ``_IO`` with the redirections applied, and the function that writes files out."""
        if not redirects:
            return io, lambda: None
        new = _IO(io.stdin, io.out, io.err, dict(io.extra))
        files: list[tuple[str, bytearray]] = []

        def set_fd(n: int, buffer: bytearray) -> None:
            if n == 1:
                new.out = buffer
            elif n == 2:
                new.err = buffer
            else:
                new.extra[n] = buffer

        for r in redirects:
            if r.op == "<<":
                assert r.heredoc is not None
                body = r.heredoc.body
                if r.heredoc.expand:
                    body = self.expand_single(heredoc_word(body), io)
                new.stdin = body.encode()
                continue
            target = self.expand_single(r.target, io)
            if r.op in (">&", "<&"):
                if target == "-":
                    set_fd(r.fd, bytearray())
                    continue
                if not target.isdigit():
                    if r.op == ">&":  # `>& file` is bash's; ash reads it as a file name too
                        target_path = target
                        buffer = self._open_write(target_path, False, files)
                        set_fd(1, buffer)
                        set_fd(2, buffer)
                        continue
                    raise _RedirectError(f"{target}: bad file descriptor")
                source = int(target)
                if r.fd == 0 or r.op == "<&":
                    if source != 0:
                        raise _RedirectError(f"{source}: bad file descriptor")
                    continue
                buffer = new.fd(source)
                if buffer is None:
                    raise _RedirectError(f"{source}: bad file descriptor")
                set_fd(r.fd, buffer)
                continue
            if r.op == "<":
                if r.fd == 0:
                    new.stdin = self._read_input(target)
                continue
            if r.op == "<>":
                self._open_write(target, True, files)
                if r.fd == 0:
                    new.stdin = self._read_input(target)
                continue
            buffer = self._open_write(target, r.op == ">>", files)
            set_fd(r.fd, buffer)

        def flush() -> None:
            for path, buffer in files:
                if buffer:
                    try:
                        self.fs.append_file(path, bytes(buffer))
                    except OSError as exc:
                        io.err += f"sh: write error: {os.strerror(exc.errno or errno.EIO)}\n".encode()

        return new, flush

    def _open_write(self, target: str, append: bool, files: list[tuple[str, bytearray]]) -> bytearray:
        if target in ("/dev/null", "/dev/zero"):
            return bytearray()
        if target in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
            return bytearray()  # replaced below by the caller's stream
        path = self.abspath(target)
        existed = self.fs.exists(path)
        try:
            if append:
                self.fs.append_file(path, b"", mode=0o666 & ~self.umask)
            else:
                self.fs.write_file(path, b"", mode=0o666 & ~self.umask)
            if not existed and (self.uid or self.gid):
                self.fs.chown(path, self.uid, self.gid)
        except OSError as exc:
            reason = (
                "nonexistent directory" if exc.errno == errno.ENOENT else os.strerror(exc.errno or errno.EIO)
            )
            raise _RedirectError(f"can't create {target}: {reason}") from None
        buffer = bytearray()
        files.append((path, buffer))
        return buffer

    def _read_input(self, target: str) -> bytes:
        if target == "/dev/null":
            return b""
        try:
            return bytes(self.fs.read_file(self.abspath(target)))
        except OSError as exc:
            reason = "no such file" if exc.errno == errno.ENOENT else os.strerror(exc.errno or errno.EIO)
            raise _RedirectError(f"can't open {target}: {reason}") from None

    # -- expansion ------------------------------------------------------------------------
    def expand_words(self, words: Sequence[Word], io: _IO) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(self.expand_fields(word, io))
        return out

    def expand_fields(self, word: Word, io: _IO) -> list[str]:
        """Expansion, field splitting, pathname expansion and quote removal of one word."""
        segments = self._segments(word.parts, io, tilde=True)
        ifs = self.vars.get("IFS", " \t\n")
        fields: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] = []
        started = False
        spaces = " \t\n"
        after_space = False  # a field just ended at IFS white space (which joins a following delimiter)
        for text, kind in segments:
            if kind == "break":
                fields.append(current)
                current, started = [], False
                continue
            if kind == "e" and ifs:
                for ch in text:
                    if ch in ifs and ch in spaces:
                        if started:
                            fields.append(current)
                            after_space = True
                        current, started = [], False
                    elif ch in ifs:  # other IFS characters delimit one field each, even an empty one
                        if started or not after_space:
                            fields.append(current)
                        current, started, after_space = [], False, False
                    else:
                        current.append((ch, True))
                        started, after_space = True, False
                continue
            after_space = after_space and not text
            current.extend((ch, kind != "q") for ch in text)
            started = started or bool(text) or kind == "q"
        if started:
            fields.append(current)
        result: list[str] = []
        for f in fields:
            if "f" not in self.options and any(active and ch in "*?[" for ch, active in f):
                matches = _glob(self, f)
                if matches:
                    result.extend(matches)
                    continue
            result.append("".join(ch for ch, _ in f))
        return result

    def expand_single(self, word: Word, io: _IO, tilde: bool = False) -> str:
        """Expansion without field splitting or globbing (assignments, redirections, case)."""
        return "".join(text for text, kind in self._segments(word.parts, io, tilde=tilde) if kind != "break")

    def expand_pattern(self, word: Word, io: _IO) -> list[tuple[str, bool]]:
        """A pattern as (char, active) pairs: quoted characters match literally."""
        out: list[tuple[str, bool]] = []
        for text, kind in self._segments(word.parts, io, tilde=True):
            if kind != "break":
                out.extend((ch, kind != "q") for ch in text)
        return out

    def _segments(self, parts: Sequence[Any], io: _IO, tilde: bool = False) -> list[tuple[str, str]]:
        """(text, kind) with kind ``l`` unquoted literal, ``q`` quoted, ``e`` unquoted expansion
        (split and globbed), ``break`` between the fields of ``"$@"``."""
        out: list[tuple[str, str]] = []
        for i, part in enumerate(parts):
            if isinstance(part, Lit):
                text = part.text
                if i == 0 and tilde and not part.quoted and text.startswith("~"):
                    text = self._tilde(text)
                out.append((text, "q" if part.quoted else "l"))
            elif isinstance(part, Param):
                out.extend(self._param(part, io))
            elif isinstance(part, CmdSub):
                text = self.command_substitution(part.source, io)
                out.append((text, "q" if part.quoted else "e"))
            elif isinstance(part, Arith):
                source = "".join(
                    t
                    for t, k in self._segments(Word(tuple(_parse_arith_word(part.source)), "").parts, io)
                    if k != "break"
                )
                try:
                    value = str(_arith(source, self))
                except (ValueError, ZeroDivisionError, SyntaxError) as exc:
                    self.error(
                        io,
                        f"arithmetic syntax error: {part.source}"
                        if not isinstance(exc, ZeroDivisionError)
                        else "divide by zero",
                    )
                    raise _Exit(2) from None
                out.append((value, "q" if part.quoted else "e"))
        return out

    def _tilde(self, text: str) -> str:
        head, sep, rest = text[1:].partition("/")
        if head == "":
            home = self.vars.get("HOME", "/")
        else:
            entry = users.passwd_entry(self.fs.read_file, head)
            if entry is None:
                return text
            home = entry[5]
        return home + sep + rest

    def lookup(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "#":
            return str(len(self.positional))
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name == "$":
            return "1"
        if name == "!":
            return ""
        if name == "-":
            return "".join(sorted(self.options))
        if name == "0":
            return self.arg0
        if name.isdigit():
            n = int(name)
            return self.positional[n - 1] if n <= len(self.positional) else None
        return self.vars.get(name)

    def _param(self, part: Param, io: _IO) -> list[tuple[str, str]]:
        kind = "q" if part.quoted else "e"
        name, op = part.name, part.op
        if name == "@" and part.quoted and op == "":
            out: list[tuple[str, str]] = []
            for i, value in enumerate(self.positional):
                if i:
                    out.append(("", "break"))
                out.append((value, "q"))
            return out
        if name == "*" and op == "":
            sep = self.vars.get("IFS", " \t\n")[:1]
            return [(sep.join(self.positional), kind)]
        value = self.lookup(name)
        if op == "#len":
            return [(str(len(value or "")), kind)]
        unset = value is None
        null = unset or value == ""
        if op in (":-", "-"):
            if null if op == ":-" else unset:
                return (
                    self._segments(part.arg.parts if part.arg else (), io, tilde=True)
                    if not part.quoted
                    else [(self.expand_single(part.arg, io, tilde=True), "q")]
                    if part.arg
                    else [("", "q")]
                )
        elif op in (":=", "="):
            if null if op == ":=" else unset:
                new = self.expand_single(part.arg, io, tilde=True) if part.arg else ""
                self.assign(name, new, io)
                value = new
        elif op in (":+", "+"):
            if not (null if op == ":+" else unset):
                if part.arg is None:
                    return []
                return (
                    self._segments(part.arg.parts, io, tilde=True)
                    if not part.quoted
                    else [(self.expand_single(part.arg, io, tilde=True), "q")]
                )
            return [("", kind)] if part.quoted else []
        elif op in (":?", "?"):
            if null if op == ":?" else unset:
                message = (
                    self.expand_single(part.arg, io)
                    if part.arg and part.arg.parts
                    else ("parameter not set" if unset else "parameter null or not set")
                )
                self.error(io, f"{name}: {message}")
                raise _Exit(2)
        elif op in ("%", "%%", "#", "##"):
            pattern = pattern_regex(self.expand_pattern(part.arg, io) if part.arg else [])
            text = value or ""
            value = trim(text, pattern, op)
        if value is None:
            if "u" in self.options and name not in ("@", "*"):
                self.error(io, f"{name}: parameter not set")
                raise _Exit(2)
            value = ""
        return [(value, kind)]

    def command_substitution(self, source: str, io: _IO) -> str:
        child = self.fork()
        out = bytearray()
        status = child.run_source(source, _IO(b"", out, io.err, io.extra))
        self.status_of_subst = status
        self.status = status
        return out.decode("utf-8", "replace").rstrip("\n")

    status_of_subst = 0


def _parse_arith_word(source: str) -> list[Any]:
    """``$((...))`` text: expand ``$x``, ``$(...)`` in it like a double-quoted word."""
    return list(heredoc_word(source).parts)


_ARITH_TOKEN = re.compile(
    r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~&|^?:]))"
)


def _arith(source: str, shell: Shell) -> int:
    """Evaluate shell integer arithmetic (no assignment operators)."""
    tokens: list[str] = []
    pos = 0
    source = source.strip()
    while pos < len(source):
        m = _ARITH_TOKEN.match(source, pos)
        if not m:
            raise ValueError(source)
        tokens.append(m.group(0).strip())
        pos = m.end()
    index = 0

    def peek() -> str:
        return tokens[index] if index < len(tokens) else ""

    def take() -> str:
        nonlocal index
        index += 1
        return tokens[index - 1]

    levels = [
        ["||"],
        ["&&"],
        ["|"],
        ["^"],
        ["&"],
        ["==", "!="],
        ["<", "<=", ">", ">="],
        ["<<", ">>"],
        ["+", "-"],
        ["*", "/", "%"],
    ]

    def unary() -> int:
        tok = take() if peek() else ""
        if tok == "(":
            value = ternary()
            if take() != ")":
                raise ValueError(source)
            return value
        if tok == "-":
            return -unary()
        if tok == "+":
            return unary()
        if tok == "!":
            return int(not unary())
        if tok == "~":
            return ~unary()
        if tok[:2] in ("0x", "0X"):
            return int(tok, 16)
        if tok.isdigit():
            return int(tok, 8) if tok.startswith("0") and len(tok) > 1 else int(tok)
        if is_name(tok):
            text = shell.vars.get(tok, "") or "0"
            return _arith(text, shell) if text.strip() else 0
        raise ValueError(source)

    def binary(level: int) -> int:
        if level == len(levels):
            return unary()
        value = binary(level + 1)
        while peek() in levels[level]:
            op = take()
            right = binary(level + 1)
            if op in ("/", "%"):
                if right == 0:
                    raise ZeroDivisionError
                q = abs(value) // abs(right) * (1 if (value >= 0) == (right >= 0) else -1)
                value = q if op == "/" else value - q * right
            else:
                value = {
                    "||": lambda a, b: int(bool(a) or bool(b)),
                    "&&": lambda a, b: int(bool(a) and bool(b)),
                    "|": lambda a, b: a | b,
                    "^": lambda a, b: a ^ b,
                    "&": lambda a, b: a & b,
                    "==": lambda a, b: int(a == b),
                    "!=": lambda a, b: int(a != b),
                    "<": lambda a, b: int(a < b),
                    "<=": lambda a, b: int(a <= b),
                    ">": lambda a, b: int(a > b),
                    ">=": lambda a, b: int(a >= b),
                    "<<": lambda a, b: a << b,
                    ">>": lambda a, b: a >> b,
                    "+": lambda a, b: a + b,
                    "-": lambda a, b: a - b,
                    "*": lambda a, b: a * b,
                }[op](value, right)
        return value

    def ternary() -> int:
        cond = binary(0)
        if peek() == "?":
            take()
            a = ternary()
            if take() != ":":
                raise ValueError(source)
            b = ternary()
            return a if cond else b
        return cond

    if not tokens:
        return 0
    result = ternary()
    if index != len(tokens):
        raise ValueError(source)
    return result


# ---------------------------------------------------------------------------------- globbing
def _glob(shell: Shell, pattern: list[tuple[str, bool]]) -> list[str]:
    """Pathname expansion against the container's filesystem (sorted; dotfiles need a '.')."""
    components: list[list[tuple[str, bool]]] = [[]]
    for ch, active in pattern:
        if ch == "/":
            components.append([])
        else:
            components[-1].append((ch, active))
    absolute = not components[0]
    prefixes = ["/" if absolute else ""]
    parts = components[1:] if absolute else components
    for index, comp in enumerate(parts):
        last = index == len(parts) - 1
        literal = not any(active and ch in "*?[" for ch, active in comp)
        text = "".join(ch for ch, _ in comp)
        new: list[str] = []
        for prefix in prefixes:
            if literal:
                candidate = prefix + text if prefix.endswith("/") or not prefix else f"{prefix}/{text}"
                if not comp:  # `a//b` or a trailing '/'
                    candidate = prefix if prefix.endswith("/") else prefix + "/"
                new.append(candidate)
                continue
            directory = shell.abspath(prefix or ".")
            try:
                names = shell.fs.listdir(directory)
            except (OSError, ValueError):
                continue
            regex = pattern_regex(comp)
            if text.startswith("."):  # busybox sh: `.*` matches `.` and `..` too
                names = [".", "..", *names]
            for name in names:
                if name.startswith(".") and not text.startswith("."):
                    continue
                if regex.fullmatch(name):
                    new.append(prefix + name if prefix.endswith("/") or not prefix else f"{prefix}/{name}")
        if not last:
            new = [p for p in new if _is_dir(shell, p)]
        prefixes = new
    results = [p for p in prefixes if _lexists(shell, p.rstrip("/") or "/")]
    return sorted(results)


def _is_dir(shell: Shell, path: str) -> bool:
    try:
        return bool(shell.fs.stat(shell.abspath(path or ".")).is_dir)
    except (OSError, ValueError):
        return False


def _lexists(shell: Shell, path: str) -> bool:
    try:
        shell.fs.lstat(shell.abspath(path))
    except (OSError, ValueError):
        return False
    return True


def _quote(text: str) -> str:
    if text and all(c.isalnum() or c in "@%+=:,./-_" for c in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _flavor(fs: Any) -> str:
    """``dash`` when /bin/sh is dash (Debian/Ubuntu), else ``busybox`` (ash)."""
    try:
        target = fs.readlink("/bin/sh")
    except (OSError, ValueError, AttributeError):
        return "busybox"
    return "dash" if "dash" in posixpath.basename(target) else "busybox"


# ---------------------------------------------------------------------------------- builtins
from simulator.sh import builtins as _shell_builtins  # noqa: E402 - needs Shell and the exceptions above

_BUILTINS = _shell_builtins.BUILTINS
load_all()  # every command family registers its commands; a broken family fails here, loudly
_SPECIAL = _shell_builtins.SPECIAL


def _run_nested(
    parent: Shell,
    script: str,
    args: list[str],
    io: _IO,
    env: Mapping[str, str],
    options: str = "",
    *,
    from_file: bool = False,
) -> int:
    """A child ``sh`` process running ``script`` with ``$0`` = args[0] (env = its environment).

    ``from_file``: the script was read from a file (``sh file``, ``./script``), not given with
    ``-c``; it changes how ash numbers lines in messages.
    """
    child = Shell(parent.fs, env=env, cwd=parent.cwd, uid=parent.uid, gid=parent.gid, shared=parent.shared)
    child.umask = parent.umask
    child.arg0 = args[0] if args else "sh"
    child.line_base = 1 if from_file else 0
    child.positional = list(args[1:])
    child.options = set(options)
    if parent.depth > 50:
        parent.error(io, "too many nested shells")
        return 2
    child.depth = parent.depth + 1
    return child.run_source(script, io)


# ---------------------------------------------------------------------------------- public API
def _top_io(stdin: bytes) -> tuple[_IO, bytearray]:
    log = bytearray()
    return _IO(bytes(stdin), _Terminal(log), _Terminal(log)), log


def _result(status: int, io: _IO, log: bytearray, shared: _Shared) -> ShellResult:
    return ShellResult(
        status,
        bytes(io.out).decode("utf-8", "replace"),
        bytes(io.err).decode("utf-8", "replace"),
        bytes(log).decode("utf-8", "replace"),
        shared.unknown,
    )


def _no_shell_message(path: str = "/bin/sh") -> str:
    return f'exec: "{path}": stat {path}: no such file or directory\n'


def _default_env(fs: Any, env: Mapping[str, str] | None, uid: int) -> dict[str, str]:
    out = dict(env or {})
    out.setdefault("PATH", DEFAULT_PATH)
    if "HOME" not in out:
        entry = users.passwd_entry(fs.read_file, str(uid))
        out["HOME"] = entry[5] if entry is not None and entry[5] else "/"
    return out


def run_script(
    fs: Any,
    script: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: str = "/",
    uid: int = 0,
    gid: int = 0,
    stdin: bytes = b"",
) -> ShellResult:
    """Run ``script`` as ``/bin/sh -c script`` in the container ``fs``.

    ``env`` is the process environment (ENV and build args); ``PATH`` defaults to Docker's and
    ``HOME`` to the user's home from ``/etc/passwd``.  The container must have ``/bin/sh``
    (``FROM scratch`` has none: exit status 127 and runc's message).
    """
    io, log = _top_io(stdin)
    shared = _Shared()
    if not fs.exists("/bin/sh"):
        io.err += _no_shell_message().encode()
        return _result(127, io, log, shared)
    shell = Shell(fs, env=_default_env(fs, env, uid), cwd=cwd, uid=uid, gid=gid, shared=shared)
    shell.arg0 = "/bin/sh"  # RUN and a string CMD run ["/bin/sh", "-c", script]: messages say /bin/sh
    with _as_user(fs, uid, gid):
        status = shell.run_source(script, io)
    return _result(status, io, log, shared)


def run_argv(
    fs: Any,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str = "/",
    uid: int = 0,
    gid: int = 0,
    stdin: bytes = b"",
) -> ShellResult:
    """Run an exec-form command: ``argv[0]`` is looked up on PATH and run without a shell.

    ``["/bin/sh", "-c", script]`` therefore runs the script through the ``sh`` command.
    """
    io, log = _top_io(stdin)
    shared = _Shared()
    if not argv:
        io.err += b"exec: no command given\n"
        return _result(127, io, log, shared)
    shell = Shell(fs, env=_default_env(fs, env, uid), cwd=cwd, uid=uid, gid=gid, shared=shared)
    name = argv[0]
    path = shell.find_command(name)
    if path is None:
        if "/" in name:
            io.err += _no_shell_message(name).encode()
        else:
            io.err += f'exec: "{name}": executable file not found in $PATH\n'.encode()
        shared.unknown = posixpath.basename(name)
        return _result(127, io, log, shared)
    try:
        with _as_user(fs, uid, gid):
            status = shell.exec_external(list(argv), io)
    except _Exit as exc:
        status = exc.status
    return _result(status, io, log, shared)


@contextlib.contextmanager
def _as_user(fs: Any, uid: int, gid: int) -> Iterator[None]:
    """Run the file operations inside as ``uid:gid``: the model then checks permissions and new
    files belong to that user (root, the default, is never checked)."""
    if not uid or not hasattr(fs, "credentials"):
        yield
        return
    entry = users.passwd_entry(fs.read_file, str(uid))
    groups = tuple(users.supplementary_groups(fs.read_file, entry[0])) if entry else ()
    saved = fs.credentials
    fs.credentials = Credentials(uid, gid, groups)
    try:
        yield
    finally:
        fs.credentials = saved


def _user_ids(fs: Any, user: str) -> tuple[int, int]:
    """``"name"``, ``"uid"``, ``"name:group"`` or ``"uid:gid"`` as numbers via /etc/passwd and /etc/group."""
    return users.resolve_user(fs.read_file, user)


def exec_in(
    container: Any,
    cmd: str | Sequence[str],
    *,
    environment: Mapping[str, str] | Sequence[str] | None = None,
    workdir: str | None = None,
    user: str | None = None,
    **_ignored: Any,
) -> ExecResult:
    """``docker exec``: run ``cmd`` in a running container (a string runs through ``/bin/sh -c``)."""
    config = container.image.config
    env = config.env_dict()
    if isinstance(environment, Mapping):
        env.update(environment)
    elif environment:
        for item in environment:
            key, _, value = item.partition("=")
            env[key] = value
    try:
        uid, gid = _user_ids(container, user if user is not None else config.user)
    except LookupError as exc:
        return ExecResult(126, f"{exc}\n".encode())
    cwd = workdir or config.working_dir or "/"
    if isinstance(cmd, str):
        argv: list[str] = ["/bin/sh", "-c", cmd]
    else:
        argv = list(cmd)
    result = run_argv(container, argv, env=env, cwd=cwd, uid=uid, gid=gid)
    return ExecResult(result.exit_code, result.output.encode())


def run_container_command(engine: Any, container: Any, remove: bool = False) -> Any:
    """Start ``container``, run its command, record ``output`` and ``exit_code``, stop it.

    This is ``docker run`` for :meth:`ContainerCollection.run`; with ``remove`` the container is
    removed afterwards (``--rm``), its output and exit code stay readable on the object.
    """
    container.start()
    argv = list(container.command or ())
    if not argv:
        output = b"docker: Error response from daemon: no command specified\n"
        status = 125
    else:
        config = container.image.config
        env = config.env_dict()
        if getattr(container, "id", ""):
            env.setdefault("HOSTNAME", container.id[:12])
        try:
            uid, gid = _user_ids(container, config.user)
        except LookupError as exc:
            output, status = f"{exc}\n".encode(), 126
        else:
            result = run_argv(container, argv, env=env, cwd=config.working_dir or "/", uid=uid, gid=gid)
            output, status = result.output.encode(), result.exit_code
    container.output = output
    container.stop(status)
    if remove:
        container.remove()
    return container


def iter_known(prefix: str = "") -> Iterator[str]:
    """Known command names starting with ``prefix`` (for completion in notebooks)."""
    return (n for n in known_commands() if n.startswith(prefix))
