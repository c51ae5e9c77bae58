"""Restart policies with moby's back-off (daemon/internal/restartmanager/restartmanager.go)."""

from __future__ import annotations

import itertools

import pytest

from simulator import Engine
from simulator.errors import InvalidResource
from simulator.runtime import RestartPolicy, Workload, next_delay


def test_backoff_doubles_from_100ms_to_a_one_minute_cap() -> None:
    delays, d = [], 0.0
    for _ in range(12):
        d = next_delay(d, ran_for=0.0)
        delays.append(d)
    assert delays == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 60.0, 60.0]


def test_backoff_resets_after_ten_seconds_of_running() -> None:
    assert next_delay(25.6, ran_for=10.0) == 0.1
    assert next_delay(25.6, ran_for=9.9) == 51.2


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("", RestartPolicy("no")),
        ("always", RestartPolicy("always")),
        ("on-failure:3", RestartPolicy("on-failure", 3)),
        ({"Name": "unless-stopped"}, RestartPolicy("unless-stopped")),
        ({"Name": "on-failure", "MaximumRetryCount": 5}, RestartPolicy("on-failure", 5)),
    ],
)
def test_policy_forms(text: object, policy: RestartPolicy) -> None:
    assert RestartPolicy.parse(text) == policy


@pytest.mark.parametrize(
    "bad", ["sometimes", "always:3", "on-failure:x", {"Name": "on-failure", "MaximumRetryCount": -1}, 3]
)
def test_bad_policies(bad: object) -> None:
    with pytest.raises(InvalidResource, match="restart_policy"):
        RestartPolicy.parse(bad)


def test_should_restart_table() -> None:
    # moby ShouldRestart: always -> yes; unless-stopped -> unless stopped by hand; on-failure: code != 0, < max
    assert RestartPolicy("always").should_restart(0, 0, False)
    assert RestartPolicy("unless-stopped").should_restart(0, 0, False)
    assert not RestartPolicy("unless-stopped").should_restart(0, 0, True)
    assert not RestartPolicy("on-failure").should_restart(0, 0, False)
    assert RestartPolicy("on-failure").should_restart(1, 100, False)
    assert RestartPolicy("on-failure", 3).should_restart(1, 2, False)
    assert not RestartPolicy("on-failure", 3).should_restart(1, 3, False)
    assert not RestartPolicy("no").should_restart(1, 0, False)


def _restart_times(engine: Engine, name: str) -> list[float]:
    return [t for t, who, what in engine.host.log if who == name and what == "start"]


def test_on_failure_retries_with_backoff_on_the_logical_clock() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "exit 3", detach=True, restart_policy="on-failure:3", name="flaky")
    assert c.status == "restarting" and c.restart_count == 1
    engine.host.advance(5)
    assert (c.status, c.exit_code, c.restart_count) == ("exited", 3, 3)
    starts = _restart_times(engine, "flaky")
    assert [round(b - a, 3) for a, b in itertools.pairwise(starts)] == [0.1, 0.2, 0.4]
    assert c.logs() == b""


def test_always_restarts_a_clean_exit_and_logs_accumulate() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "echo tick", detach=True, restart_policy="always")
    engine.host.advance(1)  # 0.1 + 0.2 + 0.4 = 0.7 s: three restarts fit in one second
    assert c.restart_count == 4 and c.status == "restarting"
    assert c.logs() == b"tick\n" * 4
    c.stop()  # a manual stop cancels the pending restart
    assert c.status == "exited"
    engine.host.advance(120)
    assert c.restart_count == 4


def test_kill_prevents_restart_but_oom_does_not() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", "sleep 1000", detach=True, restart_policy="always")
    c.kill()
    engine.host.advance(1)
    assert c.status == "exited" and c.restart_count == 0
    hog = engine.containers.run(
        "busybox", detach=True, workload=Workload(memory="128m"), mem_limit="64m", restart_policy="on-failure"
    )
    engine.host.advance(0.1)
    assert hog.oom_killed and hog.exit_code == 137 and hog.status == "restarting"


def test_a_long_run_resets_the_backoff() -> None:
    engine = Engine()
    crash = Workload(duration=12, exit_code=1)
    c = engine.containers.run("busybox", detach=True, workload=crash, restart_policy="always", name="crash")
    engine.host.advance(40)
    starts = _restart_times(engine, "crash")
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(starts)]
    assert gaps[:2] == [12.1, 12.1]  # ran 12 s >= 10 s: each time 100 ms again
    assert c.restart_count == len(starts) - 1
