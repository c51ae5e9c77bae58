"""The shell's entry points: a RUN line, an exec-form command, ``docker exec`` and ``docker run``.

:func:`run_script` and :func:`run_argv` are what the builder calls for RUN; :func:`exec_in` and
:func:`run_container_command` are the engine's ``exec_run`` and ``containers.run``.  They start a
:class:`~simulator.sh.interp.Shell` in the container as the image's user and collect its output.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from simulator.model.container import Container, Credentials
from simulator.model.fs import FileSystem
from simulator.sh.interp import DEFAULT_PATH, Shell, known_commands
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


# ---------------------------------------------------------------------------------- public API
def _top_io(stdin: bytes) -> tuple[IO, bytearray]:
    log = bytearray()
    return IO(bytes(stdin), Terminal(log), Terminal(log)), log


def _result(status: int, io: IO, log: bytearray, shared: Shared) -> ShellResult:
    return ShellResult(
        status,
        bytes(io.out).decode("utf-8", "replace"),
        bytes(io.err).decode("utf-8", "replace"),
        bytes(log).decode("utf-8", "replace"),
        shared.unknown,
    )


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
) -> ShellResult:
    """Run ``script`` as ``/bin/sh -c script`` in the container ``fs``.

    ``env`` is the process environment (ENV and build args); ``PATH`` defaults to Docker's and
    ``HOME`` to the user's home from ``/etc/passwd``.  The container must have ``/bin/sh``
    (``FROM scratch`` has none: exit status 127 and runc's message).
    """
    io, log = _top_io(stdin)
    shared = Shared()
    if not fs.exists("/bin/sh"):
        io.err += _no_shell_message().encode()
        return _result(127, io, log, shared)
    shell = Shell(fs, env=_default_env(fs, env, uid), cwd=cwd, uid=uid, gid=gid, shared=shared)
    shell.arg0 = "/bin/sh"  # RUN and a string CMD run ["/bin/sh", "-c", script]: messages say /bin/sh
    with _as_user(fs, uid, gid):
        status = shell.run_source(script, io)
    return _result(status, io, log, shared)


def run_argv(
    fs: FileSystem,
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
    shared = Shared()
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
    except Exit as exc:
        status = exc.status
    return _result(status, io, log, shared)


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


def run_container_command(engine: Any, container: Container, remove: bool = False) -> Container:
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
