"""The runtime lesson's checks: right, wrong with a hint, and never raising on a bad answer."""

from __future__ import annotations

from simulator.runtime import Workload
from simulator.teaching import check_limits_fit, check_stop_exit_codes

HOG = "stress --cpu 2 --vm 1 --vm-bytes 300M"


def scene(engine):
    engine.containers.run("busybox", "sleep infinity", detach=True, name="plain")
    engine.containers.run(
        "busybox",
        "server",
        detach=True,
        name="graceful",
        workload=Workload(traps=frozenset({15}), trap_exit_code=0),
    )
    engine.containers.run("busybox", "sleep infinity", detach=True, name="tini", init=True)


def hog(**options):
    return lambda engine: engine.containers.run("busybox", HOG, detach=True, **options)


def test_stop_exit_codes() -> None:
    assert check_stop_exit_codes(scene, {"plain": 137, "graceful": 0, "tini": 143}).ok is True
    fb = check_stop_exit_codes(scene, {"plain": 143, "graceful": 0, "tini": 143})
    assert fb.ok is False and "plain" in fb.message and "SIGKILL" in fb.hint
    assert check_stop_exit_codes(scene, {"plain": 137}).ok is False
    assert check_stop_exit_codes(scene, [137]).ok is False
    assert check_stop_exit_codes(scene, ...).ok is None


def test_limits_fit() -> None:
    assert check_limits_fit(hog(mem_limit="400m", cpus=1)).ok is True
    oom = check_limits_fit(hog(mem_limit="256m", cpus=1))
    assert oom.ok is False and "OOM" in oom.message
    assert check_limits_fit(hog(mem_limit="1g", cpus=1)).ok is False
    assert check_limits_fit(hog(cpus=1)).ok is False
    assert check_limits_fit(hog(mem_limit="400m")).ok is False
    assert check_limits_fit(hog(mem_limit="400m", cpus=2)).ok is False
    assert check_limits_fit(hog(mem_limit="3m")).ok is False  # refused: under 6MB
    assert check_limits_fit(lambda engine: 42).ok is False
    assert check_limits_fit("nope").ok is False
    assert check_limits_fit(...).ok is None
