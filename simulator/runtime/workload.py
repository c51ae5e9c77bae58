"""What a container's main process does over time: a deterministic workload model.

A :class:`Workload` says how many CPUs the process keeps busy, how much memory it holds (reached
after ``ramp`` seconds), its page cache, its processes, how long it runs and how it exits.  It is
either given explicitly (what-if lessons: ``Workload(cpu=2, memory="300m")``) or read from the
container's command by :func:`workload_for`, which knows the long-running programs of the
classroom: ``sleep``, ``stress`` and ``stress-ng`` (with their flags), ``tail -f``.  Any
other command is short-lived: it runs once in the RUN shell and its output is the container's log.

Program facts (from the programs' manuals and sources, ``stress(1)``, ``stress-ng(1)``):

* ``stress --cpu N --vm M --vm-bytes B --timeout T``: N workers spinning on ``sqrt()``, M workers
  each holding B bytes (default 256M) and touching them (they spin too), one parent: N + M + 1
  processes; after T it prints ``successful run completed`` and exits 0.  When the OOM killer
  kills a worker, the parent reports ``<-- worker P got signal 9`` and exits 1.
* ``stress-ng`` takes the same flags (``--vm-bytes`` is per worker, default 256M); its vm
  workers killed by the OOM killer are restarted, so the run goes on.
* ``sleep``, ``stress``, ``stress-ng`` install no SIGTERM handler: as PID 1 they ignore
  ``docker stop``'s SIGTERM (see :mod:`~simulator.runtime.process`).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InvalidResource
from .resources import parse_bytes

__all__ = ["Workload", "parse_duration", "workload_for"]

_MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Workload:
    """A process's demands, deterministic in time.

    Args:
        cpu: CPUs it keeps busy when nothing holds it back (2.0 = two spinning threads).
        memory: anonymous bytes it holds once ramped up (``"300m"`` or an int).
        ramp: seconds to grow linearly from 0 to ``memory``.
        file_cache: page-cache bytes (files it reads): counted in ``memory.current``, reclaimed
            before any OOM kill, subtracted by ``docker stats``.
        pids: processes (threads count too) it runs.
        duration: seconds until it exits by itself; ``None``: runs until stopped.
        exit_code: its exit status when it ends by itself.
        output: what it prints at start (the container's log).
        end_output: what it prints when it ends by itself.
        traps: signal numbers it has a handler for (it then exits with ``trap_exit_code``).
        trap_exit_code: exit status after a handled signal.
        oom_victim: ``"main"`` (the OOM killer kills PID 1: exit 137) or ``"worker"`` (a child
            is killed; the main process goes on, see ``worker_oom``).
        worker_oom: ``"exit"`` (the parent exits with ``worker_oom_exit_code``, as ``stress``) or
            ``"respawn"`` (the worker is started again, as ``stress-ng``).
    """

    cpu: float = 0.0
    memory: int | str = 0
    ramp: float = 0.0
    file_cache: int | str = 0
    pids: int = 1
    duration: float | None = None
    exit_code: int = 0
    output: bytes = b""
    end_output: bytes = b""
    traps: frozenset[int] = frozenset()
    trap_exit_code: int = 0
    oom_victim: str = "main"
    worker_oom: str = "exit"
    worker_oom_exit_code: int = 1
    worker_oom_output: bytes = b""
    name: str = "workload"
    memory_bytes: int = field(init=False, default=0)
    file_cache_bytes: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "memory_bytes", parse_bytes(self.memory, "memory"))
        object.__setattr__(self, "file_cache_bytes", parse_bytes(self.file_cache, "file_cache"))
        if self.cpu < 0:
            raise InvalidResource("cpu", self.cpu, "must not be negative")
        if self.memory_bytes < 0 or self.file_cache_bytes < 0:
            raise InvalidResource("memory", self.memory, "must not be negative")
        if self.ramp < 0:
            raise InvalidResource("ramp", self.ramp, "must not be negative")
        if self.duration is not None and self.duration < 0:
            raise InvalidResource("duration", self.duration, "must not be negative (None: until stopped)")
        if self.pids < 1:
            raise InvalidResource("pids", self.pids, "a process is at least one pid")
        if self.oom_victim not in ("main", "worker"):
            raise InvalidResource("oom_victim", self.oom_victim, "use 'main' or 'worker'")
        if self.worker_oom not in ("exit", "respawn"):
            raise InvalidResource("worker_oom", self.worker_oom, "use 'exit' or 'respawn'")

    def memory_at(self, elapsed: float) -> int:
        """Anonymous memory after ``elapsed`` seconds of running."""
        if self.ramp <= 0 or elapsed >= self.ramp:
            return self.memory_bytes
        return int(self.memory_bytes * elapsed / self.ramp)


def parse_duration(text: str, field_name: str = "timeout") -> float:
    """``stress``'s ``--timeout``: ``10``, ``10s``, ``2m``, ``1h``, ``1d``, ``1y``."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 31536000}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        value = float(number)
    except ValueError:
        raise InvalidResource(field_name, text, "give seconds, or a number with s, m, h, d or y") from None
    if value < 0:
        raise InvalidResource(field_name, text, "must not be negative")
    return value * units[unit]


_STRESS_FLAGS = {
    "-c": "cpu",
    "--cpu": "cpu",
    "-m": "vm",
    "--vm": "vm",
    "-i": "io",
    "--io": "io",
    "-d": "hdd",
    "--hdd": "hdd",
    "--vm-bytes": "vm-bytes",
    "-t": "timeout",
    "--timeout": "timeout",
}


def _stress(argv: Sequence[str], program: str) -> Workload:
    counts = {"cpu": 0, "vm": 0, "io": 0, "hdd": 0}
    vm_bytes = 256 * _MIB
    timeout: float | None = None
    args = list(argv[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        key, eq, inline = arg.partition("=")
        name = _STRESS_FLAGS.get(key if eq else arg)
        if name is None:
            i += 1  # flags the model does not need (-v, --vm-keep, --metrics ...)
            continue
        if eq:
            value = inline
        else:
            if i + 1 >= len(args):
                raise InvalidResource(program, arg, "this option needs a value")
            value = args[i + 1]
            i += 1
        i += 1
        if name in counts:
            if not value.isdigit():
                raise InvalidResource(
                    program, f"{arg} {value}", "the number of workers must be a whole number"
                )
            counts[name] = int(value)
        elif name == "vm-bytes":
            vm_bytes = parse_bytes(value.lower(), f"{program} --vm-bytes")
        else:
            timeout = parse_duration(value, f"{program} --timeout")
    workers = sum(counts.values())
    if program == "stress" and workers == 0:
        return Workload(
            name="stress",
            duration=0,
            exit_code=1,
            output=b"`stress' imposes certain types of compute stress on your system\n",
        )
    dispatch = f"{counts['cpu']} cpu, {counts['io']} io, {counts['vm']} vm, {counts['hdd']} hdd"
    if program == "stress":
        out = f"stress: info: [1] dispatching hogs: {dispatch}\n".encode()
        end = f"stress: info: [1] successful run completed in {int(timeout or 0)}s\n".encode()
        oom_out = (
            b"stress: FAIL: [1] (415) <-- worker 7 got signal 9\n"
            b"stress: WARN: [1] (417) now reaping child worker processes\n"
            b"stress: FAIL: [1] (451) failed run completed\n"
        )
    else:
        out = f"stress-ng: info:  [1] dispatching hogs: {dispatch}\n".encode()
        end = b"stress-ng: info:  [1] successful run completed\n"
        oom_out = b"stress-ng: info:  [1] vm: assuming killed by OOM killer, restarting again\n"
    return Workload(
        name=program,
        cpu=float(counts["cpu"] + counts["vm"]),  # vm workers touch their pages in a loop: busy too
        memory=counts["vm"] * vm_bytes,
        ramp=0.5 if counts["vm"] else 0.0,
        pids=1 + workers,
        duration=timeout,
        output=out,
        end_output=end,
        oom_victim="worker" if counts["vm"] else "main",
        worker_oom="exit" if program == "stress" else "respawn",
        worker_oom_exit_code=1,
        worker_oom_output=oom_out,
    )


def workload_for(argv: Sequence[str] | None) -> Workload | None:
    """The workload of a long-running command, or ``None`` for a command that runs once.

    ``sh -c "stress --cpu 2"`` is read as ``stress --cpu 2`` (the shell execs its last command).
    """
    if not argv:
        return None
    args = list(argv)
    if len(args) == 3 and args[0] in ("/bin/sh", "sh", "/bin/bash", "bash") and args[1] == "-c":
        text = args[2]
        if any(ch in text for ch in ";|&<>`$(){}"):
            return None  # a script: the shell runs it once
        try:
            args = shlex.split(text)
        except ValueError:
            return None
        if not args:
            return None
    program = args[0].rsplit("/", 1)[-1]
    if program == "sleep":
        if len(args) != 2:
            return None
        if args[1] == "infinity":
            return Workload(name="sleep")
        return Workload(name="sleep", duration=parse_duration(args[1], "sleep"))
    if program in ("stress", "stress-ng"):
        return _stress(args, program)
    if program == "tail" and "-f" in args:
        return Workload(name="tail")
    return None
