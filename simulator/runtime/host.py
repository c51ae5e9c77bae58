"""A host: CPUs, memory and disk, and the containers' main processes on it, on a logical clock.

``host.advance(seconds)`` moves time forward in steps of one CFS period (100 ms).  At each step,
for every running container:

* memory: its workload's anonymous memory at that age; page cache fills what the limit leaves
  and is reclaimed first; anonymous memory over ``memory.max`` (plus the swap the host has and
  ``memory.swap.max`` allows) calls the OOM killer: SIGKILL, exit 137, ``OOMKilled``; a workload
  whose workers are the victims (``stress --vm``) loses a worker instead;
* CPU: each gets what it asks, capped at its quota (``cpu.max``) - a container asking more is
  *throttled* (``cpu.stat``: ``nr_throttled``, ``throttled_usec``); when the host's CPUs are
  all taken, they are shared in proportion to ``cpu.weight`` (CFS);
* when the sum of memory exceeds the host's memory (+ swap), the host's OOM killer kills the
  container using the most, whatever its limits: Docker admits every container (limits are
  caps, not reservations), the kernel sorts it out later;
* a workload that ends exits with its code; a restart policy brings the container back after
  Docker's back-off (:mod:`~simulator.runtime.restart`).

Everything is deterministic: the same lesson gives the same numbers on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import ContainerNotFound, ContainerStateError, InvalidResource, WaitTimeout
from . import process as _process
from .resources import WEIGHT_DEFAULT, Resources, cpu_weight, parse_bytes
from .restart import RestartPolicy, next_delay
from .stats import Stats, cpu_percent, mem_percent, mem_usage, stats_table
from .workload import Workload

__all__ = ["TICK_MS", "Host", "HostedContainer", "ProcessState", "Runner"]

TICK_MS = 100  # one step = one default CFS period
# A runner starts the container, runs its command once and leaves it exited: (exit code, output).
Runner = Callable[[Any], tuple[int, bytes]]


class HostedContainer(Protocol):
    """What the host needs of a container (:class:`simulator.model.container.Container` has it)."""

    id: str
    name: str
    output: bytes
    exit_code: int | None
    oom_killed: bool
    restart_count: int
    resources: Resources
    restart_policy: RestartPolicy
    runtime: Any

    @property
    def status(self) -> str: ...

    def start(self) -> Any: ...

    def mark_running(self) -> Any: ...

    def stop(self, exit_code: int | None = None, *, timeout: int | None = None) -> Any: ...

    def mark_restarting(self) -> None: ...


@dataclass(eq=False)
class ProcessState:
    """The runtime side of one container on a host: its process and its cgroup counters."""

    container: HostedContainer
    workload: Workload | None
    runner: Runner | None
    init: bool = False
    stop_signal: int = 15
    stop_timeout: int = _process.DEFAULT_STOP_TIMEOUT
    started_ms: int = 0
    running: bool = False
    anon: int = 0
    cache: int = 0
    cpu_ns: int = 0  # cpu.stat usage_usec × 1000 (docker's cpu_usage.total_usage)
    nr_periods: int = 0
    nr_throttled: int = 0
    throttled_usec: int = 0
    oom_events: int = 0  # memory.events "oom"
    oom_kills: int = 0  # memory.events "oom_kill"
    worker_restarted_ms: int | None = None  # a respawned worker ramps up again from here
    restart_at_ms: int | None = None
    delay: float = 0.0
    manually_stopped: bool = False
    launching: bool = False  # the runner is starting it (its start() is the state change only)
    second_sample: tuple[int, int] = (0, 0)  # (cpu_ns, system_ns) at the previous whole second
    last_sample: tuple[int, int] = (0, 0)
    events: list[str] = field(default_factory=list)

    @property
    def pids(self) -> int:
        return (self.workload.pids if self.workload else 1) if self.running else 0


class Host:
    """A machine with ``cpus``, ``memory``, ``disk`` (and optional ``swap``) running containers.

    Examples:
        >>> host = Host(cpus=4, memory="8g")
        >>> host.memory
        8589934592
    """

    def __init__(
        self,
        cpus: int = 4,
        memory: int | str = "8g",
        disk: int | str = "64g",
        swap: int | str = 0,
        name: str = "host",
    ) -> None:
        if isinstance(cpus, bool) or not isinstance(cpus, int) or cpus < 1:
            raise InvalidResource("cpus", cpus, "a host has a whole number of CPUs, at least 1")
        self.cpus = cpus
        self.memory = parse_bytes(memory, "memory")
        self.disk = parse_bytes(disk, "disk")
        self.swap = parse_bytes(swap, "swap")
        if self.memory <= 0:
            raise InvalidResource("memory", memory, "a host has some memory")
        self.name = name
        self.now_ms = 0
        self._procs: dict[int, ProcessState] = {}  # id(container) -> its state, in start order
        self.log: list[tuple[float, str, str]] = []  # (seconds, container name, event)

    # ------------------------------------------------------------------ bookkeeping
    @property
    def now(self) -> float:
        """Seconds since the host booted (the logical clock of the processes)."""
        return self.now_ms / 1000

    def _event(self, st: ProcessState, text: str) -> None:
        st.events.append(text)
        self.log.append((self.now, st.container.name, text))

    def state_of(self, container: HostedContainer) -> ProcessState:
        st = self._procs.get(id(container))
        if st is None:
            raise ContainerNotFound(f"container {container.name} was never started on host {self.name}")
        return st

    def containers(self) -> list[HostedContainer]:
        return [st.container for st in self._procs.values()]

    # ------------------------------------------------------------------ start
    def start(
        self,
        container: HostedContainer,
        *,
        workload: Workload | None = None,
        runner: Runner | None = None,
        init: bool = False,
        stop_signal: int | str = "SIGTERM",
        stop_timeout: int | None = None,
    ) -> ProcessState:
        """Start ``container``'s main process: ``workload`` (long-running) or ``runner`` (runs once).

        Docker admits it whatever the host already runs.
        """
        if workload is None and runner is None:
            raise TypeError("give the process: a workload, or a runner that runs the command once")
        signal = _process.parse_signal(stop_signal or "SIGTERM", "stop_signal")
        timeout = _process.DEFAULT_STOP_TIMEOUT if stop_timeout is None else stop_timeout
        st = self._procs.get(id(container))
        if st is None:
            st = ProcessState(container, workload, runner, init, signal, timeout)
            self._procs[id(container)] = st
        else:
            st.workload, st.runner, st.init, st.stop_signal, st.stop_timeout = (
                workload,
                runner,
                init,
                signal,
                timeout,
            )
        st.manually_stopped = False
        st.delay = 0.0
        container.runtime = self
        self._launch(st)
        return st

    def _launch(self, st: ProcessState) -> None:
        c = st.container
        st.restart_at_ms = None
        st.started_ms = self.now_ms
        st.anon = st.cache = 0
        st.worker_restarted_ms = None
        self._event(st, "start")
        w = st.workload
        if w is None:
            assert st.runner is not None
            before = c.output
            st.launching = True
            try:
                code, output = st.runner(c)  # it starts the container and leaves it exited
            finally:
                st.launching = False
            c.output = before + output
            self._exit(st, code, stopped=True)
            return
        c.mark_running()
        st.running = True
        c.output += w.output
        limit = c.resources.pids_limit
        if limit > 0 and w.pids > limit:
            c.output += f"{w.name}: fork: Resource temporarily unavailable (pids.max is {limit})\n".encode()
            self._exit(st, 1)
            return
        if w.duration == 0:
            c.output += w.end_output
            self._exit(st, w.exit_code)

    def start_again(self, container: HostedContainer) -> None:
        """``docker start`` of a container this host ran: its main process runs again."""
        st = self.state_of(container)
        if st.launching:
            container.mark_running()
            return
        if st.running:
            return  # docker start of a running container does nothing
        st.manually_stopped = False
        st.delay = 0.0
        self._launch(st)

    # ------------------------------------------------------------------ exits and restarts
    def _exit(self, st: ProcessState, code: int, stopped: bool = False) -> None:
        c = st.container
        st.running = False
        st.anon = st.cache = 0
        ran_for = (self.now_ms - st.started_ms) / 1000
        if not stopped:
            c.stop(code)
        self._event(st, f"die {code}")
        if c.restart_policy.should_restart(code, c.restart_count, st.manually_stopped):
            st.delay = next_delay(st.delay, ran_for)
            st.restart_at_ms = self.now_ms + round(st.delay * 1000)
            c.restart_count += 1
            c.mark_restarting()
            self._event(st, f"restart in {st.delay:g}s")

    def _oom_kill(self, st: ProcessState, why: str) -> None:
        c = st.container
        st.oom_kills += 1
        c.oom_killed = True  # container-wide and sticky until the next start (moby#43564)
        self._event(st, f"oom-kill ({why})")
        w = st.workload
        if w is not None and w.oom_victim == "worker":
            if w.worker_oom == "respawn":
                st.worker_restarted_ms = self.now_ms
                st.anon = 0
                c.output += w.worker_oom_output
                return
            c.output += w.worker_oom_output
            self._exit(st, w.worker_oom_exit_code)
            return
        self._exit(st, _process.exit_code_of(9))

    # ------------------------------------------------------------------ time
    def advance(self, seconds: float) -> Host:
        """Move the host's clock ``seconds`` forward (rounded to 100 ms steps)."""
        if seconds < 0:
            raise InvalidResource("seconds", seconds, "time only goes forward")
        for _ in range(round(seconds * 1000 / TICK_MS)):
            self._tick()
        return self

    def _tick(self) -> None:
        self.now_ms += TICK_MS
        for key, st in list(self._procs.items()):
            if st.container.status == "removed":  # docker rm -f: the process and its cgroup are gone
                del self._procs[key]
                continue
            if (
                st.restart_at_ms is not None
                and st.restart_at_ms <= self.now_ms
                and st.container.status == "restarting"
            ):
                self._event(st, "restarting")
                self._launch(st)
        running = [st for st in self._procs.values() if st.running and st.workload is not None]
        for st in running:
            self._memory_step(st)
        self._host_oom()
        running = [st for st in running if st.running]
        self._cpu_step(running)
        for st in running:
            w = st.workload
            assert w is not None
            if (
                st.running
                and w.duration is not None
                and self.now_ms - st.started_ms >= round(w.duration * 1000)
            ):
                st.container.output += w.end_output
                self._exit(st, w.exit_code)
        if self.now_ms % 1000 == 0:
            for st in self._procs.values():
                st.second_sample = st.last_sample
                st.last_sample = (st.cpu_ns, self._system_ns())

    def _memory_step(self, st: ProcessState) -> None:
        w = st.workload
        assert w is not None
        since = st.worker_restarted_ms if st.worker_restarted_ms is not None else st.started_ms
        st.anon = w.memory_at((self.now_ms - since) / 1000)
        res = st.container.resources
        limit = res.memory if res.memory else self.memory
        swap_room = 0
        if self.swap and res.memory:
            total = res.swap_total
            swap_room = self.swap if total < 0 else min(self.swap, total - res.memory)
        if res.memory and st.anon > limit + swap_room:
            st.oom_events += 1
            self._oom_kill(st, f"memory.max {res.memory}")
            return
        st.cache = max(0, min(w.file_cache_bytes, limit - st.anon))

    def _host_oom(self) -> None:
        while True:
            running = [st for st in self._procs.values() if st.running]
            if sum(st.anon for st in running) <= self.memory + self.swap:
                return
            victim = max(running, key=lambda s: s.anon)  # oom_score: the biggest resident set
            self._oom_kill(victim, f"host memory {self.memory}")

    def _cpu_step(self, running: list[ProcessState]) -> None:
        want: dict[int, float] = {}
        for st in running:
            w = st.workload
            assert w is not None
            cap = st.container.resources.cpu_limit
            want[id(st)] = min(w.cpu, cap) if cap is not None else w.cpu
        got = _share(self.cpus, [(id(st), want[id(st)], _weight(st)) for st in running])
        for st in running:
            w = st.workload
            assert w is not None
            used = got[id(st)]
            st.cpu_ns += round(used * TICK_MS * 1_000_000)
            res = st.container.resources
            periods = max(1, round(TICK_MS * 1000 / res.period))
            st.nr_periods += periods
            cap = res.cpu_limit
            if cap is not None and w.cpu > cap:
                st.nr_throttled += periods
                # the threads run together until the quota is spent, then wait for the next period
                st.throttled_usec += round(periods * res.period * (1 - cap / w.cpu))

    def _system_ns(self) -> int:
        return self.now_ms * 1_000_000 * self.cpus

    # ------------------------------------------------------------------ signals
    def kill(self, container: HostedContainer, signal: int | str = "SIGKILL") -> None:
        """``docker kill [-s SIGNAL]``: deliver ``signal`` to the main process."""
        st = self.state_of(container)
        sig = _process.parse_signal(signal)
        if not st.running:
            raise ContainerStateError(f"cannot kill container {container.name}: container is not running")
        if sig in (9, st.stop_signal):
            st.manually_stopped = True  # moby kill.go: ExitOnNext cancels the restart manager
        self._deliver(st, sig)

    def _deliver(self, st: ProcessState, sig: int) -> bool:
        """Deliver ``sig``; True if the process ended."""
        w = st.workload
        if sig == 9:
            self._event(st, "kill SIGKILL")
            self._exit(st, _process.exit_code_of(9))
            return True
        if w is not None and sig in w.traps:
            self._event(st, f"kill {_process.signal_name(sig)} (handled)")
            self._exit(st, w.trap_exit_code)
            return True
        if sig in _process.NOT_FATAL:
            self._event(st, f"kill {_process.signal_name(sig)} (default action: not fatal)")
            return False
        if st.init:
            self._event(st, f"kill {_process.signal_name(sig)} (init forwards it)")
            self._exit(st, _process.exit_code_of(sig))
            return True
        self._event(st, f"kill {_process.signal_name(sig)} (ignored: PID 1 without a handler)")
        return False

    def stop(self, container: HostedContainer, timeout: int | None = None) -> None:
        """``docker stop``: the stop signal, then SIGKILL after ``timeout`` s (default 10)."""
        st = self.state_of(container)
        st.manually_stopped = True
        if container.status == "restarting":
            st.restart_at_ms = None
            container.stop(container.exit_code or 0)  # the pending restart is cancelled
            return
        if not st.running:
            return  # docker stop of a stopped container succeeds
        wait_s = st.stop_timeout if timeout is None else timeout
        if self._deliver(st, st.stop_signal):
            return
        if wait_s < 0:
            raise ContainerStateError(
                f"container {container.name} ignores {_process.signal_name(st.stop_signal)} and timeout=-1 "
                "waits forever; give a timeout or kill it"
            )
        deadline = self.now_ms + wait_s * 1000
        while st.running and self.now_ms < deadline:
            self._tick()
        if st.running:
            self._event(st, f"no exit within {wait_s}s: SIGKILL")
            self._deliver(st, 9)

    def wait(self, container: HostedContainer, timeout: float | None = None) -> dict[str, Any]:
        """``container.wait()``: advance until the container exits; its ``StatusCode``."""
        st = self.state_of(container)
        if st.running or container.status == "restarting":
            if container.status == "restarting":
                self._advance_until(lambda: container.status == "running", 120)
            horizon = timeout
            if horizon is None:
                w = st.workload
                if w is None or w.duration is None:
                    horizon = max(w.ramp if w else 0, 1.0) + 1.0
                else:
                    horizon = w.duration - (self.now_ms - st.started_ms) / 1000 + 0.1
            self._advance_until(lambda: not st.running, horizon)
            if st.running:
                raise WaitTimeout(
                    f"container {container.name} still runs after {horizon:g}s"
                    + ("" if timeout is not None else ": it runs until stopped; stop() or kill() it")
                )
        return {"StatusCode": container.exit_code, "Error": None}

    def _advance_until(self, done: Callable[[], bool], seconds: float) -> None:
        deadline = self.now_ms + round(seconds * 1000)
        while not done() and self.now_ms < deadline:
            self._tick()

    # ------------------------------------------------------------------ looking
    def cgroup_stat(self, container: HostedContainer) -> dict[str, dict[str, int]]:
        """``cpu.stat`` and ``memory.events`` (and ``memory.current``) as the kernel counts them."""
        st = self.state_of(container)
        return {
            "cpu.stat": {
                "usage_usec": st.cpu_ns // 1000,
                "nr_periods": st.nr_periods,
                "nr_throttled": st.nr_throttled,
                "throttled_usec": st.throttled_usec,
            },
            "memory.events": {"oom": st.oom_events, "oom_kill": st.oom_kills},
            "memory.current": {"bytes": st.anon + st.cache},
        }

    def stats(self, container: HostedContainer) -> Stats:
        """``docker stats`` numbers over the last second."""
        st = self.state_of(container)
        res = container.resources
        limit = res.memory or self.memory
        if not st.running:
            return Stats(container.id, container.name, 0.0, 0, 0, 0.0, 0)
        cpu_then, sys_then = st.second_sample if self.now_ms % 1000 == 0 else st.last_sample
        usage = st.anon + st.cache
        used = mem_usage(usage, st.cache)
        return Stats(
            container.id,
            container.name,
            cpu_percent(st.cpu_ns - cpu_then, self._system_ns() - sys_then, self.cpus),
            used,
            limit,
            mem_percent(used, limit),
            st.pids,
            usage=usage,
            inactive_file=st.cache,
        )

    def stats_table(self, containers: Iterable[HostedContainer] | None = None) -> str:
        """``docker stats --no-stream`` for the running containers (or those given)."""
        chosen = (
            list(containers)
            if containers is not None
            else [st.container for st in self._procs.values() if st.running]
        )
        return stats_table([self.stats(c) for c in chosen])

    def usage(self) -> dict[str, float]:
        """What the running containers use now, against what the host has."""
        running = [st for st in self._procs.values() if st.running]
        return {
            "cpus": self.cpus,
            "memory": self.memory,
            "memory_used": sum(st.anon + st.cache for st in running),
            "memory_limits": sum(st.container.resources.memory for st in running),
            "containers": len(running),
        }

    def __repr__(self) -> str:
        running = sum(1 for st in self._procs.values() if st.running)
        return (
            f"<Host {self.name} {self.cpus} CPUs {self.memory} B memory, {running} running, t={self.now:g}s>"
        )


def _weight(st: ProcessState) -> int:
    """``cpu.weight`` as ``container.cgroup`` shows it (opencontainers/cgroups' conversion)."""
    shares = st.container.resources.cpu_shares
    return cpu_weight(shares) if shares else WEIGHT_DEFAULT


def _share(cpus: float, asks: list[tuple[int, float, int]]) -> dict[int, float]:
    """CFS between cgroups: ``cpus`` split in proportion to weights, nobody above its ask."""
    got = {key: 0.0 for key, _, _ in asks}
    left = float(cpus)
    pending = [(k, a, w) for k, a, w in asks if a > 0]
    while pending and left > 1e-12:
        total = sum(w for _, _, w in pending)
        satisfied = [(k, a, w) for k, a, w in pending if a - got[k] <= left * w / total + 1e-12]
        if not satisfied:
            for k, _, w in pending:
                got[k] += left * w / total
            return got
        for k, a, _ in satisfied:
            left -= a - got[k]
            got[k] = a
        pending = [p for p in pending if p not in satisfied]
    return got
