"""The shell's entry points: a RUN line, an exec-form command, ``docker exec`` and ``docker run``.

:func:`run_script` and :func:`run_argv` are what the builder calls for RUN; :func:`exec_in` and
:func:`run_container_command` are the engine's ``exec_run`` and ``containers.run``.  They start a
:class:`~simulator.sh.interp.Shell` in the container as the image's user and collect its output.
"""

from __future__ import annotations

import contextlib
import posixpath
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from simulator.limits import UNLIMITED, Budget, LimitExceeded, Limits, resolve
from simulator.model.container import Container, Credentials
from simulator.model.fs import FileSystem
from simulator.sh.disk import with_quota
from simulator.sh.interp import DEFAULT_PATH, MAX_FUNCTION_DEPTH, MAX_SHELL_DEPTH, Shell, known_commands
from simulator.sh.process import IO, Exit, Shared, Terminal
from simulator.userland import users
from simulator.userland.registry import COMMANDS

__all__ = [
    "COMMANDS", "DEFAULT_PATH", "ExecResult", "ShellResult", "exec_in", "iter_known", "known_commands", "run_argv",
    "run_container_command", "run_script",
]  # fmt: skip


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
        unsimulated: the programs the script ran that are in the container but that layerlab
            does not simulate (``npm``, ``go``, ``python3 app.py``), in the order first met;
            with ``skip_unsimulated`` they succeeded as no-ops.
    """

    exit_code: int
    stdout: str = ""
    stderr: str = ""
    output: str = ""
    unknown_command: str | None = None
    unsimulated: tuple[str, ...] = ()


class ExecResult(NamedTuple):
    """Like the Docker SDK's ``exec_run`` result: exit code and stdout+stderr bytes."""

    exit_code: int
    output: bytes


# ---------------------------------------------------------------------------------- public API
def _top_io(stdin: bytes, shared: Shared) -> tuple[IO, bytearray]:
    if not isinstance(stdin, (bytes, bytearray)):
        raise TypeError(f"stdin must be bytes, not {type(stdin).__name__}")
    log = bytearray()
    return IO(bytes(stdin), Terminal(log, shared.budget), Terminal(log, shared.budget)), log


def _result(status: int, io: IO, log: bytearray, shared: Shared) -> ShellResult:
    result = ShellResult(
        status,
        bytes(io.out).decode("utf-8", "replace"),
        bytes(io.err).decode("utf-8", "replace"),
        bytes(log).decode("utf-8", "replace"),
        shared.unknown,
        tuple(shared.unsimulated),
    )
    object.__setattr__(result, "_raw", bytes(log))
    return result


def _raw_output(result: ShellResult) -> bytes:
    """Both streams as the bytes the command wrote (file names need not be UTF-8)."""
    raw = getattr(result, "_raw", None)
    return raw if isinstance(raw, bytes) else result.output.encode("utf-8", "surrogateescape")


# Python frames per shell function call / nested shell, with room to spare: the shell's own
# depth limits are what stop a runaway recursion, whatever Python's recursion limit is.
_FRAMES_NEEDED = 40 * (MAX_FUNCTION_DEPTH + 2 * MAX_SHELL_DEPTH) + 2000


@contextlib.contextmanager
def _room_to_recurse() -> Iterator[None]:
    before = sys.getrecursionlimit()
    if before >= _FRAMES_NEEDED:
        yield
        return
    sys.setrecursionlimit(_FRAMES_NEEDED)
    try:
        yield
    finally:
        if sys.getrecursionlimit() == _FRAMES_NEEDED:
            sys.setrecursionlimit(before)


def _run(shared: Shared, io: IO, body: Any) -> int:
    """Run ``body()`` as the command: under the baton, with room to recurse; a limit reached
    ends it with the kernel's status and one line on stderr.  KeyboardInterrupt propagates
    (the stop button): what was written stays written, as after a killed process."""
    try:
        with _room_to_recurse(), shared.baton.held():
            return int(body())
    except Exit as exc:
        return exc.status
    except LimitExceeded as exc:
        shared.budget.limits = UNLIMITED  # the kill message itself is not counted
        io.err += f"{exc.message}\n".encode()
        return exc.status


def _check_common(env: Any, cwd: Any, uid: Any, gid: Any) -> None:
    if env is not None and not isinstance(env, Mapping):
        raise TypeError(f"env must be a mapping of str to str, not {type(env).__name__}")
    for key, value in (env or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"env must map str to str; got {key!r}: {value!r}")
    if not isinstance(cwd, str) or not cwd.startswith("/"):
        raise ValueError(f"cwd must be an absolute path, not {cwd!r}")
    for name, value in (("uid", uid), ("gid", gid)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
            raise ValueError(f"{name} must be an int in 0..4294967295, not {value!r}")


def _no_shell_message(path: str = "/bin/sh") -> str:
    return f'exec: "{path}": stat {path}: no such file or directory\n'


def _default_env(fs: FileSystem, env: Mapping[str, str] | None, uid: int) -> dict[str, str]:
    out = dict(env or {})
    out.setdefault("PATH", DEFAULT_PATH)
    if "HOME" not in out:
        entry = users.passwd_entry(fs.read_file, str(uid))
        out["HOME"] = entry[5] if entry is not None and entry[5] else "/"
    return out


def run_script(
    fs: FileSystem,
    script: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: str = "/",
    uid: int = 0,
    gid: int = 0,
    stdin: bytes = b"",
    limits: Limits | None = None,
    skip_unsimulated: bool = False,
) -> ShellResult:
    """Run ``script`` as ``/bin/sh -c script`` in the container ``fs``.

    ``env`` is the process environment (ENV and build args); ``PATH`` defaults to Docker's and
    ``HOME`` to the user's home from ``/etc/passwd``.  The container must have ``/bin/sh``
    (``FROM scratch`` has none: exit status 127 and runc's message).  ``limits`` (default
    :data:`~simulator.limits.DEFAULT_LIMITS`) bounds what the script may use; reaching one ends
    it as the kernel would (137, 152, 153) with a line on stderr saying which.  With
    ``skip_unsimulated`` a program of the container that layerlab does not simulate succeeds as
    a no-op (what a build wants); either way :attr:`ShellResult.unsimulated` names it.

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of range.
        KeyboardInterrupt: the script was interrupted (the container keeps what it wrote).
    """
    if not isinstance(script, str):
        raise TypeError(f"script must be a str, not {type(script).__name__}")
    _check_common(env, cwd, uid, gid)
    shared = Shared(budget=Budget(resolve(limits)), skip_unsimulated=skip_unsimulated)
    io, log = _top_io(stdin, shared)
    if not fs.exists("/bin/sh"):
        io.err += _no_shell_message().encode()
        return _result(127, io, log, shared)
    fs = with_quota(fs, shared.budget.limits.disk)
    shell = Shell(fs, env=_default_env(fs, env, uid), cwd=cwd, uid=uid, gid=gid, shared=shared)
    shell.arg0 = "/bin/sh"  # RUN and a string CMD run ["/bin/sh", "-c", script]: messages say /bin/sh
    work = IO(io.stdin, io.out, io.err)  # `exec >f` changes the script's streams, not the result's
    return _execute(fs, uid, gid, shell, shared, io, log, lambda: shell.run_source(script, work))


def run_argv(
    fs: FileSystem,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str = "/",
    uid: int = 0,
    gid: int = 0,
    stdin: bytes = b"",
    limits: Limits | None = None,
    skip_unsimulated: bool = False,
) -> ShellResult:
    """Run an exec-form command: ``argv[0]`` is looked up on PATH and run without a shell.

    ``["/bin/sh", "-c", script]`` therefore runs the script through the ``sh`` command.
    ``limits`` and ``skip_unsimulated`` as for :func:`run_script`.

    Raises:
        TypeError: ``argv`` is not a sequence of str.
    """
    _check_argv(argv)
    _check_common(env, cwd, uid, gid)
    shared = Shared(budget=Budget(resolve(limits)), skip_unsimulated=skip_unsimulated)
    io, log = _top_io(stdin, shared)
    if not argv:
        io.err += b"exec: no command given\n"
        return _result(127, io, log, shared)
    fs = with_quota(fs, shared.budget.limits.disk)
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
    return _execute(fs, uid, gid, shell, shared, io, log, lambda: shell.exec_external(list(argv), io))


def _execute(
    fs: Any, uid: int, gid: int, shell: Shell, shared: Shared, io: IO, log: bytearray, body: Callable[[], int]
) -> ShellResult:
    """Run ``body`` as the user, then close the files ``exec`` redirections kept open (also
    those a nested ``sh -c 'exec > f ...'`` left), and make the result."""
    with _as_user(fs, uid, gid):
        try:
            status = _run(shared, io, body)
        finally:
            shell.close_files()
    return _result(status, io, log, shared)


def _check_argv(argv: Any) -> None:
    if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence):
        raise TypeError(f"argv must be a list of str, not {type(argv).__name__}")
    for i, arg in enumerate(argv):
        if not isinstance(arg, str):
            raise TypeError(f"argv[{i}] must be a str, not {type(arg).__name__}: {arg!r}")
        if "\0" in arg:
            raise ValueError(f"argv[{i}] contains a NUL byte, which no exec(2) argument can: {arg!r}")


@contextlib.contextmanager
def _as_user(fs: FileSystem, uid: int, gid: int) -> Iterator[None]:
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


def _user_ids(fs: FileSystem, user: str) -> tuple[int, int]:
    """``"name"``, ``"uid"``, ``"name:group"`` or ``"uid:gid"`` as numbers via /etc/passwd and /etc/group."""
    return users.resolve_user(fs.read_file, user)


def exec_in(
    container: Any,
    cmd: str | Sequence[str],
    *,
    environment: Mapping[str, str] | Sequence[str] | None = None,
    workdir: str | None = None,
    user: str | None = None,
    limits: Limits | None = None,
    **_ignored: Any,
) -> ExecResult:
    """``docker exec``: run ``cmd`` in a running container (a string runs through ``/bin/sh -c``).

    Raises:
        TypeError: ``cmd`` is neither a str nor a list of str (as the Docker SDK's API would refuse).
    """
    if not isinstance(cmd, str):
        _check_argv(cmd)
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
    result = run_argv(container, argv, env=env, cwd=cwd, uid=uid, gid=gid, limits=limits)
    return ExecResult(result.exit_code, _raw_output(result))


def run_container_command(
    engine: Any, container: Container, remove: bool = False, limits: Limits | None = None
) -> Container:
    """Start ``container``, run its command, record ``output`` and ``exit_code``, stop it.

    This is ``docker run`` for :meth:`ContainerCollection.run`; with ``remove`` the container is
    removed afterwards (``--rm``), its output and exit code stay readable on the object.
    Interrupted (KeyboardInterrupt), the container stops with exit code 130 as after Ctrl-C,
    and the interrupt propagates.
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
            try:
                result = run_argv(
                    container, argv, env=env, cwd=config.working_dir or "/", uid=uid, gid=gid, limits=limits
                )
            except KeyboardInterrupt:
                container.output = b""
                container.stop(130)  # SIGINT: 128 + 2
                raise
            output, status = _raw_output(result), result.exit_code
    container.output = output
    container.stop(status)
    if remove:
        container.remove()
    return container


def iter_known(prefix: str = "") -> Iterator[str]:
    """Known command names starting with ``prefix`` (for completion in notebooks)."""
    return (n for n in known_commands() if n.startswith(prefix))
