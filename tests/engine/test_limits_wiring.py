"""Limits reach every way a command runs: engine default, exec_run, containers.run, builds."""

from __future__ import annotations

import pytest

from simulator import BuildError, Engine
from simulator.limits import DEFAULT_LIMITS, InvalidLimits, Limits

LOOP = "while :; do :; done"
TIGHT = Limits(steps=5_000, time=None)


def test_an_engine_has_classroom_safe_limits_by_default() -> None:
    assert Engine().limits == DEFAULT_LIMITS


def test_bad_engine_limits_are_refused() -> None:
    with pytest.raises(InvalidLimits):
        Engine(limits="lots")  # type: ignore[arg-type]


def test_exec_run_uses_the_engine_limits_and_a_call_can_override_them() -> None:
    engine = Engine(limits=TIGHT)
    c = engine.containers.create("busybox", ["sleep", "1"])
    c.start()
    result = c.exec_run(["sh", "-c", LOOP])
    assert result.exit_code == 152
    assert b"CPU limit of 5,000 steps reached" in result.output
    ok = c.exec_run(
        ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo $i"], limits=Limits(steps=None)
    )
    assert (ok.exit_code, ok.output) == (0, b"3000\n")


def test_containers_run_is_killed_at_the_limit() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", ["sh", "-c", LOOP], limits=TIGHT)
    assert c.exit_code == 152


def test_a_run_step_at_a_limit_fails_the_build_with_the_limit_named() -> None:
    engine = Engine(limits=TIGHT)
    with pytest.raises(BuildError, match="CPU limit of 5,000 steps reached"):
        engine.images.build(f"FROM busybox\nRUN {LOOP}\n", context={})
    # the build's own limits win over the engine's
    result = engine.images.build(
        "FROM busybox\nRUN i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done\n",
        context={},
        limits=Limits(steps=None),
    )
    assert len(result.image.layers) == 2
