"""The exercises of the runtime lesson: exit codes of ``docker stop``, and limits that fit.

As in :mod:`.checks`, the truth is computed each time (here by running the scene on a fresh
:class:`~simulator.Engine` and its host), so this file does not hold the answers.  A check
never raises on a wrong or missing answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine import Engine
from ..errors import SimulatorError
from ..runtime import parse_bytes
from .feedback import Feedback, blank, missing, right, wrong

__all__ = ["check_limits_fit", "check_stop_exit_codes"]


def check_stop_exit_codes(scene: Callable[[Engine], Any], answer: Any) -> Feedback:
    """``answer`` maps each container of ``scene(engine)`` to its exit code after ``docker stop``."""
    if blank(answer):
        return missing("a dict: container name -> exit code")
    if not isinstance(answer, dict):
        return wrong(f"{answer!r} is not a dict.", 'Write it like {"a": 0, "b": 1}.')
    engine = Engine()
    scene(engine)
    running = [c for c in engine.containers.list() if c.status == "running"]
    names = sorted(c.name for c in running)
    if sorted(answer) != names:
        return wrong(f"Give one exit code for each of {', '.join(names)}.", "Use the names as keys.")
    truth = {}
    for c in running:
        c.stop()
        truth[c.name] = c.exit_code
    off = sorted(n for n in names if answer[n] != truth[n])
    if not off:
        return right("Right: " + ", ".join(f"{n} {truth[n]}" for n in names) + ".")
    return wrong(
        f"Not right for {', '.join(off)}.",
        "docker stop sends SIGTERM; PID 1 gets only the signals it has a handler for. No handler: "
        "nothing happens until the timeout, then SIGKILL (128 + 9). A handler exits with its own "
        "code; an init (--init) forwards SIGTERM and the program dies of it (128 + 15).",
    )


def check_limits_fit(
    run: Any, *, max_memory: int | str = "512m", max_cpus: float = 1.0, seconds: float = 5
) -> Feedback:
    """``run(engine)`` starts a container that has limits (at most these) and survives ``seconds``."""
    if blank(run):
        return missing("a function run(engine) that returns the container it starts")
    if not callable(run):
        return wrong(f"{run!r} is not a function.", "def run_hog(engine): return engine.containers.run(...)")
    engine = Engine()
    try:
        c = run(engine)
    except (SimulatorError, ValueError, TypeError) as exc:
        return wrong(f"Starting it failed: {exc}", "Check the option names: mem_limit=..., cpus=...")
    if not hasattr(c, "resources") or not hasattr(c, "cgroup"):
        return wrong(
            f"{c!r} is not a container.", "Return what engine.containers.run(..., detach=True) gives."
        )
    most = parse_bytes(max_memory, "max_memory")
    res = c.resources
    if not res.memory:
        return wrong("It has no memory limit (memory.max is max).", "Give it mem_limit=...")
    if res.memory > most:
        return wrong(
            f"Its memory limit is {c.cgroup['memory.max']} bytes: more than {max_memory}.",
            "Ask for less, but more than the program really uses.",
        )
    if res.cpu_limit is None or res.cpu_limit > max_cpus:
        return wrong(
            f"Its CPU limit (cpu.max {c.cgroup['cpu.max']}) is not at most {max_cpus:g}.", "cpus=..."
        )
    engine.host.advance(seconds)
    if c.oom_killed:
        return wrong(
            f"It was OOM-killed: memory.max {c.cgroup['memory.max']} is below what it uses.",
            "Read its command: --vm-bytes is what each worker holds. Leave a little room above it.",
        )
    if c.status != "running":
        return wrong(f"It is {c.status} (exit code {c.exit_code}).", "Use detach=True and the command given.")
    cpu = engine.host.stats(c).cpu_percent
    return right(
        f"Right: it runs within memory.max {c.cgroup['memory.max']} and cpu.max {c.cgroup['cpu.max']} "
        f"(CPU {cpu:.0f}%: throttled to its quota)."
    )
