"""The model against real podman + runc: cgroup files and exit codes.

This machine's cgroup hierarchy is v1, so the comparison is with the v1 files runc writes for
the same options (``Resources.cgroup_v1()``); the v2 values are pinned from the sources in
test_resources.py.  Podman is not Docker: its own defaults (pids.max 2048, no OOMKilled for a
child process on v1) are left out of the comparison.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from simulator import Engine
from simulator.runtime import Resources, Workload
from tests.realtools import harness

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def podman() -> Iterator[tuple[Any, str]]:
    harness.require("podman", "runc", "umoci", "busybox")
    sess = harness.session()
    ref = harness.make_busybox_layout(sess.base / "oci")
    yield sess, ref
    sess.cleanup()


def _podman(sess: Any, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [harness._tool("podman"), *args],
        env=sess.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _run(
    sess: Any, ref: str, options: list[str], cmd: list[str], *, detach: bool = False
) -> subprocess.CompletedProcess[str]:
    run = ["run", "--runtime", harness._tool("runc"), "--cgroup-manager", "cgroupfs", "--network", "none"]
    return _podman(sess, *run, *(["-d"] if detach else ["--rm"]), *options, ref, *cmd, timeout=120)


_FILES = [
    ("memory", "memory.limit_in_bytes"),
    ("memory", "memory.memsw.limit_in_bytes"),
    ("cpu", "cpu.cfs_period_us"),
    ("cpu", "cpu.cfs_quota_us"),
    ("cpu", "cpu.shares"),
    ("pids", "pids.max"),
]


@pytest.mark.parametrize(
    ("cli", "sdk"),
    [
        (["--memory", "64m", "--cpus", "1.5", "--pids-limit", "100"], {"mem_limit": "64m", "cpus": 1.5, "pids_limit": 100}),
        (["--memory", "512m", "--memory-swap", "1g", "--cpu-shares", "512", "--pids-limit", "7"],
         {"mem_limit": "512m", "memswap_limit": "1g", "cpu_shares": 512, "pids_limit": 7}),
        (["--cpu-period", "50000", "--cpu-quota", "25000", "--pids-limit", "1000"],
         {"cpu_period": 50000, "cpu_quota": 25000, "pids_limit": 1000}),
        (["--cpus", "0.25", "--memory", "6m", "--memory-swap", "-1", "--pids-limit", "50"],
         {"cpus": 0.25, "mem_limit": "6m", "memswap_limit": -1, "pids_limit": 50}),
    ],
)  # fmt: skip
def test_cgroup_v1_files_match_runc(podman: tuple[Any, str], cli: list[str], sdk: dict[str, Any]) -> None:
    sess, ref = podman
    script = "; ".join(f"cat /sys/fs/cgroup/{d}/{f}" for d, f in _FILES)
    done = _run(sess, ref, cli, ["sh", "-c", script])
    assert done.returncode == 0, done.stderr[-500:]
    real = dict(zip([f for _, f in _FILES], done.stdout.split(), strict=True))
    assert Resources.from_options(**sdk).cgroup_v1() == real


def _exit_code(sess: Any, name: str) -> str:
    return _podman(sess, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name).stdout.strip()


def test_stop_sigterm_then_sigkill_after_the_timeout(podman: tuple[Any, str]) -> None:
    sess, ref = podman
    assert _run(sess, ref, ["--name", "rt-stop"], ["sleep", "1000"], detach=True).returncode == 0
    t0 = time.monotonic()
    _podman(sess, "stop", "-t", "2", "rt-stop")
    took = time.monotonic() - t0
    real = _exit_code(sess, "rt-stop")
    _podman(sess, "rm", "-f", "rt-stop")

    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    start = engine.host.now
    c.stop(timeout=2)
    assert real == f"{c.status} {c.exit_code}" == "exited 137"
    assert took >= 2 and engine.host.now - start == pytest.approx(2)


def test_kill_signals(podman: tuple[Any, str]) -> None:
    sess, ref = podman
    assert _run(sess, ref, ["--name", "rt-kill"], ["sleep", "1000"], detach=True).returncode == 0
    _podman(sess, "kill", "-s", "TERM", "rt-kill")
    time.sleep(1)
    after_term = _exit_code(sess, "rt-kill")
    _podman(sess, "kill", "rt-kill")
    time.sleep(1)
    after_kill = _exit_code(sess, "rt-kill")
    _podman(sess, "rm", "-f", "rt-kill")

    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    c.kill("TERM")
    model_term = c.status
    c.kill()
    assert after_term.split()[0] == model_term == "running"
    assert after_kill == f"{c.status} {c.exit_code}" == "exited 137"


def test_a_trapped_sigterm_exits_at_once(podman: tuple[Any, str]) -> None:
    sess, ref = podman
    script = "trap 'exit 143' TERM; while true; do sleep 1; done"
    assert _run(sess, ref, ["--name", "rt-trap"], ["sh", "-c", script], detach=True).returncode == 0
    time.sleep(0.5)
    t0 = time.monotonic()
    _podman(sess, "stop", "-t", "5", "rt-trap")
    took = time.monotonic() - t0
    real = _exit_code(sess, "rt-trap")
    _podman(sess, "rm", "-f", "rt-trap")

    engine = Engine()
    c = engine.containers.run(
        "busybox", detach=True, workload=Workload(traps=frozenset({15}), trap_exit_code=143)
    )
    c.stop(timeout=5)
    assert real == f"{c.status} {c.exit_code}" == "exited 143"
    assert took < 5


def test_over_the_memory_limit_is_killed_137(podman: tuple[Any, str]) -> None:
    sess, ref = podman
    # busybox sort holds its whole input: 100 MiB in a 16 MiB cgroup without swap
    done = _run(
        sess,
        ref,
        ["--memory", "16m", "--memory-swap", "16m"],
        ["sh", "-c", "head -c 100m /dev/zero | sort >/dev/null"],
    )
    engine = Engine()
    c = engine.containers.run(
        "busybox", detach=True, workload=Workload(memory="100m", ramp=1), mem_limit="16m", memswap_limit="16m"
    )
    c.wait()
    assert done.returncode == c.exit_code == 137
    assert c.oom_killed
