# Long module: the Shell class (commands, control flow, redirections, PATH lookup)
# is one object; its expansions are already in expand.py.
"""The RUN shell: a small POSIX ``sh`` that runs against a container's filesystem.

It interprets RUN lines, ``container.exec_run(cmd)`` and ``engine.containers.run(image, cmd)``.
Every file it touches goes through the container's operations (``open``, ``write_file``,
``unlink``, ``rename`` ...), so copy-ups, whiteouts and opaque directories come out as the
kernel's overlayfs makes them, and the same shell runs on the real overlayfs backend.  Its
redirections open their files with the container's ``open`` at the redirection and stream
to them (:mod:`simulator.sh.redirect`).

Behaviour follows busybox ``ash`` (the ``/bin/sh`` of busybox and Alpine images):

- messages are busybox's: the shell's own start with ``$0`` (``/bin/sh: foo: not found``: RUN runs
  ``/bin/sh -c``), a builtin's also name it and the line (``/bin/sh: cd: line 0: can't cd to /x``),
  the utilities' their own (``rm: can't remove 'x': ...``);
- ``echo`` interprets no backslash escapes unless given ``-e`` -- *except* when the image's
  ``/bin/sh`` is a symlink to ``dash`` (Debian, Ubuntu), whose ``echo`` always interprets them
  and knows no ``-e`` (it prints it);
- a command other than a shell builtin must exist on ``$PATH`` in the container (a file or a
  symlink, such as busybox's applet links), else it fails with exit status 127 and
  :attr:`ShellResult.unknown_command` names it; one that exists but is not implemented in
  :data:`~simulator.userland.registry.COMMANDS` is *unsimulated*: recorded in
  :attr:`ShellResult.unsimulated`, and a no-op that succeeds when the caller asked for that
  (``skip_unsimulated``: the builder), else status 127 too;
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
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulator.errors import InvalidPath
from simulator.model.fs import FileHandle, FileSystem
from simulator.model.permissions import Credentials
from simulator.patterns import pattern_regex
from simulator.sh import builtins as shell_builtins
from simulator.sh.expand import Expander
from simulator.sh.parse import (
    AndOr,
    Case,
    For,
    FuncDef,
    Group,
    If,
    Node,
    Pipeline,
    Redirect,
    Seq,
    ShellSyntaxError,
    Simple,
    While,
    heredoc_word,
    parse,
)  # fmt: skip
from simulator.sh.process import IO, Buffer, Exit, Loop, RedirectError, Return, Shared
from simulator.sh.redirect import FileSink, FileSource, WriteFailed, flush_all, open_for, open_reason
from simulator.userland import load_all
from simulator.userland.registry import COMMANDS, ExecContext, NotSimulated
from simulator.userland.streams import BrokenPipe, Pipe, PipeEnd

__all__ = ["ASH_DEFAULT_PATH", "DEFAULT_PATH", "Shell", "known_commands"]

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ASH_DEFAULT_PATH = "/sbin:/usr/sbin:/bin:/usr/bin"  # busybox sh started without PATH sets this one
MAX_FUNCTION_DEPTH = 200  # nested function calls (ash itself recurses until its stack overflows)
MAX_SHELL_DEPTH = 50  # nested `sh -c` / scripts
SOURCE_AMPLIFICATION = 16  # a script's parse tree takes up to this many times its size in memory


def known_commands() -> list[str]:
    """Every command name the shell can run: its builtins and the registered commands."""
    return sorted(set(shell_builtins.BUILTINS) | set(COMMANDS))


# ---------------------------------------------------------------------------------- the shell
class Shell(Expander):
    """One shell process: variables, options, functions, cwd, and the container it runs in."""

    def __init__(
        self,
        fs: FileSystem,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str = "/",
        uid: int = 0,
        gid: int = 0,
        shared: Shared | None = None,
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
        self.shell_depth = 0
        self.var_bytes = 0  # bytes of variable values this process added (held against the memory limit)
        self.shared = shared or Shared()
        self.sinks: list[FileSink] = []  # redirected files with output pending (shared with subshells)
        self.kept: list[FileSink | FileSource] = []  # files `exec` opened: closed when the script ends
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
        child.var_bytes = 0  # fork(2) shares the parent's pages: only the child's own growth counts
        return child

    def reap(self, child: Shell) -> None:
        """A child process ended: the memory its variables held is free again."""
        self.shared.budget.release(child.var_bytes)
        child.var_bytes = 0

    def environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in self.vars.items() if k in self.exported}
        env.update(extra or {})
        return env

    def abspath(self, path: str) -> str:
        return posixpath.normpath(path if path.startswith("/") else posixpath.join(self.cwd, path)).replace(
            "//", "/"
        )

    def context(self, io: IO, env: dict[str, str] | None = None) -> ExecContext:
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
            budget=self.shared.budget,
        )

        def run(
            argv: list[str],
            *,
            env: dict[str, str] | None = None,
            stdin: bytes | PipeEnd | None = None,
            user: tuple[int, int] | None = None,
        ) -> int:
            # env CMD, xargs CMD, find -exec, busybox APPLET, gosu USER CMD: a child process of this shell
            child = self.fork()
            child.cwd = ctx.cwd
            if env is not None:
                child.vars = dict(env)
                child.exported = set(env)
            child_io = IO(ctx.stdin if stdin is None else stdin, ctx.stdout, ctx.stderr)
            saved = getattr(self.fs, "credentials", None)
            if user is not None:  # setuid/setgid before exec (gosu): the model checks as that user
                child.uid, child.gid = user
                if saved is not None:
                    self.fs.credentials = Credentials(user[0], user[1], ())
            try:
                return child.exec_external(list(argv), child_io)
            finally:
                if user is not None and saved is not None:
                    self.fs.credentials = saved
                self.reap(child)

        ctx.run = run
        ctx.shell = lambda argv: shell_builtins.sh_command(self, ctx, argv)
        return ctx

    def error(self, io: IO, message: str) -> None:
        """A message from the shell itself: ``$0: message`` (``/bin/sh: foo: not found``)."""
        self.say(io, f"{self.arg0}: {message}\n")

    def builtin_error(self, io: IO, name: str, message: str) -> None:
        """A builtin's error, which ash prefixes with the builtin and the script line."""
        self.error(io, f"{name}: line {self.lineno}: {message}")

    # -- running --------------------------------------------------------------------------
    def run_source(self, source: str, io: IO) -> int:
        """Parse and run a script; a syntax error is exit status 2 (nothing runs)."""
        self.shared.budget.can_hold(len(source) * SOURCE_AMPLIFICATION)
        try:
            tree = parse(source)
        except RecursionError:  # nesting deeper than Python's stack: ash would say the same
            self.error(io, "syntax error: nested too deeply")
            self.status = 2
            return 2
        except ShellSyntaxError as exc:
            self.error(io, f"syntax error: {exc}")
            self.status = 2
            return 2
        try:
            self.run_seq(tree, io)
        except Exit as exc:
            self.status = exc.status
        except Return as exc:
            self.status = exc.status
        except Loop:
            pass
        return self.status

    def run_seq(self, seq: Seq, io: IO) -> int:
        for item in seq.items:
            self.run_and_or(item, io)
        return self.status

    def run_and_or(self, node: AndOr, io: IO) -> int:
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

    def run_pipeline(self, node: Pipeline, io: IO) -> int:
        if node.negate:
            self.no_errexit += 1
        try:
            if len(node.commands) == 1:
                status = self.run_command(node.commands[0], io)
            else:
                statuses = self._run_stages(node.commands, io)
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
            raise Exit(status)
        return status

    def _run_stages(self, commands: Sequence[Node], io: IO) -> list[int]:
        """The commands of a pipeline, each in a subshell on a thread of its own, joined by
        bounded pipes; they take turns on the baton (see :mod:`simulator.userland.streams`)."""
        baton = self.shared.baton
        budget = self.shared.budget
        n = len(commands)
        pipes = [Pipe(baton) for _ in range(n - 1)]
        statuses = [0] * n
        failures: list[BaseException] = []

        def stage(i: int) -> None:
            with baton.held():
                stdin = io.stdin if i == 0 else PipeEnd(pipes[i - 1])
                child = self.fork()
                try:
                    child.run_command(
                        commands[i], IO(stdin, io.out if i == n - 1 else pipes[i], io.err, io.extra)
                    )
                    statuses[i] = child.status
                except Exit as exc:
                    statuses[i] = exc.status
                except (Return, Loop):
                    statuses[i] = child.status
                except BrokenPipe:
                    statuses[i] = BrokenPipe.STATUS
                except BaseException as exc:  # a limit, an interrupt: the whole command ends
                    failures.append(exc)
                    budget.stop(exc)
                finally:
                    self.reap(child)
                    if i < n - 1:
                        pipes[i].close_writer()
                    if i > 0:
                        PipeEnd(pipes[i - 1]).close()

        threads = [
            threading.Thread(target=stage, args=(i,), name=f"layerlab-pipe-{i}", daemon=True)
            for i in range(n)
        ]
        with baton.held(), baton.released():
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    thread.join()
            except KeyboardInterrupt as exc:  # the stop button: stop every stage, then unwind
                budget.stop(exc)
                for thread in threads:
                    while thread.is_alive():
                        with contextlib.suppress(KeyboardInterrupt):
                            thread.join()
                raise
        if failures:
            raise failures[0]
        return statuses

    def run_command(self, node: Node, io: IO) -> int:
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
        except RedirectError as exc:
            self.error(io, str(exc))
            self.status = 1
            return 1
        try:
            self._dispatch(node, cio)
        finally:
            flush()
        return self.status

    def _dispatch(self, node: Node, io: IO) -> int:
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
                child.run_seq(node.body, IO(io.stdin, io.out, io.err, dict(io.extra)))  # its own exec
            except Exit as exc:
                child.status = exc.status
            except (Return, Loop):
                pass
            finally:
                self.reap(child)
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
                self.shared.budget.tick()
                self.assign(node.var, value, io)
                try:
                    self.run_seq(node.body, io)
                except Loop as loop:
                    if loop.levels > 1:
                        raise Loop(loop.kind, loop.levels - 1) from None
                    if loop.kind == "break":
                        break
            return self.status
        if isinstance(node, While):
            status = 0
            tick = self.shared.budget.tick
            while True:  # no cap on iterations: the limits are on resources (steps, time), not loop shape
                tick()
                self.no_errexit += 1
                try:
                    self.run_seq(node.cond, io)
                finally:
                    self.no_errexit -= 1
                if (self.status == 0) == node.until:
                    break
                try:
                    status = self.run_seq(node.body, io)
                except Loop as loop:
                    if loop.levels > 1:
                        raise Loop(loop.kind, loop.levels - 1) from None
                    if loop.kind == "break":
                        break
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
    def run_simple(self, node: Simple, io: IO) -> int:
        self.shared.budget.tick()
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
                io.err += ("+ " + " ".join(shown) + "\n").encode("utf-8", "surrogateescape")
        with contextlib.suppress(WriteFailed):  # the shell's own messages: a failed write loses them
            self.flush_files()  # what earlier commands wrote is in the files before this one runs
        special = bool(argv) and argv[0] in shell_builtins.SPECIAL and argv[0] not in self.functions
        kept = argv == ["exec"]  # `exec 3> f`: the redirections stay for the rest of the script
        try:
            cio, flush = self.redirect(node.redirects, io, keep=kept)
        except RedirectError as exc:
            self.error(io, str(exc))
            if special:  # POSIX 2.8.1: a special builtin's redirection error ends the shell (ash too)
                raise Exit(1) from None
            return 1
        if kept:
            io.stdin, io.out, io.err, io.extra = cio.stdin, cio.out, cio.err, cio.extra
            return self.status_of_subst
        try:
            if not argv:
                for name, text in assigns:
                    self.assign(name, text, io)
                return self.status_of_subst
            name = argv[0]
            if name in self.functions:
                return self.call_function(name, argv, cio, assigns)
            builtin = shell_builtins.BUILTINS.get(name)
            if builtin is not None:
                return self._run_builtin(builtin, argv, cio, io, assigns)
            return self.exec_external(argv, cio, dict(assigns))
        finally:
            flush()

    def _run_builtin(
        self, builtin: Any, argv: list[str], cio: IO, io: IO, assigns: list[tuple[str, str]]
    ) -> int:
        """A builtin: a failed write to a redirected file is ash's ``sh: write error: ...``, status 1."""
        try:
            if argv[0] in shell_builtins.SPECIAL:
                for n, v in assigns:
                    self.assign(n, v, io)
                status = int(builtin(self, argv, cio))
                self.flush_files()
                return status
            saved = {n: self.vars.get(n) for n, _ in assigns}
            for n, v in assigns:
                self.vars[n] = v
            try:
                status = int(builtin(self, argv, cio))
                self.flush_files()
                return status
            finally:
                for n, old in saved.items():
                    if old is None:
                        self.vars.pop(n, None)
                    else:
                        self.vars[n] = old
        except WriteFailed as exc:
            self.say(cio, f"sh: write error: {exc.strerror}\n")
            return 1

    def call_function(self, name: str, argv: list[str], io: IO, assigns: list[tuple[str, str]]) -> int:
        saved = self.positional
        self.positional = argv[1:]
        for n, v in assigns:
            self.assign(n, v, io)
        self.depth += 1
        self.locals.append({})
        try:
            if self.depth > MAX_FUNCTION_DEPTH:
                self.error(io, f"{name}: function nesting too deep")
                return 2
            self.run_command(self.functions[name], io)
        except Return as ret:
            self.status = ret.status
        except RecursionError:  # Python's own limit is lower than the shell's: the same message
            self.error(io, f"{name}: function nesting too deep")
            self.status = 2
        finally:
            self.depth -= 1
            self.positional = saved
            for var, old in self.locals.pop().items():  # `local` variables get their values back
                if old is None:
                    self.vars.pop(var, None)
                else:
                    self.vars[var] = old
        return self.status

    def assign(self, name: str, value: str, io: IO | None = None) -> None:
        if name in self.readonly:
            if io is not None:
                self.error(io, f"{name}: is read only")
            raise Exit(2)
        grown = len(value) - len(self.vars.get(name) or "")
        if grown > 0:
            self.shared.budget.hold(grown)
            self.var_bytes += grown
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

    def exec_external(self, argv: list[str], io: IO, extra_env: Mapping[str, str] | None = None) -> int:
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
                return self.run_nested(script, [name, *argv[1:]], io, env, from_file=True)
            known = ", ".join(known_commands())
            return self._unsimulated(
                io, name, applet, f"layerlab's shell does not implement this command; it has: {known}"
            )
        ctx = self.context(io, env)
        try:
            status = int(command(ctx, list(argv)))
            self.flush_files()
            return status
        except WriteFailed as exc:  # busybox's applets die on a failed write: `cat: write error: ...`
            with contextlib.suppress(WriteFailed):
                self.flush_files()
            self.say(io, f"{applet}: write error: {exc.strerror}\n")
            return 1
        except Exit as exc:
            return exc.status
        except NotSimulated as exc:
            return self._unsimulated(io, name, applet, str(exc))
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
        if interpreter and posixpath.basename(interpreter[0].decode("utf-8", "replace")) in (
            "sh",
            "ash",
            "dash",
            "bash",
        ):
            return data.decode("utf-8", "surrogateescape")
        return None

    def _unsimulated(self, io: IO, name: str, applet: str, message: str) -> int:
        """A program of the container that layerlab does not simulate: recorded; a no-op that
        succeeds when the caller asked for that (``skip_unsimulated``), else status 127."""
        if applet not in self.shared.unsimulated:
            self.shared.unsimulated.append(applet)
        if self.shared.skip_unsimulated:
            return 0
        self.error(io, f"{name}: {message}")
        self._unknown(applet)
        return 127

    def _unknown(self, name: str) -> None:
        if self.shared.unknown is None:
            self.shared.unknown = name

    # -- redirections ---------------------------------------------------------------------
    def redirect(
        self, redirects: Sequence[Redirect], io: IO, *, keep: bool = False
    ) -> tuple[IO, Callable[[], None]]:
        """A new ``IO`` with the redirections applied, and the function that closes their files
        (``keep``: they stay open until the script ends, as after ``exec 3> f``).

        Each file is opened here, in order, with the container's ``open`` (see
        :mod:`simulator.sh.redirect`); when one fails, those already opened are closed and
        :class:`RedirectError` carries the shell's message (nothing runs).
        """
        if not redirects:
            return io, _nothing
        new = IO(io.stdin, io.out, io.err, dict(io.extra))
        opened: list[FileSink | FileSource] = []

        def set_fd(n: int, stream: bytearray) -> None:
            if n == 1:
                new.out = stream
            elif n == 2:
                new.err = stream
            else:
                new.extra[n] = stream

        try:
            for r in redirects:
                self._apply(r, io, new, opened, set_fd)
        except BaseException:
            for stream in opened:
                with contextlib.suppress(OSError, WriteFailed):
                    stream.close()
            raise
        if keep:
            self.kept.extend(opened)
            return new, _nothing

        def finish() -> None:
            failure: WriteFailed | None = None
            for stream in opened:
                try:
                    stream.close()
                except WriteFailed as exc:
                    failure = failure or exc
                except OSError:
                    pass
            if failure is not None:  # data written by a compound command after its last command
                self.say(io, f"sh: write error: {failure.strerror}\n")

        return new, finish

    def _apply(
        self,
        r: Redirect,
        io: IO,
        new: IO,
        opened: list[FileSink | FileSource],
        set_fd: Callable[[int, bytearray], None],
    ) -> None:
        if r.op == "<<":
            assert r.heredoc is not None
            body = r.heredoc.body
            if r.heredoc.expand:
                body = self.expand_single(heredoc_word(body), io)
            self.shared.budget.can_hold(len(body))
            if r.fd == 0:
                new.stdin = body.encode("utf-8", "surrogateescape")
            return
        target = self.expand_single(r.target, io)
        if r.op in (">&", "<&"):
            if target == "-":  # close: fd 1 and 2 lose their output, others are gone
                if r.fd in (1, 2):
                    set_fd(r.fd, bytearray())
                else:
                    new.extra.pop(r.fd, None)
                return
            if not target.isdigit():
                if r.op == ">&":  # `>& file` / `&> file` (bash's; ash reads it as a file name too)
                    sink = self._open_sink(target, ">&", opened)
                    set_fd(1, sink)
                    set_fd(2, sink)
                    return
                raise RedirectError(f"{target}: Bad file descriptor")
            source = int(target)
            if r.fd == 0 or r.op == "<&":
                if source != 0:
                    stream = new.extra.get(source)
                    if not isinstance(stream, _Reader):
                        raise RedirectError(f"{source}: Bad file descriptor")
                    new.stdin = stream.source
                return
            dup = new.fd(source)
            if dup is None:
                raise RedirectError(f"{source}: Bad file descriptor")
            set_fd(r.fd, dup)
            return
        if r.op == "&>":  # stdout and stderr to one file (busybox ash, bash)
            both: bytearray = (
                _DEVICES[target](new) if target in _DEVICES else self._open_sink(target, ">&", opened)
            )
            set_fd(1, both)
            set_fd(2, both)
            return
        if target in _DEVICES and r.op != "<":
            set_fd(r.fd, _DEVICES[target](new))
            if r.fd == 0 and r.op == "<>":
                new.stdin = b""
            return
        if r.op in ("<", "<>"):
            if r.op == "<" and target == "/dev/null":
                source_stream: FileSource | bytes = b""
            else:
                source_stream = self._open_source(target, r.op, opened)
            if r.fd == 0:
                new.stdin = source_stream
            elif isinstance(source_stream, FileSource):
                new.extra[r.fd] = _Reader(source_stream)
            return
        set_fd(r.fd, self._open_sink(target, r.op, opened))

    def _open(self, target: str, op: str) -> FileHandle:
        path = self.abspath(target)
        noclobber = "C" in self.options
        try:
            handle = open_for(self.fs, path, op, noclobber=noclobber, perms=0o666 & ~self.umask)
        except OSError as exc:
            verb = "open" if op == "<" else "create"
            raise RedirectError(f"can't {verb} {target}: {open_reason(exc, reading=op == '<')}") from None
        except InvalidPath as exc:  # a NUL in the name: no system call could even be made
            verb = "open" if op == "<" else "create"
            raise RedirectError(f"can't {verb} {target}: {exc.reason}") from None
        return handle

    def _open_sink(self, target: str, op: str, opened: list[FileSink | FileSource]) -> FileSink:
        sink = FileSink(self._open(target, op), self.shared.budget, self.sinks)
        opened.append(sink)
        return sink

    def _open_source(self, target: str, op: str, opened: list[FileSink | FileSource]) -> FileSource:
        source = FileSource(self._open(target, op))
        opened.append(source)
        return source

    def say(self, io: IO, text: str) -> None:
        """Write the shell's own message to stderr; a stderr that cannot be written loses it."""
        with contextlib.suppress(WriteFailed):
            io.err += text.encode("utf-8", "surrogateescape")

    def flush_files(self) -> None:
        """Hand every redirection's pending output to its file (before a command runs, at the end)."""
        flush_all(self.sinks)

    def close_files(self) -> None:
        """The end of the script: the files that ``exec`` redirected are written out and closed."""
        for stream in [*self.sinks, *self.kept]:
            with contextlib.suppress(WriteFailed, OSError):
                stream.close()
        self.kept.clear()

    def command_substitution(self, source: str, io: IO) -> str:
        child = self.fork()
        out = Buffer(self.shared.budget)
        try:
            status = child.run_source(source, IO(b"", out, io.err, io.extra))
        finally:
            self.reap(child)
            out.done()
        self.status_of_subst = status
        self.status = status
        return out.decode("utf-8", "surrogateescape").rstrip("\n")

    status_of_subst = 0

    def run_nested(
        self,
        script: str,
        args: list[str],
        io: IO,
        env: Mapping[str, str],
        options: str = "",
        *,
        from_file: bool = False,
    ) -> int:
        """A child ``sh`` process running ``script`` with ``$0`` = args[0] (env = its environment).

        ``from_file``: the script was read from a file (``sh file``, ``./script``), not given with
        ``-c``; it changes how ash numbers lines in messages.
        """
        child = Shell(self.fs, env=env, cwd=self.cwd, uid=self.uid, gid=self.gid, shared=self.shared)
        child.umask = self.umask
        child.sinks = self.sinks
        child.kept = self.kept
        child.arg0 = args[0] if args else "sh"
        child.line_base = 1 if from_file else 0
        child.positional = list(args[1:])
        child.options = set(options)
        if self.shell_depth >= MAX_SHELL_DEPTH:
            self.error(io, "too many nested shells")
            return 2
        child.shell_depth = self.shell_depth + 1
        child.depth = self.depth
        try:
            return child.run_source(script, IO(io.stdin, io.out, io.err, dict(io.extra)))  # its own exec
        finally:
            self.shared.budget.release(child.var_bytes)


def _quote(text: str) -> str:
    if text and all(c.isalnum() or c in "@%+=:,./-_" for c in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _flavor(fs: FileSystem) -> str:
    """``dash`` when /bin/sh is dash (Debian/Ubuntu), else ``busybox`` (ash)."""
    try:
        target = fs.readlink("/bin/sh")
    except (OSError, ValueError, AttributeError):
        return "busybox"
    return "dash" if "dash" in posixpath.basename(target) else "busybox"


load_all()  # every command family registers its commands once; a broken family fails here, loudly


def _nothing() -> None:
    """No redirection: nothing to close."""


class _Reader(bytearray):
    """A descriptor opened for reading (``exec 3< f``), kept among the output descriptors:
    ``<&3`` reads it, and a write to it fails with EBADF as on Linux."""

    def __init__(self, source: FileSource) -> None:
        super().__init__()
        self.source = source

    def __iadd__(self, data: Any) -> _Reader:  # type: ignore[misc]
        raise WriteFailed(OSError(errno.EBADF, os.strerror(errno.EBADF)))

    def extend(self, data: Any) -> None:
        self.__iadd__(data)


#: The device files the shell itself answers (containers' /dev is the runtime's, not the image's).
_DEVICES: dict[str, Callable[[IO], bytearray]] = {
    "/dev/null": lambda io: bytearray(),
    "/dev/zero": lambda io: bytearray(),
    "/dev/stdout": lambda io: io.out,
    "/dev/fd/1": lambda io: io.out,
    "/proc/self/fd/1": lambda io: io.out,
    "/dev/stderr": lambda io: io.err,
    "/dev/fd/2": lambda io: io.err,
    "/proc/self/fd/2": lambda io: io.err,
}
