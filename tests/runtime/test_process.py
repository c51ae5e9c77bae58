"""stop, kill, wait, logs: signals and exit codes of the main process (checked against podman in test_real)."""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.errors import ContainerStateError, InvalidResource, WaitTimeout
from simulator.runtime import Workload, exit_code_of, parse_signal


def test_exit_codes_are_128_plus_the_signal() -> None:
    assert exit_code_of(parse_signal("SIGTERM")) == 143
    assert exit_code_of(parse_signal("KILL")) == 137
    assert exit_code_of(parse_signal("2")) == 130
    assert parse_signal(15) == 15
    with pytest.raises(InvalidResource, match="unknown signal"):
        parse_signal("SIGFOO")


def test_stop_of_pid1_without_handler_waits_the_timeout_then_sigkill() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    assert c.status == "running"
    t0 = engine.host.now
    c.stop()
    assert (c.status, c.exit_code) == ("exited", 137)
    assert engine.host.now - t0 == pytest.approx(10)  # moby DefaultStopTimeout


def test_docker_start_runs_the_main_process_again() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 5", detach=True)
    c.kill()
    c.start()
    assert c.status == "running" and c.exit_code is None
    engine.host.advance(5)
    assert (c.status, c.exit_code) == ("exited", 0)
    once = engine.containers.run("busybox", "echo again", detach=True)
    once.start()
    assert once.logs() == b"again\nagain\n" and once.status == "exited"


def test_stop_timeout_argument_and_option() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    t0 = engine.host.now
    c.stop(timeout=2)
    assert c.exit_code == 137 and engine.host.now - t0 == pytest.approx(2)
    d = engine.containers.run("busybox", "sleep 1000", detach=True, stop_timeout=3)
    t0 = engine.host.now
    d.stop()
    assert engine.host.now - t0 == pytest.approx(3)


def test_a_process_that_exits_before_the_timeout_keeps_its_own_code() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 4", detach=True)
    t0 = engine.host.now
    c.stop()
    assert c.exit_code == 0 and engine.host.now - t0 == pytest.approx(4)


def test_a_handler_for_sigterm_exits_at_once() -> None:
    engine = Engine()
    trap = Workload(traps=frozenset({15}), trap_exit_code=143)
    c = engine.containers.run("busybox", detach=True, workload=trap)
    t0 = engine.host.now
    c.stop()
    assert c.exit_code == 143 and engine.host.now == t0


def test_init_forwards_sigterm_to_the_program() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True, init=True)
    c.stop()
    assert c.exit_code == 143


def test_kill_default_is_sigkill_and_sigterm_is_ignored_by_pid1() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    c.kill("SIGTERM")
    assert c.status == "running"  # PID 1 without a handler: the kernel drops it
    c.kill()
    assert (c.status, c.exit_code) == ("exited", 137)
    with pytest.raises(ContainerStateError, match="not running"):
        c.kill()


def test_kill_with_init_and_non_fatal_signals() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True, init=True)
    c.kill("SIGWINCH")  # default action: ignore
    assert c.status == "running"
    c.kill("SIGINT")
    assert c.exit_code == 130


def test_wait_and_logs() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", ["stress", "--cpu", "1", "--timeout", "5s"], detach=True)
    assert c.wait() == {"StatusCode": 0, "Error": None}
    assert engine.host.now == pytest.approx(5)
    assert c.logs() == (
        b"stress: info: [1] dispatching hogs: 1 cpu, 0 io, 0 vm, 0 hdd\n"
        b"stress: info: [1] successful run completed in 5s\n"
    )


def test_wait_never_hangs() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True)
    with pytest.raises(WaitTimeout, match="still runs after 2s"):
        c.wait(timeout=2)
    forever = engine.containers.run("busybox", "sleep infinity", detach=True)
    with pytest.raises(WaitTimeout, match="runs until stopped"):
        forever.wait()
    assert isinstance(WaitTimeout("x"), TimeoutError)


def test_run_without_detach_waits_for_the_process() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 3")
    assert (c.status, c.exit_code) == ("exited", 0)
    assert engine.host.now == pytest.approx(3)
    short = engine.containers.run("busybox", "echo hello; exit 3")  # runs once in the RUN shell
    assert (short.exit_code, short.logs()) == (3, b"hello\n")


def test_a_bare_container_without_host() -> None:
    from simulator.model.image import Image

    engine = Engine()
    c = engine.containers.create("busybox", "true")
    c.start()
    c.kill("SIGTERM")
    assert c.exit_code == 143
    assert c.wait()["StatusCode"] == 143
    assert isinstance(c.image, Image)
