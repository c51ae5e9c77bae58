"""Limits a teacher can set: CPU, memory, disk and output of the commands a container runs.

A :class:`Limits` value says how much one command (a RUN line, an ``exec_run``, a container's
main command) may use; a :class:`Budget` counts what the running command has used and raises
:class:`LimitExceeded` when it reaches a limit.  The shell (:mod:`simulator.sh`) turns that into
what a real system does to the process:

============  ===============================================  ===========  =====================
limit         counts                                           exit status  as on Linux
============  ===============================================  ===========  =====================
``steps``     commands run, loop iterations, function calls    152          ``SIGXCPU`` (``ulimit -t``)
``time``      wall-clock seconds since the command started     152          ``SIGXCPU``
``memory``    bytes the shell holds: variables, here-documents, 137          the OOM killer's
              pipe and redirection buffers, command output                  ``SIGKILL``
``output``    bytes written to the command's stdout + stderr   153          ``SIGXFSZ`` (``ulimit -f``)
``disk``      bytes of file data in the container's writable   --           ``ENOSPC``: the write
              layer                                                         fails, the command goes on
============  ===============================================  ===========  =====================

``None`` switches a limit off.  The defaults (:data:`DEFAULT_LIMITS`) stop a runaway loop in
seconds and keep a notebook's kernel well inside a laptop's memory, yet let a 100,000-step loop
or a package install run.

This module imports only :mod:`simulator.errors`; everything above it may use it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

from simulator.errors import SimulatorError

__all__ = [
    "DEFAULT_LIMITS",
    "UNLIMITED",
    "Budget",
    "InvalidLimits",
    "LimitExceeded",
    "Limits",
    "MiB",
    "coerce",
    "resolve",
]  # fmt: skip

MiB = 1 << 20

HOW_TO_CHANGE = "Limits({field}=...) or engine.limits"


class InvalidLimits(SimulatorError, ValueError):
    """A :class:`Limits` field has the wrong type or a value out of range."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        super().__init__(f"Limits.{field}={value!r}: {reason}")


class LimitExceeded(SimulatorError, RuntimeError):
    """A running command reached one of its :class:`Limits`.

    The shell catches it and ends the command as the kernel would (``status``: 137 for memory,
    152 for CPU, 153 for output); ``message`` is the one line it prints, naming the limit and how
    to change it.

    Attributes:
        resource: ``"steps"``, ``"time"``, ``"memory"`` or ``"output"`` (the :class:`Limits` field).
        limit: the limit's value.
        status: the exit status of the killed command.
    """

    STATUS: ClassVar[dict[str, int]] = {"steps": 152, "time": 152, "memory": 137, "output": 153}

    def __init__(self, resource: str, limit: float) -> None:
        self.resource = resource
        self.limit = limit
        self.status = self.STATUS[resource]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        how = HOW_TO_CHANGE.format(field=self.resource)
        what = {
            "steps": f"CPU limit of {self.limit:,} steps reached",
            "time": f"CPU time limit of {self.limit:g} s reached",
            "memory": f"memory limit {_size(int(self.limit))} reached (out of memory)",
            "output": f"output limit {_size(int(self.limit))} reached",
        }[self.resource]
        return f"layerlab: command killed: {what} ({how})"


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one command may use; ``None`` switches a limit off.

    Attributes:
        steps: commands, loop iterations and function calls the shell may run (deterministic:
            the same script stops at the same place on every machine).
        time: wall-clock seconds the command may run.
        memory: bytes the shell may hold at once (variables, here-documents, pipe and
            redirection buffers, command output not yet consumed).
        disk: bytes of file data the container's writable layer may hold; a write past it fails
            with ``ENOSPC`` ("No space left on device") as on a full disk.
        output: bytes the command may write to its stdout and stderr together.
    """

    steps: int | None = 5_000_000
    time: float | None = 20.0
    memory: int | None = 256 * MiB
    disk: int | None = 1024 * MiB
    output: int | None = 16 * MiB

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            number = (int, float) if f.name == "time" else (int,)
            if isinstance(value, bool) or not isinstance(value, number):
                kind = "a number of seconds" if f.name == "time" else "an int"
                raise InvalidLimits(f.name, value, f"must be {kind} or None (no limit)")
            if value <= 0:
                raise InvalidLimits(f.name, value, "must be positive (None switches the limit off)")

    def but(self, **changes: Any) -> Limits:
        """A copy with some fields changed: ``limits.but(memory=64 * MiB)``."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise InvalidLimits(sorted(unknown)[0], changes[sorted(unknown)[0]], "no such limit")
        return replace(self, **changes)


DEFAULT_LIMITS = Limits()
"""Classroom-safe defaults: 5 M steps, 20 s, 256 MiB of memory, 1 GiB of disk, 16 MiB of output."""

UNLIMITED = Limits(None, None, None, None, None)
"""No limit at all (the Jupyter stop button still works)."""


def resolve(limits: Limits | None) -> Limits:
    """``limits`` checked, or :data:`DEFAULT_LIMITS` for ``None``."""
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise InvalidLimits("limits", limits, "must be a simulator.limits.Limits or None")
    return limits


def coerce(value: Limits | Mapping[str, Any] | None) -> Limits | None:
    """A ``limits=`` argument as the widgets take it: a :class:`Limits`, a mapping of its fields
    (``{"time": 2, "output": 4096}``: the others keep their defaults), or None (the engine's).

    Raises:
        InvalidLimits: an unknown field, a wrong type or value, or something else entirely.
    """
    if value is None or isinstance(value, Limits):
        return value
    if isinstance(value, Mapping):
        return DEFAULT_LIMITS.but(**dict(value))
    raise InvalidLimits(
        "limits", value, "must be a simulator.limits.Limits, a mapping of its fields, or None"
    )


class Budget:
    """What one running command has used so far; shared by its shell, subshells and pipes.

    ``tick()`` counts a step, ``hold(n)`` / ``release(n)`` track memory, ``wrote(n)`` counts
    output; each raises :class:`LimitExceeded` past its limit.  ``stop()`` (from another thread)
    makes the next ``tick()`` raise :class:`KeyboardInterrupt` (or the reason given).
    """

    __slots__ = ("_deadline", "_next_check", "_stop", "held", "limits", "output", "started", "steps")

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = resolve(limits)
        self.steps = 0
        self.held = 0
        self.output = 0
        self.started = time.monotonic()
        self._stop: BaseException | None = None
        self._deadline = None if self.limits.time is None else self.started + self.limits.time
        self._next_check = 256

    def tick(self, n: int = 1) -> None:
        """Count ``n`` steps; check the step and time limits (and an interrupt)."""
        self.steps += n
        if self._stop is not None:
            raise self._stop
        limit = self.limits.steps
        if limit is not None and self.steps > limit:
            raise LimitExceeded("steps", limit)
        if self.steps >= self._next_check:
            self._next_check = self.steps + 256
            self.check_time()

    def check_time(self) -> None:
        """Check the time limit now (long-running commands call this as they go)."""
        if self._stop is not None:
            raise self._stop
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise LimitExceeded("time", self.limits.time or 0)

    def can_hold(self, n: int) -> None:
        """Raise if holding ``n`` more bytes would pass the memory limit (nothing is counted)."""
        limit = self.limits.memory
        if limit is not None and self.held + n > limit:
            raise LimitExceeded("memory", limit)

    def hold(self, n: int) -> None:
        """Count ``n`` more bytes held."""
        self.held += n
        limit = self.limits.memory
        if limit is not None and self.held > limit:
            self.held -= n
            raise LimitExceeded("memory", limit)

    def release(self, n: int) -> None:
        self.held = max(0, self.held - n)

    def wrote(self, n: int) -> None:
        """Count ``n`` bytes of output."""
        self.output += n
        limit = self.limits.output
        if limit is not None and self.output > limit:
            raise LimitExceeded("output", limit)

    def stop(self, reason: BaseException | None = None) -> None:
        """Ask the running command to stop: its next step raises ``reason`` (default
        :class:`KeyboardInterrupt`).  Safe to call from another thread."""
        if self._stop is None:
            self._stop = reason if reason is not None else KeyboardInterrupt()

    @property
    def stopping(self) -> BaseException | None:
        """Why the command is being stopped, or None."""
        return self._stop
